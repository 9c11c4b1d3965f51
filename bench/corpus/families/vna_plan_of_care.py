"""A home health certification and plan of care laid out like the CMS-485: numbered caption boxes.

Modelled on the public CMS-485 form a home health agency sends a physician to sign. The patient is
box 6 (name and address in one box, the name on its first line, sometimes a phone below) and box 8
(birth date, in the agency software's own format, often a compact MMDDYYYY). Box 4's "Medical Record No."
is the agency's own number, never the practice's. Distractors: the start of care (box 2) and
certification period (box 3), diagnosis onset dates (boxes 11 and 13), the nurse's verbal start-of-care
date (box 23), the agency's name, address and phone (box 7), the physician (box 24) and a caregiver named
in the goals (box 22). The document date is box 27's physician signature date.
"""

from __future__ import annotations

import datetime as dt

from ..blocks import Ctx, number
from ..identities import format_date
from ..render import PageText
from ..restyle import middle_initial, restyle_name, with_dob_style, without_mrn
from ..sheet import LEFT_IN, Sheet, fit
from ..wordlists import DIAGNOSES, HOME_HEALTH, MEDICATIONS
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
)

NAME_CAPTION = "6. Patient's Name and Address"
DATE_CAPTION = "27. Attending Physician's Signature and Date Signed"
_DOB_STYLES = ("mdy", "mdy", "mdy", "mdy_nopad", "mdy2", "mdy8", "mdy8")
_DATE_STYLES = ("mdy", "mdy", "mdy_nopad", "mdy2")
_ORDERS = (
    "SN 1W1, 2W4, 1W4: assess cardiopulmonary status, medication teaching and compliance.",
    "PT 2W4: evaluate and treat, gait training, home exercise program, fall prevention.",
    "OT 1W3: ADL retraining, energy conservation, adaptive equipment.",
    "HHA 2W6: assist with bathing and personal care.",
    "MSW 1-2 visits PRN: community resources and long-term planning.",
)


def _when(ctx: Ctx) -> dict[str, dt.date]:
    """Start of care 3-40 days before the physician signs; a 60-day certification period from it."""
    soc = before(ctx, 3, 40)
    return {"soc": soc, "to": soc + dt.timedelta(days=59)}


def _top(sheet: Sheet, ctx: Ctx, when: dict[str, dt.date]) -> None:
    rng, style = ctx.rng, _style(ctx)
    soc = dated(ctx, "start_of_care", when["soc"], style)
    period = (
        f"From: {dated(ctx, 'certification_from', when['soc'], style)}   To: {format_date(when['to'], style)}"
    )
    letters = rng.choice("ACEGKMT") + rng.choice("KMPT")
    claim = f"{rng.randint(1, 9)}{letters[0]}{rng.randint(10, 99)}-{letters[1]}{rng.randint(1000, 9999)}"
    sheet.field_row(
        (
            ("1. Patient's HI Claim No.", 1.5, claim),
            ("2. Start Of Care Date", 1.2, soc),
            ("3. Certification Period", 2.4, period),
            ("4. Medical Record No.", 1.1, number(rng, rng.choice(("", "HH", "00")), 6)),
            ("5. Provider No.", 1.1, f"{rng.randint(10, 99)}-{rng.randint(7000, 7999)}"),
        )
    )


def _style(ctx: Ctx) -> str:
    return ctx.rng.choice(_DATE_STYLES)


def _parties(sheet: Sheet, ctx: Ctx) -> None:
    """Box 6 (the patient's name, address and maybe phone) beside box 7 (the agency)."""
    p, s = ctx.patient, ctx.sender
    street, city_line = shown_address(ctx)
    patient = [p.name, street, city_line]
    if ctx.rng.random() < 0.5:
        patient.append(f"Phone: {shown_phone(ctx)}")
    agency = [s.name, s.street, s.city_line, f"Phone: {s.phone}   Fax: {s.fax}"]
    sheet.field_lines(LEFT_IN, 3.65, NAME_CAPTION, patient, height=0.9)
    sheet.field_lines(
        LEFT_IN + 3.65, 3.65, "7. Provider's Name, Address and Telephone Number", agency, height=0.9
    )
    sheet.gap(0.9)


def _clinical(sheet: Sheet, ctx: Ctx) -> None:
    rng, p = ctx.rng, ctx.patient
    drugs = rng.sample(MEDICATIONS, 3)
    meds = "; ".join(f"{drug} (N)" if i == 0 else drug for i, (drug, _) in enumerate(drugs))
    sheet.field_row(
        (
            ("8. Date of Birth", 1.2, p.dob or ""),
            ("9. Sex   M   F", 0.7, f"[X] {p.sex}" if p.sex else ""),
            ("10. Medications: Dose/Frequency/Route (N)ew (C)hanged", 5.4, meds),
        )
    )
    (code, text), *others = rng.sample(DIAGNOSES, 3)
    onset = dated(ctx, "onset_date", before(ctx, 20, 200), _style(ctx))
    sheet.field_row(
        (
            ("11. ICD-10-CM   Principal Diagnosis   Date", 3.65, f"{code}  {text}   (E) {onset}"),
            ("12. ICD-10-CM   Surgical Procedure   Date", 3.65, "N/A"),
        )
    )
    lines = [
        f"{c}  {t}   (O) {dated(ctx, 'onset_date', before(ctx, 200, 2000), _style(ctx))}" for c, t in others
    ]
    sheet.field_lines(LEFT_IN, 7.3, "13. ICD-10-CM   Other Pertinent Diagnoses   Date", lines, height=0.6)
    sheet.gap(0.6)
    for row in (
        (
            ("14. DME and Supplies", "Walker, shower chair"),
            ("15. Safety Measures", "Fall precautions, clear pathways"),
        ),
        (
            ("16. Nutritional Req.", "Low sodium, 2 g Na"),
            ("17. Allergies", rng.choice(("NKDA", "Penicillin", "Sulfa"))),
        ),
        (
            ("18.A. Functional Limitations", "Endurance, ambulation"),
            ("18.B. Activities Permitted", "Up as tolerated, walker"),
        ),
        (
            ("19. Mental Status", "Oriented, forgetful"),
            ("20. Prognosis", rng.choice(("Good", "Fair", "Guarded"))),
        ),
    ):
        sheet.field_row([(caption, 3.65, value) for caption, value in row], height=0.38, value_pt=9.0)


