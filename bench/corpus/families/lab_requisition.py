"""A laboratory requisition and report: ruled grids whose header row names the fields, values below it.

The patient sits in a "Last Name | First Name | MI | DOB | Sex" header row (or one "Patient Name (Last,
First MI)" column) with the values in the row under it; address and phone in a second grid. Distractors:
the ordering physician with NPI, specimen collection and received dates, an insured/guarantor grid with
its own name and birth date, result rows, sometimes a second patient's requisition on a later page.
The document date is the report date (its label varies: Reported, Date Reported, Final Report Date).
"""

from __future__ import annotations

import datetime as dt

from ..blocks import Ctx, number
from ..identities import format_date
from ..render import PageText
from ..restyle import compose, restyle_name, with_dob_style
from ..sheet import Sheet
from ..wordlists import LAB_TESTS, LABS, PANELS
from .base import (
    Family,
    Plan,
    age,
    before,
    clinician,
    continuation,
    record_clinician,
    record_party,
    record_second,
    relative,
    second_context,
    shown_address,
    shown_phone,
)

_SPLIT_HEADERS = (
    ("Last Name", "First Name", "MI", "DOB", "Sex"),
    ("Patient Last Name", "First", "M.I.", "Date of Birth", "Gender"),
    ("LAST NAME", "FIRST NAME", "INIT", "BIRTH DATE", "SEX"),
)
_WHOLE_HEADERS = (
    ("Patient Name (Last, First MI)", "D.O.B.", "Age", "Sex", "Patient ID"),
    ("Name (Last, First)", "Birthdate", "Age", "Gender", "Chart #"),
    ("PATIENT", "DOB", "AGE", "SEX", "MRN"),
)
_DATE_LABELS = ("Reported:", "Date Reported:", "Final Report Date:", "Report Date:", "REPORTED")
_RESULT_HEADER = ("Test", "Result", "Flag", "Units", "Reference Range")


def _result_rows(ctx: Ctx, count: int) -> list[list[str]]:
    rows = []
    for name, units, low_s, high_s, dec_s in ctx.rng.sample(LAB_TESTS, min(count, len(LAB_TESTS))):
        low, high = float(low_s), float(high_s)
        value = ctx.rng.uniform(low * 0.8, high * 1.2 if high else 10)
        flag = "H" if value > high else "L" if value < low else ""
        rows.append([name, f"{value:.{int(dec_s)}f}", flag, units, f"{low_s}-{high_s}"])
    return rows


def _patient_grid(sheet: Sheet, ctx: Ctx) -> None:
    rng, p = ctx.rng, ctx.patient
    first, middle, last = p.first, p.middle, p.last
    sex = {"F": "F", "M": "M"}.get(p.sex, "")
    split = rng.random() < 0.55
    if split:
        header = rng.choice(_SPLIT_HEADERS)
        ctx.facts.name_label = " | ".join(header[:3]) + " (header row)"
        ctx.facts.variations.append("name_split_cells")
        sheet.grid([2.1, 1.9, 0.6, 1.6, 1.1], header, [[last, first, middle[:1], p.dob or "", sex]], size=9.5)
    else:
        header = rng.choice(_WHOLE_HEADERS)
        ctx.facts.name_label = f"{header[0]} (header row)"
        years = str(age(p.dob_date, ctx.doc_date)) if p.dob_date else ""
        sheet.grid(
            [2.9, 1.4, 0.6, 0.7, 1.7], header, [[p.name, p.dob or "", years, sex, p.mrn or ""]], size=9.5
        )
    street, city_line = shown_address(ctx)
    phone = shown_phone(ctx)
    columns, row = ["Patient Address", "City, State ZIP", "Phone"], [street, city_line, phone]
    if split:
        columns, row = [*columns, "Patient ID"], [*row, p.mrn or ""]
    widths = [2.6, 2.1, 1.4, 1.2] if split else [3.0, 2.5, 1.8]
    sheet.grid(widths, columns, [row])


