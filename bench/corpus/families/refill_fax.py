"""A pharmacy refill / renewal fax request: header-row tables with the values in the row below.

Modelled on pharmacy-system refill faxes (an NCPDP-style "Prescription Renewal Request"): a table
"Patient | DOB | Phone" (and sometimes address) with the patient's values below the header row, a
prescriber table (name, NPI, DEA, phone, fax), a drug table with last-fill and written dates, and a
response area for the prescriber. Distractors: the prescriber and the pharmacist, fill and written dates
inside tables, sometimes a second patient's request on a later page. The document date is the request
date printed at the top (Date / Request Date / Date Sent / Date of Request).
"""

from __future__ import annotations

from ..blocks import Ctx, npi, number
from ..identities import format_date
from ..render import Line, PageText
from ..restyle import compose, restyle_name, without_mrn
from ..sheet import LEFT_IN, RIGHT_IN, Sheet
from ..wordlists import MEDICATIONS, PHARMACIES
from .base import (
    Family,
    Plan,
    before,
    clinician,
    flowing,
    record_clinician,
    record_second,
    second_context,
    shown_address,
    shown_phone,
    staff_name,
)

_TITLES = (
    "REFILL AUTHORIZATION REQUEST",
    "Prescription Renewal Request",
    "Rx Refill Request - Please Fax Back",
    "REQUEST FOR REFILL AUTHORIZATION",
)
_DATE_LABELS = ("Date:", "Request Date:", "Date Sent:", "Date of Request:")
_PATIENT_HEADERS = (
    ("Patient", "DOB", "Phone"),
    ("Patient Name", "Date of Birth", "Patient Phone"),
    ("PATIENT", "BIRTHDATE", "PHONE #"),
    ("Pt Name", "D.O.B.", "Home Phone"),
)


def _drug_rows(ctx: Ctx) -> list[list[str]]:
    rng, rows = ctx.rng, []
    for drug, sig in rng.sample(MEDICATIONS, rng.randint(1, 3)):
        filled = before(ctx, 20, 95)
        written = filled - (ctx.doc_date - filled) * rng.randint(1, 3)
        rows.append(
            [
                drug,
                str(rng.choice((30, 60, 90))),
                sig,
                ctx.facts.date("last_fill_date", format_date(filled, "mdy"), filled),
                ctx.facts.date("written_date", format_date(written, "mdy"), written),
                "0",
                f"RX{rng.randint(10**6, 10**7 - 1)}",
            ]
        )
    return rows


def _patient_table(sheet: Sheet, ctx: Ctx) -> None:
    rng, p = ctx.rng, ctx.patient
    header = rng.choice(_PATIENT_HEADERS)
    ctx.facts.name_label = f"{header[0]} (header row)"
    sheet.grid([3.2, 1.8, 2.3], header, [[p.name, p.dob or "", shown_phone(ctx)]], size=10)
    if rng.random() < 0.5:
        street, city_line = shown_address(ctx)
        sheet.grid([3.2, 4.1], ("Address", "City, State ZIP"), [[street, city_line]], size=9.5)


