"""A payer prior-authorization request form: the patient under the payer's role words, in boxed fields.

Modelled on health-plan and Medicaid uniform PA forms: a "MEMBER INFORMATION" section whose fields name
the patient by the payer's word ("Member Name", "Enrollee Name", "Beneficiary Name", "Patient/Member
Name") with the member ID, birth date, phone and address; the cardholder (policy holder, a relative)
when different; a prescriber section (name, NPI, DEA, phone, fax, office contact); the medication
requested and previous therapies with their dates. The plan has no place for the practice's MRN. The
document date is the prescriber's signature date.
"""

from __future__ import annotations

from ..blocks import Ctx, number
from ..identities import format_date
from ..render import PageText
from ..restyle import restyle_name, without_mrn
from ..sheet import LEFT_IN, Sheet
from ..wordlists import DIAGNOSES, INSURERS, MEDICATIONS
from .base import (
    Family,
    Plan,
    before,
    clinician,
    continuation,
    record_clinician,
    record_party,
    relative,
    shown_address,
    shown_phone,
    staff_name,
    toll_free,
)

_ROLES = (
    ("Member Name", "Member ID #", "Member DOB", "Member Phone"),
    ("Enrollee Name", "Enrollee ID", "Enrollee Date of Birth", "Enrollee Phone"),
    ("Beneficiary Name", "Medicaid ID", "Beneficiary DOB", "Phone"),
    ("Patient/Member Name", "Member #", "Date of Birth", "Phone Number"),
    ("MEMBER NAME (Last, First)", "SUBSCRIBER ID", "DOB (MM/DD/YYYY)", "MEMBER PHONE"),
)
_TITLES = (
    "PRIOR AUTHORIZATION REQUEST FORM",
    "Pharmacy Prior Authorization Request",
    "MEDICATION PRECERTIFICATION REQUEST",
    "Request for Prior Authorization - Outpatient Medication",
)


def _member(sheet: Sheet, ctx: Ctx) -> None:
    rng, p = ctx.rng, ctx.patient
    name_l, id_l, dob_l, phone_l = rng.choice(_ROLES)
    ctx.facts.name_label = name_l
    street, city_line = shown_address(ctx)
    sheet.band("MEMBER INFORMATION", style="rule", size=10)
    sheet.field_row(
        ((name_l, 4.3, p.name), (id_l, 3.0, number(rng, rng.choice(("M", "XQ", "")), 10))), height=0.4
    )
    sheet.field_row(
        (
            (dob_l, 2.2, p.dob or ""),
            (phone_l, 2.1, shown_phone(ctx)),
            ("Gender", 0.8, p.sex),
            ("Group #", 2.2, number(rng, digits=6)),
        ),
        height=0.4,
    )
    sheet.field_row((("Address", 4.3, street), ("City, State ZIP", 3.0, city_line)), height=0.4)
    holder = ""
    if rng.random() < 0.5:
        party = relative(ctx)
        holder = record_party(ctx, "cardholder", party, party.name("first_last"))
    sheet.field_row(
        (("Cardholder / Policy Holder Name (if different from member)", 7.3, holder),), height=0.4
    )


def _prescriber(sheet: Sheet, ctx: Ctx) -> None:
    rng, doc = ctx.rng, clinician(ctx.rng)
    sheet.gap(0.1)
    sheet.band("PRESCRIBER INFORMATION", style="rule", size=10)
    name = record_clinician(ctx, "prescriber", doc.name(rng.randrange(4)))
    sheet.field_row(
        (
            ("Prescriber Name", 3.3, name),
            ("NPI #", 2.0, doc.npi),
            ("DEA #", 2.0, f"A{doc.last[0]}{rng.randint(10**6, 10**7 - 1)}"),
        ),
        height=0.4,
    )
    contact = record_clinician(ctx, "office_contact", staff_name(rng))
    sheet.field_row(
        (("Phone", 2.0, doc.phone), ("Fax", 2.0, doc.fax), ("Office Contact", 3.3, contact)), height=0.4
    )