def _order_grids(sheet: Sheet, ctx: Ctx) -> None:
    rng, doc = ctx.rng, clinician(ctx.rng)
    name = record_clinician(ctx, "ordering_physician", doc.name(rng.randrange(4)))
    sheet.gap(0.08)
    sheet.grid(
        [2.6, 1.4, 1.5, 1.8],
        ("Ordering Physician", "NPI", "Account #", "Client Phone"),
        [[name, doc.npi, number(rng, digits=6), doc.phone]],
    )
    collected = before(ctx, 2, 5)
    received = collected + dt.timedelta(days=rng.randint(0, 1))
    row = [
        ctx.facts.date("collection_date", format_date(collected, "mdy"), collected),
        f"{rng.randint(6, 11):02d}:{rng.randint(0, 59):02d}",
        ctx.facts.date("received_date", format_date(received, "mdy"), received),
        rng.choice(("Y", "N")),
        rng.choice(("Serum", "Whole blood", "Urine")),
    ]
    sheet.gap(0.08)
    sheet.grid(
        [1.7, 1.3, 1.7, 0.9, 1.7],
        ("Collection Date", "Collection Time", "Received", "Fasting", "Specimen"),
        [row],
    )


def _insurance_grid(sheet: Sheet, ctx: Ctx) -> None:
    rng = ctx.rng
    sheet.gap(0.08)
    sheet.line("INSURANCE / GUARANTOR INFORMATION", 9, bold=True)
    header = ("Insured / Guarantor Name", "Insured DOB", "Relationship", "Member ID", "Group #")
    if rng.random() < 0.3:
        row = [ctx.patient.name, ctx.patient.dob or "", "Self"]
    else:
        party = relative(ctx)
        dob = format_date(party.dob, "mdy")
        row = [
            record_party(ctx, "insured", party, party.name(caps=rng.random() < 0.5), dob),
            dob,
            party.relation,
        ]
    row += [number(rng, rng.choice(("W", "XQH", "")), 9), number(rng, digits=6)]
    sheet.grid([2.6, 1.2, 1.2, 1.4, 0.9], header, [row])


def _page(ctx: Ctx, specimen: str, *, report: bool) -> PageText:
    rng, s = ctx.rng, ctx.sender
    sheet = Sheet()
    sheet.line(s.name.upper(), 15, bold=True)
    sheet.line(f"{s.street}, {s.city_line}   Tel {s.phone}   Fax {s.fax}", 8.5)
    sheet.line(
        f"CLIA # {rng.randint(10, 99)}D{rng.randint(10**6, 10**7 - 1)}   Director: {clinician(rng).name(0)}",
        8.5,
    )
    sheet.text(
        5.4,
        0.62,
        rng.choice(("LAB REQUISITION / REPORT", "TEST REQUISITION", "CLINICAL LAB REPORT")),
        10.5,
        bold=True,
    )
    sheet.text(5.4, 0.85, f"Specimen ID: {specimen}", 9)
    sheet.gap(0.15)
    _patient_grid(sheet, ctx)
    _order_grids(sheet, ctx)
    _insurance_grid(sheet, ctx)
    sheet.gap(0.12)
    sheet.line(rng.choice(PANELS).upper(), 10, bold=True)
    sheet.grid([2.6, 1.1, 0.6, 1.2, 1.8], _RESULT_HEADER, _result_rows(ctx, rng.randint(5, 9)), size=9)
    sheet.gap(0.15)
    label = rng.choice(_DATE_LABELS)
    stamp = f"{rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}"
    printed = format_date(ctx.doc_date, rng.choice(("mdy", "mdy", "mdy_nopad")))
    if report:
        ctx.facts.doc_date(label, printed)
    sheet.line(f"{label} {printed} {stamp}     Status: FINAL", 9.5, bold=True)
    return PageText([], items=sheet.items)


def build(ctx: Ctx, plan: Plan) -> list[PageText]:
    """The requisition/report, results continuations, and maybe a second patient's requisition."""
    rng = ctx.rng
    ident = restyle_name(ctx.patient, "last_first", caps=rng.random() < 0.7, comma=True)
    ctx.patient = with_dob_style(ident, "mdy") if rng.random() < 0.6 else ident
    specimen = f"{rng.choice('ABCDEFGH')}{rng.randint(10**7, 10**8 - 1)}"
    pages = [_page(ctx, specimen, report=True)]
    p = ctx.patient
    header = f"{compose(p, 'last_first', caps=True)}   DOB: {p.dob or ''}   Specimen: {specimen}"
    pages += [continuation(ctx, header, plan, page) for page in range(2, plan.extra_pages + 2)]
    other = second_context(ctx, plan)
    if other is not None:
        other.patient = restyle_name(other.patient, "last_first", caps=True)
        pages.append(_page(other, f"{rng.choice('ABCDEFGH')}{rng.randint(10**7, 10**8 - 1)}", report=False))
        record_second(ctx, other)
    return pages


FAMILY = Family(
    "lab_requisition", "header_row", "reference laboratory", ("lab_result",), LABS, build, second_patient=True
)