def _page(ctx: Ctx, *, request: bool) -> PageText:
    rng, s = ctx.rng, ctx.sender
    doc = clinician(rng)
    sheet = Sheet()
    sheet.line(s.name, 15, bold=True)
    sheet.line(f"{s.street}, {s.city_line}", 9)
    sheet.line(f"Phone {s.phone}   Fax {s.fax}   NCPDP {number(rng, digits=7)}   NPI {npi(rng)}", 9)
    sheet.gap(0.1)
    sheet.centered(rng.choice(_TITLES), 14)
    printed = format_date(ctx.doc_date, rng.choice(("mdy", "mdy", "mdy_nopad", "short_month")))
    label = rng.choice(_DATE_LABELS)
    if request:
        ctx.facts.doc_date(label, printed)
    sheet.line(f"{label} {printed}", 10, x=5.3, bold=False)
    sheet.line(f"To: {record_clinician(ctx, 'prescriber', doc.name(rng.randrange(4)))}   Fax: {doc.fax}", 10)
    sheet.line(
        f"From: {s.name}   Pharmacist: {record_clinician(ctx, 'pharmacist', staff_name(rng) + ', RPh')}", 10
    )
    sheet.gap(0.12)
    _patient_table(sheet, ctx)
    sheet.gap(0.12)
    sheet.grid(
        [2.3, 1.2, 1.2, 1.3, 1.3],
        ("Prescriber", "NPI", "DEA", "Phone", "Fax"),
        [[doc.name(0), doc.npi, f"B{doc.last[0]}{rng.randint(10**6, 10**7 - 1)}", doc.phone, doc.fax]],
    )
    sheet.gap(0.12)
    header = ("Medication / Strength", "Qty", "Directions", "Last Fill", "Date Written", "Refills", "Rx #")
    sheet.grid([1.8, 0.4, 2.1, 0.8, 0.9, 0.5, 0.8], header, _drug_rows(ctx), size=8.0)
    sheet.gap(0.2)
    _response(sheet)
    return PageText([], items=sheet.items)


def _response(sheet: Sheet) -> None:
    sheet.band("PRESCRIBER RESPONSE", style="rule", size=10)
    for text in (
        "[ ] APPROVED   Number of refills: ______      [ ] DENIED - reason: ______________________",
        "[ ] Patient must schedule an appointment      [ ] New prescription to follow",
        "",
        "Prescriber signature: ______________________________      Date: ____________",
    ):
        sheet.line(text, 10)
    sheet.gap(0.2)
    sheet.para(
        "CONFIDENTIAL: This fax contains protected health information intended only for the prescriber named "
        "above. If received in error, call the pharmacy and destroy it.",
        8,
    )
    sheet.rect(LEFT_IN, sheet.y + 0.05, RIGHT_IN - LEFT_IN, 0.01, line=0, fill=0)


def _history(ctx: Ctx, plan: Plan, page: int) -> PageText:
    """A continuation page: the patient's fill history (dates inside a table)."""
    p = ctx.patient
    lines = [
        Line(
            f"Pt: {compose(p, 'last_first', caps=True)}   DOB {p.dob or ''}",
            9,
            right_text=f"Page {plan.first_number + page - 1} of {plan.total}",
            right_x_in=6.6,
        )
    ]
    lines += [Line("", 8), Line("FILL HISTORY (last 12 months)", 11, bold=True), Line("", 4)]
    lines.append(
        Line(
            "Fill Date",
            9.5,
            bold=True,
            right_text="Medication                     Qty   Rx #",
            right_x_in=2.2,
        )
    )
    for _ in range(ctx.rng.randint(8, 16)):
        day = before(ctx, 20, 360)
        drug, _sig = ctx.rng.choice(MEDICATIONS)
        text = f"{drug:<30} {ctx.rng.choice((30, 90))}   RX{ctx.rng.randint(10**6, 10**7 - 1)}"
        lines.append(
            Line(
                ctx.facts.date("fill_history", format_date(day, "mdy"), day),
                9.5,
                right_text=text,
                right_x_in=2.2,
            )
        )
    return flowing(lines)


def build(ctx: Ctx, plan: Plan) -> list[PageText]:
    """The request, fill-history continuations, and maybe a second patient's request (a batch fax)."""
    rng = ctx.rng
    style = rng.choice(("last_first", "first_last"))
    ctx.patient = restyle_name(without_mrn(ctx.patient), style, caps=rng.random() < 0.5)
    pages = [_page(ctx, request=True)]
    pages += [_history(ctx, plan, page) for page in range(2, plan.extra_pages + 2)]
    other = second_context(ctx, plan)
    if other is not None:
        other.patient = restyle_name(other.patient, style, caps=rng.random() < 0.5)
        pages.append(_page(other, request=False))
        record_second(ctx, other)
    return pages


FAMILY = Family(
    "refill_fax",
    "header_row",
    "retail pharmacy",
    ("refill_request",),
    PHARMACIES,
    build,
    full_sender_names=True,
    second_patient=True,
)
