"""A behavioral-health progress note: the patient is the "Client" (or consumer, individual served).

Modelled on community mental-health progress notes: a header of label/value pairs naming the client
("Client Name", "Client", "Consumer", "Individual Served") with the client ID (the practice's chart
number, printed as the MRN) and birth date; the guardian or parent with a phone; the clinician; the
session's date of service. The note's sections follow; the document date is the date the clinician
signed the note, a few days after the session.
"""

from __future__ import annotations

from ..blocks import Ctx
from ..identities import format_date
from ..render import PageText
from ..restyle import restyle_name
from ..sheet import LEFT_IN, RIGHT_IN, Sheet
from ..wordlists import BEHAVIORAL, NARRATIVE
from .base import Family, Plan, age, before, clinician, continuation, record_clinician, record_party, relative

_CLIENT = (
    ("Client Name:", "Client ID:", "Client DOB:"),
    ("Client:", "Client #:", "DOB:"),
    ("Consumer:", "Consumer ID:", "Date of Birth:"),
    ("Individual Served:", "Record #:", "Birth Date:"),
)
_TITLES = ("PROGRESS NOTE", "Individual Therapy Progress Note", "BEHAVIORAL HEALTH INTAKE ASSESSMENT")
_SECTIONS = ("Presenting Problem", "Mental Status Exam", "Interventions", "Plan")
_MSE = (
    "Alert and oriented x3. Mood euthymic, affect congruent. Thought process linear and goal directed.",
    "Denies suicidal or homicidal ideation, intent or plan. Insight and judgment fair.",
    "Speech normal rate and volume. No evidence of psychosis.",
)


def _header(sheet: Sheet, ctx: Ctx) -> None:
    rng, p = ctx.rng, ctx.patient
    name_l, id_l, dob_l = rng.choice(_CLIENT)
    ctx.facts.name_label = name_l
    session = before(ctx, 1, 6)
    therapist = clinician(rng)
    left = [(name_l, p.name), (id_l, p.mrn or ""), (dob_l, p.dob or "")]
    right = [
        ("Date of Service:", ctx.facts.date("date_of_service", format_date(session, "mdy"), session)),
        ("Clinician:", record_clinician(ctx, "clinician", f"{therapist.first} {therapist.last}, LICSW")),
        ("Session:", rng.choice(("90837 - 60 min", "90834 - 45 min", "90791 - intake"))),
    ]
    adult = p.dob_date is not None and age(p.dob_date, ctx.doc_date) >= 18
    if not adult or rng.random() < 0.4:
        party = relative(ctx, adult=True)
        role = "Guardian/Parent:" if not adult else "Emergency Contact:"
        left.append(
            (
                role,
                record_party(
                    ctx, "guardian" if not adult else "emergency_contact", party, party.name("first_last")
                ),
            )
        )
    sheet.columns(left, right, label_w=1.45, size=9.5)


def build(ctx: Ctx, plan: Plan) -> list[PageText]:
    """The note; continuation pages carry "Client:" and the name in the running header."""
    rng, s = ctx.rng, ctx.sender
    ctx.patient = restyle_name(ctx.patient, rng.choice(("last_first", "first_last")), caps=rng.random() < 0.3)
    sheet = Sheet()
    sheet.line(s.name, 14, bold=True)
    sheet.line(f"{s.street}, {s.city_line}   {s.phone}", 9)
    sheet.rect(LEFT_IN, sheet.y + 0.03, RIGHT_IN - LEFT_IN, 0.015, line=0, fill=0)
    sheet.gap(0.15)
    sheet.line(rng.choice(_TITLES), 12.5, bold=True)
    sheet.gap(0.05)
    _header(sheet, ctx)
    for title in _SECTIONS:
        sheet.gap(0.08)
        sheet.line(f"{title}:", 10, bold=True)
        sheet.para(" ".join(rng.sample(_MSE if title == "Mental Status Exam" else NARRATIVE, 2)), 10)
    sheet.gap(0.2)
    label = rng.choice(("Signed:", "Date signed:", "Note signed:"))
    printed = ctx.facts.doc_date(
        label, format_date(ctx.doc_date, rng.choice(("mdy", "mdy_nopad", "short_month")))
    )
    sheet.line(f"Clinician signature: (electronically signed)     {label} {printed}", 9.5)
    sheet.line("This record is protected by 42 CFR Part 2 and state law; redisclosure is prohibited.", 8)
    header = f"Client: {ctx.patient.name}   {s.name}"
    return [PageText([], items=sheet.items)] + [
        continuation(ctx, header, plan, n) for n in range(2, plan.extra_pages + 2)
    ]


FAMILY = Family(
    "behavioral_intake",
    "role_label",
    "community behavioral health clinic",
    ("consult_note",),
    BEHAVIORAL,
    build,
)
