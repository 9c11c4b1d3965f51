"""A physical-therapy plan of care sent for the physician's certification, with short labels in boxes.

Modelled on outpatient PT/OT plan-of-care certification forms: a boxed header with short labels ("Pt
Name", "Pt:", "Pat. Name", "Name (Last, First)", "D.O.B.", "Pt Acct #"), the referring physician, the
onset date, start of care, evaluation date and the certification period (from - through), goals and
frequency; the physician's certification signature and date are left blank. The document date is the
therapist's signature date.
"""

from __future__ import annotations

import datetime as dt

from ..blocks import Ctx
from ..identities import format_date
from ..render import PageText
from ..restyle import restyle_name
from ..sheet import Sheet
from ..wordlists import DIAGNOSES, THERAPY
from .base import Family, Plan, before, clinician, continuation, record_clinician

_LABELS = (
    ("Pt Name", "D.O.B.", "Pt Acct #"),
    ("Pt:", "DOB", "Acct"),
    ("Pat. Name", "Birthdate", "MR#"),
    ("Name (Last, First)", "DOB", "Chart No."),
)
_GOALS = (
    "Independent with home exercise program in 4 weeks.",
    "Increase knee flexion to 120 degrees to allow stair negotiation.",
    "Reduce pain to 2/10 with daily activities.",
    "Return to prior level of function including community ambulation without device.",
    "Improve single-leg balance to 20 seconds to reduce fall risk.",
)


def _header(sheet: Sheet, ctx: Ctx) -> None:
    rng, p = ctx.rng, ctx.patient
    name_l, dob_l, id_l = rng.choice(_LABELS)
    ctx.facts.name_label = name_l
    code, text = rng.choice(DIAGNOSES)
    ref = record_clinician(ctx, "referring_physician", clinician(rng).name(rng.randrange(4)))
    onset = before(ctx, 20, 120)
    soc = before(ctx, 2, 12)
    through = soc + dt.timedelta(days=rng.choice((30, 60, 89)))
    sheet.field_row(
        ((name_l, 3.3, p.name), (dob_l, 1.6, p.dob or ""), (id_l, 1.3, p.mrn or ""), ("Sex", 1.1, p.sex))
    )
    sheet.field_row((("Ref. MD", 3.3, ref), ("Dx (ICD-10)", 4.0, f"{code} {text}")))
    sheet.field_row(
        (
            ("Onset Date", 1.6, ctx.facts.date("onset_date", format_date(onset, "mdy"), onset)),
            ("SOC / Eval Date", 1.7, ctx.facts.date("start_of_care", format_date(soc, "mdy"), soc)),
            ("Cert. Period From", 2.0, format_date(soc, "mdy")),
            ("Through", 2.0, ctx.facts.date("certification_through", format_date(through, "mdy"), through)),
        )
    )


def _plan(sheet: Sheet, ctx: Ctx) -> None:
    rng = ctx.rng
    sheet.gap(0.12)
    sheet.line("Assessment:", 10, bold=True)
    sheet.para(
        "Patient presents with decreased range of motion, strength and functional mobility consistent with "
        "the referring diagnosis. Good rehabilitation potential.",
        10,
    )
    sheet.line("Goals:", 10, bold=True)
    for i, goal in enumerate(rng.sample(_GOALS, 3), 1):
        sheet.line(f"{i}. {goal}", 10)
    sheet.line(f"Frequency / Duration: {rng.choice((2, 3))}x/week x {rng.choice((4, 6, 8))} weeks", 10)
    sheet.line("Interventions: 97110, 97112, 97140, 97530, home exercise program", 10)


def _signatures(sheet: Sheet, ctx: Ctx) -> None:
    rng = ctx.rng
    therapist = record_clinician(ctx, "therapist", f"{clinician(rng).name(0).split(',')[0]}, PT, DPT")
    label = rng.choice(("Date:", "Date Signed:", "Therapist Date:"))
    printed = ctx.facts.doc_date(
        f"Therapist signature ... {label}", format_date(ctx.doc_date, rng.choice(("mdy", "mdy_nopad")))
    )
    sheet.gap(0.2)
    sheet.line(f"Therapist: {therapist}   (electronically signed)   {label} {printed}", 10)
    sheet.gap(0.15)
    sheet.line(
        "PHYSICIAN CERTIFICATION: I have reviewed this plan of care and certify a need for services.",
        9.5,
        bold=True,
    )
    sheet.gap(0.1)
    sheet.line("Physician Signature: ______________________________   Date: ____________", 10)


def build(ctx: Ctx, plan: Plan) -> list[PageText]:
    """The plan of care; continuation pages (progress notes) start with "Pt Name:" and the name."""
    rng, s = ctx.rng, ctx.sender
    ctx.patient = restyle_name(ctx.patient, "last_first", caps=rng.random() < 0.5, comma=rng.random() < 0.8)
    sheet = Sheet()
    sheet.line(s.name, 14, bold=True)
    sheet.line(f"{s.street}, {s.city_line}   Phone {s.phone}   Fax {s.fax}", 9)
    sheet.gap(0.08)
    sheet.centered(
        rng.choice(
            ("PLAN OF CARE / CERTIFICATION", "Physical Therapy Plan of Care", "REHAB PLAN OF TREATMENT")
        ),
        13,
    )
    sheet.gap(0.05)
    _header(sheet, ctx)
    _plan(sheet, ctx)
    _signatures(sheet, ctx)
    header = f"Pt Name: {ctx.patient.name}   {s.name}"
    return [PageText([], items=sheet.items)] + [
        continuation(ctx, header, plan, n) for n in range(2, plan.extra_pages + 2)
    ]


FAMILY = Family(
    "therapy_plan", "short_label", "outpatient physical therapy practice", ("other",), THERAPY, build
)
