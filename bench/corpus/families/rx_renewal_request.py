"""A mail-order pharmacy's prescription renewal request: header-row grids, the values in the row below.

Modelled on the renewal requests home-delivery and specialty pharmacies fax to prescribers: the patient
in a grid whose header row says "Patient Name | Date of Birth | Gender | Member ID | Phone" (or "Name",
"Birth Date", "Cardholder ID"), the address in a second grid; the cardholder (a relative) in a grid of
its own with a birth date; the prescriber with NPI, DEA and numbers; a medication grid whose rows carry
the last fill date and the original prescription's date written; a blank response box. The document
date is the day the request was sent, printed by a label at the top or in a header-row grid.
"""

from __future__ import annotations

from ..blocks import Ctx, number
from ..identities import format_date
from ..render import PageText
from ..restyle import restyle_name, split_city_line, with_dob_style, without_mrn
from ..sheet import LEFT_IN, Sheet
from ..wordlists import MAIL_ORDER, MEDICATIONS
from .base import (
    Family,
    Plan,
    before,
    clinician,
    continuation,
    dated,
    record_clinician,
    record_party,
    relative,
    shown_address,
    shown_phone,
    toll_free,
)

_PATIENT_HEADERS = (
    ("Patient Name", "Date of Birth", "Gender", "Member ID", "Phone"),
    ("PATIENT (Last, First)", "DOB", "Sex", "Cardholder ID", "Home Phone"),
    ("Name", "Birth Date", "Sex", "ID #", "Phone"),
    ("Patient", "D.O.B.", "Gender", "Member #", "Patient Phone"),
)
_DATE_LABELS = ("Request Date:", "Date of Request:", "Date Sent:", "Sent:", "Renewal Request Date:")
_GRID_DATE_HEADERS = ("Request Date", "Date Sent", "Date of Request")
_DOB_STYLES = ("mdy", "mdy", "mdy_nopad", "mdy2", "mdy_dash")
_TITLES = ("PRESCRIPTION RENEWAL REQUEST", "Rx Renewal Request", "REQUEST FOR NEW PRESCRIPTION / RENEWAL")


def _heading(sheet: Sheet, ctx: Ctx, request: str) -> None:
    rng, s = ctx.rng, ctx.sender
    sheet.line(s.name, 14, bold=True)
    sheet.line(f"{s.street}, {s.city_line}   Prescriber line {toll_free(rng)}   Fax {s.fax}", 8.5)
    sheet.gap(0.08)
    sheet.centered(rng.choice(_TITLES), 13)
    printed = format_date(ctx.doc_date, rng.choice(("mdy", "mdy", "mdy_nopad", "long")))
    if rng.random() < 0.5:
        label = rng.choice(_DATE_LABELS)
        sheet.line(f"{label} {ctx.facts.doc_date(label, printed)}        Request #: {request}", 10)
    else:
        header = rng.choice(_GRID_DATE_HEADERS)
        ctx.facts.doc_date(f"{header} (header row)", printed)
        ncpdp = str(rng.randint(10**6, 10**7 - 1))
        sheet.grid([2.0, 2.0, 2.0], ("Request #", header, "Pharmacy NCPDP"), [[request, printed, ncpdp]])
    sheet.gap(0.1)


def _patient(sheet: Sheet, ctx: Ctx) -> None:
    rng, p = ctx.rng, ctx.patient
    header = rng.choice(_PATIENT_HEADERS)
    ctx.facts.name_label = f"{header[0]} (header row)"
    sheet.line("PATIENT INFORMATION", 9.5, bold=True)
    member = number(rng, rng.choice(("", "A", "ZX")), 9)
    sheet.grid([2.5, 1.3, 0.8, 1.4, 1.3], header, [[p.name, p.dob or "", p.sex, member, shown_phone(ctx)]])
    street, city_line = shown_address(ctx)
    city, state, zip_code = split_city_line(city_line)
    sheet.grid([3.0, 2.1, 0.8, 1.4], ("Address", "City", "State", "ZIP"), [[street, city, state, zip_code]])
    if rng.random() < 0.45:
        party = relative(ctx)
        dob = format_date(party.dob, "mdy")
        name = record_party(ctx, "cardholder", party, party.name(caps=p.name.isupper()), dob)
        sheet.gap(0.06)
        sheet.grid(
            [3.0, 1.6, 1.6],
            ("Cardholder Name", "Relationship", "Cardholder DOB"),
            [[name, party.relation, dob]],
        )
    sheet.gap(0.1)


