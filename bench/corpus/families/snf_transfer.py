"""A skilled-nursing facility transfer form: the patient is the "Resident", in two label/value columns.

Modelled on nursing-home interfacility transfer / continuity-of-care forms: "Resident Name", "Resident
DOB", room, Medicare and Medicaid numbers, the facility admission date; the health care proxy /
responsible party (a relative with a phone), the attending physician and the nurse completing the form;
last hospitalization, code status, vital signs with times and last doses given. The document date is
the date of transfer the form is completed on.
"""

from __future__ import annotations

import random

from ..blocks import Ctx, number
from ..identities import format_date
from ..render import PageText
from ..restyle import restyle_name
from ..sheet import Sheet
from ..wordlists import DIAGNOSES, HOSPITALS, MEDICATIONS, NURSING_FACILITIES
from .base import (
    Family,
    Plan,
    before,
    clinician,
    clock,
    continuation,
    record_clinician,
    record_party,
    relative,
    staff_name,
)

_RESIDENT = (
    ("Resident Name:", "Resident DOB:", "Resident #:"),
    ("Resident:", "Date of Birth:", "Facility ID:"),
    ("RESIDENT (Last, First):", "DOB:", "MR #:"),
    ("Name of Resident:", "Birthdate:", "Resident ID:"),
)
_TITLES = (
    "RESIDENT TRANSFER FORM",
    "INTERFACILITY TRANSFER - CONTINUITY OF CARE",
    "SNF TO HOSPITAL TRANSFER FORM",
)
_DATE_LABELS = ("Date of Transfer:", "Transfer Date:", "Date Completed:")


def _medicare_number(rng: random.Random) -> str:
    """A Medicare beneficiary identifier shape: 1EG4-TE5-MK73."""
    digits = [rng.randint(1, 9) for _ in range(3)]
    return f"{digits[0]}EG{digits[1]}-T{rng.choice('ACE')}{digits[2]}-MK{rng.randint(10, 99)}"


def _resident(sheet: Sheet, ctx: Ctx) -> None:
    rng, p = ctx.rng, ctx.patient
    name_l, dob_l, id_l = rng.choice(_RESIDENT)
    ctx.facts.name_label = name_l
    admitted = before(ctx, 60, 1500)
    left = [
        (name_l, p.name),
        (dob_l, p.dob or ""),
        (id_l, p.mrn or ""),
        ("Room:", f"{rng.randint(100, 330)}-{rng.choice('AB')}"),
    ]
    right = [
        (
            "Admitted to facility:",
            ctx.facts.date("facility_admission", format_date(admitted, "mdy"), admitted),
        ),
        (
            "Medicare #:",
            _medicare_number(rng),
        ),
        ("Medicaid #:", number(rng, digits=9)),
        ("Code Status:", rng.choice(("Full Code", "DNR/DNI", "DNR - MOLST on file"))),
    ]
    sheet.band("RESIDENT INFORMATION", style="rule", size=10.5)
    sheet.columns(left, right, label_w=1.55, size=9.5)


def _contacts(sheet: Sheet, ctx: Ctx) -> None:
    rng = ctx.rng
    party = relative(ctx)
    proxy = record_party(ctx, "health_care_proxy", party, party.name("first_last"))
    attending = clinician(rng)
    sheet.gap(0.1)
    sheet.band("CONTACTS", style="rule", size=10.5)
    left = [
        ("Health Care Proxy:", proxy),
        ("Relationship:", party.relation),
        ("Phone:", clinician(rng).phone),
    ]
    right = [
        ("Attending MD:", record_clinician(ctx, "attending", attending.name(rng.randrange(4)))),
        ("MD Phone:", attending.phone),
        (
            "Transferring to:",
            f"{rng.choice(('Bayview', 'Northfield', 'Cedar Hill'))} {rng.choice(HOSPITALS)} ED",
        ),
    ]
    sheet.columns(left, right, label_w=1.45, size=9.5)


def _clinical(sheet: Sheet, ctx: Ctx) -> None:
    rng = ctx.rng
    hospital = before(ctx, 90, 600)
    sheet.gap(0.1)
    sheet.band("CLINICAL", style="rule", size=10.5)
    code, text = rng.choice(DIAGNOSES)
    sheet.line(f"Reason for transfer: {text} ({code})", 10)
    sheet.line(
        "Last hospitalization: "
        + ctx.facts.date("last_hospitalization", format_date(hospital, "mdy"), hospital),
        10,
    )
    vitals = f"BP {rng.randint(95, 170)}/{rng.randint(55, 95)}  HR {rng.randint(55, 120)}"
    vitals += f"  T {rng.uniform(97, 102):.1f}  SpO2 {rng.randint(86, 99)}%"
    sheet.line(f"Vital signs at {clock(rng)}: {vitals}", 10)
    sheet.gap(0.05)
    rows = [
        [drug, sig, f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"]
        for drug, sig in rng.sample(MEDICATIONS, 3)
    ]
    sheet.grid([2.6, 3.5, 1.2], ("Medication", "Directions", "Last Dose Given"), rows, size=9)


def build(ctx: Ctx, plan: Plan) -> list[PageText]:
    """The transfer form; continuation pages carry "Resident:" and the name in the header."""
    rng, s = ctx.rng, ctx.sender
    ctx.patient = restyle_name(ctx.patient, rng.choice(("last_first", "first_last")), caps=rng.random() < 0.5)
    sheet = Sheet()
    sheet.centered(s.name, 14)
    sheet.centered(f"{s.street}, {s.city_line}   Nurses' station {s.phone}", 8.5, bold=False)
    sheet.gap(0.08)
    sheet.centered(rng.choice(_TITLES), 12.5)
    label = rng.choice(_DATE_LABELS)
    printed = ctx.facts.doc_date(label, format_date(ctx.doc_date, rng.choice(("mdy", "mdy_nopad", "mdy2"))))
    sheet.line(f"{label} {printed}    Time: {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}", 10, bold=True)
    sheet.gap(0.05)
    _resident(sheet, ctx)
    _contacts(sheet, ctx)
    _clinical(sheet, ctx)
    sheet.gap(0.2)
    nurse = record_clinician(ctx, "nurse", f"{staff_name(rng)}, RN")
    sheet.line(f"Form completed by: {nurse}    Report called to receiving RN: [X]", 9.5)
    header = f"Resident: {ctx.patient.name}   {s.name}"
    return [PageText([], items=sheet.items)] + [
        continuation(ctx, header, plan, n) for n in range(2, plan.extra_pages + 2)
    ]


FAMILY = Family(
    "snf_transfer", "role_label", "skilled nursing facility", ("other",), NURSING_FACILITIES, build
)