def _medication(sheet: Sheet, ctx: Ctx) -> None:
    rng = ctx.rng
    (drug, sig), *tried = rng.sample(MEDICATIONS, 3)
    code, text = rng.choice(DIAGNOSES)
    sheet.gap(0.1)
    sheet.band("MEDICATION REQUESTED", style="rule", size=10)
    sheet.field_row(
        (
            ("Drug Name / Strength", 3.3, drug),
            ("Quantity / Days Supply", 2.0, f"{rng.choice((30, 90))} / 30"),
            ("Diagnosis (ICD-10)", 2.0, code),
        ),
        height=0.4,
    )
    sheet.field_row((("Directions", 4.3, sig), ("Diagnosis", 3.0, text)), height=0.4)
    sheet.gap(0.1)
    sheet.line("Previous therapies tried and failed:", 9.5, bold=True)
    rows = []
    for other, _ in tried:
        start = before(ctx, 200, 700)
        stop = before(ctx, 30, 190)
        span = f"{ctx.facts.date('therapy_start', format_date(start, 'mdy'), start)} - "
        span += ctx.facts.date("therapy_stop", format_date(stop, "mdy"), stop)
        rows.append([other, span, rng.choice(("Ineffective", "Side effects", "Intolerance"))])
    sheet.grid(
        [2.9, 2.6, 1.8], ("Medication", "Dates of Use (From - To)", "Reason Discontinued"), rows, size=9
    )


def _signature(sheet: Sheet, ctx: Ctx) -> None:
    rng = ctx.rng
    printed = format_date(ctx.doc_date, rng.choice(("mdy", "mdy", "mdy_nopad", "mdy2")))
    label = rng.choice(("Date:", "Date Signed:", "Date"))
    ctx.facts.doc_date(f"Prescriber Signature ... {label}", printed)
    sheet.gap(0.2)
    sheet.para(
        "I attest that the information provided is accurate and supported by the member's medical record.", 9
    )
    sheet.gap(0.1)
    sheet.line(f"Prescriber Signature: {ctx.provider}   (electronically signed)        {label} {printed}", 10)
    sheet.gap(0.15)
    sheet.line(
        "FOR PLAN USE ONLY   Date received: ________   Approved [ ]   Denied [ ]   Reviewer: ________", 8.5
    )


def build(ctx: Ctx, plan: Plan) -> list[PageText]:
    """The PA form (a continuation page holds clinical notes with the member named in a header)."""
    rng = ctx.rng
    ident = restyle_name(
        without_mrn(ctx.patient), rng.choice(("last_first", "first_last")), caps=rng.random() < 0.4
    )
    ctx.patient = ident
    sheet = Sheet()
    plan_name = ctx.sender.name
    sheet.line(plan_name, 14, bold=True)
    sheet.line(
        f"Pharmacy Services  |  Fax completed form to {toll_free(rng)}",
        9,
    )
    sheet.gap(0.1)
    sheet.centered(rng.choice(_TITLES), 13)
    sheet.line("Please complete all sections. Incomplete forms will delay the review.", 8.5)
    sheet.gap(0.05)
    _member(sheet, ctx)
    _prescriber(sheet, ctx)
    _medication(sheet, ctx)
    _signature(sheet, ctx)
    sheet.text(LEFT_IN, 10.5, f"{plan_name} PA form rev. 0{rng.randint(1, 9)}/2023", 7)
    header = f"Member: {ident.name}   DOB: {ident.dob or ''}"
    return [PageText([], items=sheet.items)] + [
        continuation(ctx, header, plan, n) for n in range(2, plan.extra_pages + 2)
    ]


FAMILY = Family(
    "payer_pa_form",
    "role_label",
    "health plan pharmacy services",
    ("prior_authorization",),
    INSURERS,
    build,
    full_sender_names=True,
)
