"""A disability or workers' compensation records request: the patient is the "Claimant" on the RE lines.

Modelled on disability determination (DDS) and workers' compensation insurer letters: the agency's
letterhead, the request date, then a RE block ("RE: Claimant:", "Claimant Name", "Employee:", "Injured
Worker:", "Subject:") with the last four of the SSN, the birth date, the claim type or employer, the
alleged onset date or date of injury and the claim number; the examiner or adjuster with a direct phone;
the period of records requested. The document date is the request date.
"""

from __future__ import annotations

from ..blocks import Ctx, number
from ..identities import format_date
from ..render import PageText
from ..restyle import restyle_name, without_mrn
from ..sheet import Sheet
from ..wordlists import CLAIM_AGENCIES
from .base import Family, Plan, before, clinician, continuation, record_clinician, staff_name

_EMPLOYERS = (
    "Acme Distribution LLC",
    "Town of Braintree DPW",
    "Harbor Freight Logistics",
    "Bayview Nursing Home",
)


def _re_rows(ctx: Ctx) -> list[tuple[str, str]]:
    rng, p = ctx.rng, ctx.patient
    ssn = f"XXX-XX-{rng.randint(1000, 9999)}"
    onset_day = before(ctx, 120, 900)
    onset = ctx.facts.date("onset_or_injury", format_date(onset_day, "mdy"), onset_day)
    claim = number(rng, rng.choice(("WC", "DDS-", "")), 8)
    if rng.random() < 0.5:
        name_l = rng.choice(("Claimant:", "Claimant Name:"))
        rows = [
            (name_l, p.name),
            ("SSN:", ssn),
            ("Date of Birth:", p.dob or ""),
            ("Claim Type:", rng.choice(("Title II", "Title XVI", "Concurrent"))),
            ("Alleged Onset Date:", onset),
            ("Case #:", claim),
        ]
    else:
        name_l = rng.choice(("Employee:", "Injured Worker:", "Claimant:", "Subject:"))
        rows = [
            (name_l, p.name),
            ("DOB:", p.dob or ""),
            ("Employer:", rng.choice(_EMPLOYERS)),
            ("Date of Injury:", onset),
            ("Claim No.:", claim),
        ]
    ctx.facts.name_label = f"RE: {name_l}"
    return rows


def _heading(sheet: Sheet, ctx: Ctx) -> None:
    """Letterhead, the request date, the addressee and the RE block."""
    rng, s, r = ctx.rng, ctx.sender, ctx.recipient
    sheet.line(s.name.upper(), 14, bold=True, x=1.0)
    sheet.line(f"{s.street}, {s.city_line}   Fax {s.fax}", 9, x=1.0)
    sheet.gap(0.3)
    label = rng.choice(("Date:", "Date of Request:", ""))
    printed = format_date(ctx.doc_date, rng.choice(("long", "mdy", "short_month")))
    ctx.facts.doc_date(label or "(letter date line)", printed)
    sheet.line(f"{label} {printed}".strip(), 10.5, x=1.0)
    sheet.gap(0.15)
    for text in ("Medical Records Department", r.name, r.street, r.city_line):
        sheet.line(text, 10.5, x=1.0)
    sheet.gap(0.2)
    for i, (label_text, value) in enumerate(_re_rows(ctx)):
        sheet.text(1.0, sheet.y, "RE:" if i == 0 else "", 10.5, bold=True)
        sheet.text(1.5, sheet.y, label_text, 10.5, bold=True)
        sheet.fitted(3.45, sheet.y, value, 4.4, 10.5)
        sheet.gap(0.19)


def _letter(ctx: Ctx) -> PageText:
    rng = ctx.rng
    sheet = Sheet(y=0.7)
    _heading(sheet, ctx)
    since = before(ctx, 365, 1100)
    sheet.gap(0.2)
    sheet.para(
        "The above-named individual has filed a claim and has identified your facility as a source of "
        "treatment. Please send copies of office notes, test results and imaging reports from "
        f"{ctx.facts.date('records_from', format_date(since, 'mdy'), since)} to the present. "
        "A signed authorization (SSA-827 or equivalent) is on file.",
        10.5,
        x=1.0,
    )
    sheet.gap(0.1)
    sheet.para(
        "Please return the records with a copy of this letter within 10 days. Invoices should reference the "
        "claim number above.",
        10.5,
        x=1.0,
    )
    sheet.gap(0.25)
    examiner = record_clinician(ctx, "examiner", staff_name(rng))
    sheet.line("Sincerely,", 10.5, x=1.0)
    sheet.gap(0.25)
    sheet.line(examiner, 10.5, x=1.0)
    sheet.line(
        f"{rng.choice(('Disability Examiner', 'Claims Adjuster'))}   Direct: {clinician(rng).phone}",
        10,
        x=1.0,
    )
    return PageText([], items=sheet.items)


def build(ctx: Ctx, plan: Plan) -> list[PageText]:
    """The request letter; continuation pages repeat "Claimant:" and the name."""
    ctx.patient = restyle_name(
        without_mrn(ctx.patient), ctx.rng.choice(("first_last", "last_first")), caps=ctx.rng.random() < 0.6
    )
    header = f"Claimant: {ctx.patient.name}"
    return [_letter(ctx)] + [continuation(ctx, header, plan, n) for n in range(2, plan.extra_pages + 2)]


FAMILY = Family(
    "disability_request",
    "re_line",
    "disability / workers' compensation claims office",
    ("records_request",),
    CLAIM_AGENCIES,
    build,
)