def _plan(sheet: Sheet, ctx: Ctx) -> None:
    rng = ctx.rng
    orders = rng.sample(_ORDERS, 3)
    sheet.field_lines(
        LEFT_IN,
        7.3,
        "21. Orders for Discipline and Treatments (Specify Amount/Frequency/Duration)",
        orders,
        height=0.75,
    )
    sheet.gap(0.75)
    goals = ["Patient will demonstrate safe ambulation with walker within 4 weeks."]
    if rng.random() < 0.4:
        party = relative(ctx)
        printed = record_party(ctx, "caregiver", party, party.name("first_last"))
        goals.append(f"Caregiver: {printed} ({party.relation.lower()}) assists with ADLs and medications.")
    goals.append("Discharge when goals met and patient/caregiver independent with the plan.")
    sheet.field_lines(LEFT_IN, 7.3, "22. Goals/Rehabilitation Potential/Discharge Plans", goals, height=0.65)
    sheet.gap(0.65)


def _signatures(sheet: Sheet, ctx: Ctx, when: dict[str, dt.date]) -> None:
    rng = ctx.rng
    nurse = clinician(rng)
    verbal = dated(ctx, "verbal_start_of_care", when["soc"], _style(ctx))
    received = format_date(ctx.doc_date, _style(ctx)) if rng.random() < 0.3 else ""
    sheet.field_row(
        (
            (
                "23. Nurse's Signature and Date of Verbal SOC Where Applicable:",
                4.3,
                f"{nurse.first} {nurse.last}, RN   {verbal}",
            ),
            ("25. Date HHA Received Signed POT", 3.0, received),
        )
    )
    doctor = clinician(rng)
    name = record_clinician(ctx, "attending", doctor.name(rng.randrange(4)))
    physician = [name, f"NPI {doctor.npi}", f"Phone: {doctor.phone}"]
    sheet.field_lines(LEFT_IN, 3.65, "24. Physician's Name and Address", physician, height=0.75)
    sheet.field_lines(
        LEFT_IN + 3.65,
        3.65,
        "26. I certify that this patient is confined to his/her home and needs intermittent skilled care.",
        ["I authorize the services on this plan of care and will", "periodically review the plan."],
        height=0.75,
    )
    sheet.gap(0.75)
    signed = ctx.facts.doc_date(DATE_CAPTION, format_date(ctx.doc_date, _style(ctx)))
    sheet.field_lines(
        LEFT_IN,
        3.65,
        DATE_CAPTION,
        [f"/s/ {doctor.first} {doctor.last}", f"Date Signed: {signed}"],
        height=0.6,
    )
    sheet.field_lines(
        LEFT_IN + 3.65,
        3.65,
        "28. Anyone who misrepresents, falsifies, or conceals essential information",
        ["required for payment of Federal funds may be subject", "to fine, imprisonment, or civil penalty."],
        height=0.6,
    )
    sheet.gap(0.6)


def build(ctx: Ctx, plan: Plan) -> list[PageText]:
    """One CMS-485 page, then addendum pages (CMS-487 style) naming the patient in a running header."""
    rng = ctx.rng
    ident = middle_initial(without_mrn(ctx.patient))
    ident = restyle_name(ident, "last_first", caps=rng.random() < 0.6, comma=rng.random() < 0.8)
    ctx.patient = with_dob_style(ident, rng.choice(_DOB_STYLES))
    ctx.facts.name_label = NAME_CAPTION
    when = _when(ctx)
    sheet = Sheet()
    sheet.text(LEFT_IN, sheet.y, "Department of Health and Human Services", 7)
    sheet.text(LEFT_IN, sheet.y + 0.13, "Centers for Medicare & Medicaid Services", 7)
    sheet.text(5.9, sheet.y, "Form Approved", 7)
    sheet.text(5.9, sheet.y + 0.13, "OMB No. 0938-0357", 7)
    sheet.gap(0.32)
    text, size = fit("HOME HEALTH CERTIFICATION AND PLAN OF CARE", 6.5, 13.0, bold=True)
    sheet.text(LEFT_IN + 0.4, sheet.y, text, size, bold=True)
    sheet.gap(0.3)
    _top(sheet, ctx, when)
    _parties(sheet, ctx)
    _clinical(sheet, ctx)
    _plan(sheet, ctx)
    _signatures(sheet, ctx, when)
    sheet.text(LEFT_IN, 10.5, "Form CMS-485 (C-3) (12-14)", 7)
    soc = dated(ctx, "start_of_care", when["soc"], "mdy")
    header = f"ADDENDUM TO PLAN OF CARE   Patient: {ctx.patient.name}   SOC: {soc}"
    pages = [PageText([], items=sheet.items)]
    return pages + [continuation(ctx, header, plan, n) for n in range(2, plan.extra_pages + 2)]


FAMILY = Family(
    "vna_plan_of_care",
    "caption_box",
    "home health agency (CMS-485)",
    ("other",),
    HOME_HEALTH,
    build,
)