def _prescriber(sheet: Sheet, ctx: Ctx) -> None:
    rng, doc = ctx.rng, clinician(ctx.rng)
    name = record_clinician(ctx, "prescriber", doc.name(rng.randrange(4)))
    dea = f"{rng.choice('ABFM')}{doc.last[0]}{rng.randint(10**6, 10**7 - 1)}"
    sheet.line("PRESCRIBER", 9.5, bold=True)
    sheet.grid(
        [2.5, 1.3, 1.2, 1.3, 1.0],
        ("Prescriber", "NPI", "DEA #", "Phone", "Fax"),
        [[name, doc.npi, dea, doc.phone, doc.fax]],
    )
    sheet.gap(0.1)


def _medications(sheet: Sheet, ctx: Ctx) -> None:
    rng = ctx.rng
    rows = []
    for drug, _sig in rng.sample(MEDICATIONS, rng.randint(1, 3)):
        filled = dated(ctx, "last_filled", before(ctx, 20, 95), "mdy")
        written = dated(ctx, "date_written", before(ctx, 200, 400), "mdy")
        rows.append(
            [
                drug,
                str(rng.choice((30, 90, 180))),
                str(rng.choice((30, 90))),
                "0",
                filled,
                written,
                number(rng, digits=7),
            ]
        )
    sheet.line("MEDICATION(S) REQUESTED", 9.5, bold=True)
    header = ("Drug Name & Strength", "Qty", "Days", "Refills Left", "Last Filled", "Date Written", "Rx #")
    sheet.grid([2.3, 0.5, 0.5, 0.9, 1.0, 1.1, 1.0], header, rows, size=8.5)
    sheet.gap(0.15)


def _response(sheet: Sheet) -> None:
    sheet.line("PRESCRIBER RESPONSE (please fax back)", 9.5, bold=True)
    sheet.line(
        "[ ] Approved   Number of refills: ______   [ ] Approved with changes   [ ] Denied: ____________", 9
    )
    sheet.line("[ ] Patient no longer under my care   [ ] Needs appointment", 9)
    sheet.gap(0.1)
    sheet.line("Prescriber Signature: ________________________________   Date: ____________", 9.5)
    sheet.gap(0.2)
    sheet.text(
        LEFT_IN,
        sheet.y,
        "This request was generated at the patient's request. Do not send controlled substances by fax.",
        7.5,
    )


def build(ctx: Ctx, plan: Plan) -> list[PageText]:
    """The renewal request, then continuation pages (patient notes) naming the patient in a header."""
    rng = ctx.rng
    order = "last_first" if rng.random() < 0.6 else "first_last"
    ident = restyle_name(without_mrn(ctx.patient), order, caps=rng.random() < 0.5, comma=True)
    ctx.patient = with_dob_style(ident, rng.choice(_DOB_STYLES))
    request = f"R{rng.randint(10**7, 10**8 - 1)}"
    sheet = Sheet()
    _heading(sheet, ctx, request)
    _patient(sheet, ctx)
    _prescriber(sheet, ctx)
    _medications(sheet, ctx)
    _response(sheet)
    header = f"Renewal request {request}   Patient: {ctx.patient.name}"
    return [PageText([], items=sheet.items)] + [
        continuation(ctx, header, plan, n) for n in range(2, plan.extra_pages + 2)
    ]


FAMILY = Family(
    "rx_renewal_request",
    "header_row",
    "mail-order pharmacy",
    ("refill_request",),
    MAIL_ORDER,
    build,
)
