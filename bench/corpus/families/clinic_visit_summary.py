"""An urgent-care visit summary: short labels packed on a line ("Pt:", "Pat. Name", "Name (Last, First)").

Modelled on walk-in clinic EHR printouts: a dense header where the patient is "Pt:" / "Pat. Name:" /
"Name (Last, First):" / "Patient Nm:", with "D.O.B." or "DOB" and "Acct" on the same line, the emergency
contact (a relative with a phone), the provider and PCP; vital signs with times, the last visit date,
a work or school note's dates and the follow-up date. The document date is the visit date at the top.
"""

from __future__ import annotations

import datetime as dt

from ..blocks import Ctx
from ..identities import format_date
from ..render import PageText
from ..restyle import restyle_name
from ..sheet import LEFT_IN, RIGHT_IN, Sheet
from ..wordlists import DIAGNOSES, NARRATIVE, URGENT_CARE
from .base import Family, Plan, age, before, clinician, continuation, record_clinician, record_party, relative

_SHORT = (
    ("Pt:", "DOB:", "Acct:"),
    ("Pat. Name:", "D.O.B.:", "Acct #:"),
    ("Name (Last, First):", "DOB:", "MRN:"),
    ("Patient Nm:", "Birth:", "Chart:"),
    ("PT NAME:", "DOB:", "PT#:"),
)
_DATE_LABELS = ("Visit Date:", "Date:", "DOS:", "Date of Visit:")


def _header(sheet: Sheet, ctx: Ctx) -> None:
    rng, p = ctx.rng, ctx.patient
    name_l, dob_l, id_l = rng.choice(_SHORT)
    ctx.facts.name_label = name_l
    years = f"   Age: {age(p.dob_date, ctx.doc_date)}" if p.dob_date else ""
    line = f"{name_l} {p.name}   {dob_l} {p.dob or ''}{years}   Sex: {p.sex}"
    sheet.line(line, 10, bold=rng.random() < 0.5)
    label = rng.choice(_DATE_LABELS)
    printed = ctx.facts.doc_date(label, format_date(ctx.doc_date, rng.choice(("mdy", "mdy_nopad", "mdy2"))))
    provider = record_clinician(ctx, "provider", clinician(rng).name(rng.randrange(4)))
    sheet.line(f"{id_l} {p.mrn or ''}   {label} {printed}   Provider: {provider}", 10)
    party = relative(ctx)
    contact = record_party(ctx, "emergency_contact", party, party.name("first_last"))
    pcp = record_clinician(ctx, "pcp", clinician(rng).name(0))
    sheet.line(f"Emerg. Contact: {contact} ({party.relation}) {clinician(rng).phone}   PCP: {pcp}", 9)
    last = before(ctx, 60, 700)
    sheet.line(f"Last visit: {ctx.facts.date('last_visit', format_date(last, 'mdy'), last)}", 9)
    sheet.rect(LEFT_IN, sheet.y + 0.03, RIGHT_IN - LEFT_IN, 0.015, line=0, fill=0)
    sheet.gap(0.1)


def _body(sheet: Sheet, ctx: Ctx) -> None:
    rng = ctx.rng
    code, text = rng.choice(DIAGNOSES)
    sheet.line(
        "CC: " + rng.choice(("cough x 5 days", "ankle injury", "sore throat", "back pain", "rash")), 10
    )
    sheet.line("HPI:", 10, bold=True)
    sheet.para(" ".join(rng.sample(NARRATIVE, 3)), 10)
    times = sorted(f"{rng.randint(8, 19):02d}:{rng.randint(0, 59):02d}" for _ in range(2))
    rows = [
        [
            t,
            f"{rng.randint(100, 150)}/{rng.randint(60, 95)}",
            str(rng.randint(60, 110)),
            f"{rng.uniform(97, 101):.1f}",
            f"{rng.randint(94, 100)}%",
        ]
        for t in times
    ]
    sheet.gap(0.05)
    sheet.grid([1.2, 1.5, 1.2, 1.2, 1.2], ("Time", "BP", "Pulse", "Temp", "SpO2"), rows, size=9)
    sheet.gap(0.08)
    sheet.line(f"Dx: {text} ({code})", 10, bold=True)
    sheet.line("Plan:", 10, bold=True)
    sheet.para(" ".join(rng.sample(NARRATIVE, 2)), 10)
    back = ctx.doc_date + dt.timedelta(days=rng.randint(2, 5))
    follow = ctx.doc_date + dt.timedelta(days=rng.randint(7, 21))
    sheet.line(
        f"Work/school note: excused {format_date(ctx.doc_date, 'mdy')} through "
        + ctx.facts.date("work_note_until", format_date(back, "mdy"), back),
        9.5,
    )
    sheet.line(
        f"Follow-up: {ctx.facts.date('follow_up', format_date(follow, 'mdy'), follow)} or sooner if worse",
        9.5,
    )


def build(ctx: Ctx, plan: Plan) -> list[PageText]:
    """The visit summary; continuation pages start with "Pt:" and the name."""
    rng, s = ctx.rng, ctx.sender
    ctx.patient = restyle_name(ctx.patient, "last_first", caps=rng.random() < 0.6, comma=rng.random() < 0.85)
    sheet = Sheet()
    sheet.line(f"{s.name}  -  {s.street}, {s.city_line}  -  {s.phone}", 10, bold=True)
    sheet.line(rng.choice(("VISIT SUMMARY", "Urgent Care Visit Note", "ENCOUNTER SUMMARY")), 12, bold=True)
    sheet.gap(0.05)
    _header(sheet, ctx)
    _body(sheet, ctx)
    header = f"Pt: {ctx.patient.name}   {s.name}"
    return [PageText([], items=sheet.items)] + [
        continuation(ctx, header, plan, n) for n in range(2, plan.extra_pages + 2)
    ]


FAMILY = Family(
    "clinic_visit_summary", "short_label", "urgent-care clinic", ("consult_note",), URGENT_CARE, build
)
