"""An employer's first report of injury: the patient is the "Employee", in label/value columns.

Modelled on the state workers' compensation first-report forms and OSHA's Form 301 that employers and
their insurers send a treating practice: an employee section whose labels name the patient by the
employer's word ("Employee Name", "Injured Worker", "Name of Employee") with birth date, masked Social
Security number, phone and address; the employer with its supervisor (a person) and numbers; the injury
with its date, the date the employer was notified, the last day worked and the date hired; the treating
physician and the insurer. The document date is the day the report was prepared: a "Date of Report" at
the top, or the date beside "Prepared by" at the bottom.
"""

from __future__ import annotations

from ..blocks import Ctx, number
from ..identities import format_date
from ..render import PageText
from ..restyle import restyle_name, without_mrn
from ..sheet import Sheet
from ..wordlists import DIAGNOSES, INSURERS
from .base import (
    Family,
    Plan,
    before,
    clinician,
    clock,
    continuation,
    dated,
    record_clinician,
    shown_address,
    shown_phone,
    staff_name,
)

_EMPLOYEE = (
    ("Employee Name:", "Date of Birth:"),
    ("Injured Worker:", "DOB:"),
    ("Name of Employee:", "Birth Date:"),
    ("Employee (First, MI, Last):", "Employee DOB:"),
)
_TITLES = (
    "EMPLOYER'S FIRST REPORT OF INJURY OR ILLNESS",
    "FIRST REPORT OF OCCUPATIONAL INJURY",
    "WORKERS' COMPENSATION - EMPLOYER'S REPORT OF INJURY",
)
_OCCUPATIONS = ("Warehouse associate", "Line cook", "Registered nurse", "Delivery driver", "Carpenter")
_EMPLOYERS = ("Harbor Freight Logistics", "Bayside Builders Inc.", "Northfield Foods", "Summit Care Homes")


def _employee(sheet: Sheet, ctx: Ctx) -> None:
    rng, p = ctx.rng, ctx.patient
    name_l, dob_l = rng.choice(_EMPLOYEE)
    ctx.facts.name_label = name_l
    street, city_line = shown_address(ctx)
    hired = before(ctx, 400, 4000)
    left = [
        (name_l, p.name),
        (dob_l, p.dob or ""),
        ("SSN:", f"XXX-XX-{rng.randint(1000, 9999)}"),
        ("Home Phone:", shown_phone(ctx)),
    ]
    right = [
        ("Address:", street),
        ("City/State/ZIP:", city_line),
        ("Date Hired:", dated(ctx, "date_hired", hired, "mdy")),
        ("Occupation:", rng.choice(_OCCUPATIONS)),
    ]
    sheet.band("EMPLOYEE INFORMATION", style="shade", size=10.5)
    sheet.columns(left, right, label_w=1.75, size=9.5)


def _employer(sheet: Sheet, ctx: Ctx) -> None:
    rng = ctx.rng
    supervisor = record_clinician(ctx, "supervisor", staff_name(rng))
    left = [
        ("Employer:", rng.choice(_EMPLOYERS)),
        ("FEIN:", f"{rng.randint(10, 99)}-{number(rng, digits=7)}"),
    ]
    right = [("Supervisor:", supervisor), ("Employer Phone:", clinician(rng).phone)]
    sheet.gap(0.08)
    sheet.band("EMPLOYER", style="shade", size=10.5)
    sheet.columns(left, right, label_w=1.45, size=9.5)


def _injury(sheet: Sheet, ctx: Ctx) -> None:
    rng = ctx.rng
    injured = before(ctx, 2, 30)
    code, text = rng.choice(DIAGNOSES)
    left = [
        ("Date of Injury:", dated(ctx, "injury_date", injured, "mdy")),
        ("Time of Injury:", clock(rng, 6, 20)),
        ("Date Employer Notified:", dated(ctx, "employer_notified", injured, "mdy")),
    ]
    right = [
        ("Last Day Worked:", dated(ctx, "last_day_worked", injured, "mdy")),
        ("Lost Time:", rng.choice(("Yes", "No"))),
        ("Body Part:", rng.choice(("Lower back", "Right wrist", "Left knee", "Shoulder"))),
    ]
    sheet.gap(0.08)
    sheet.band("INJURY OR ILLNESS", style="shade", size=10.5)
    sheet.columns(left, right, label_w=1.9, size=9.5)
    sheet.line(f"Description: lifting at work; evaluated for {text.lower()} ({code}).", 9.5)
    doctor = clinician(rng)
    sheet.line(f"Treating Physician: {record_clinician(ctx, 'treating', doctor.name(rng.randrange(4)))}", 9.5)
    sheet.line(f"Insurer: {rng.choice(INSURERS)}    Policy #: {number(rng, 'WC', 8)}", 9.5)


def build(ctx: Ctx, plan: Plan) -> list[PageText]:
    """The report; continuation pages (the employer's narrative) carry the employee's name."""
    rng, s = ctx.rng, ctx.sender
    order = rng.choice(("last_first", "first_last"))
    ctx.patient = restyle_name(without_mrn(ctx.patient), order, caps=rng.random() < 0.4)
    printed = format_date(ctx.doc_date, rng.choice(("mdy", "mdy_nopad", "long")))
    on_top = rng.random() < 0.5
    sheet = Sheet()
    sheet.centered(rng.choice(_TITLES), 13)
    sheet.centered(
        f"Claims administrator: {s.name}, {s.street}, {s.city_line}   Fax {s.fax}", 8.5, bold=False
    )
    sheet.gap(0.08)
    if on_top:
        shown = ctx.facts.doc_date("Date of Report:", printed)
        sheet.line(f"Date of Report: {shown}    Claim #: {number(rng, 'C', 9)}", 10)
    sheet.gap(0.05)
    _employee(sheet, ctx)
    _employer(sheet, ctx)
    _injury(sheet, ctx)
    sheet.gap(0.2)
    preparer = record_clinician(ctx, "preparer", staff_name(rng))
    if on_top:
        sheet.line(f"Prepared by: {preparer}    Title: HR Manager    Phone: {s.phone}", 9.5)
    else:
        date = ctx.facts.doc_date("Prepared by ... Date:", printed)
        sheet.line(f"Prepared by: {preparer}    Title: HR Manager    Phone: {s.phone}    Date: {date}", 9.5)
    header = f"Employee: {ctx.patient.name}   Employer's report, continued"
    return [PageText([], items=sheet.items)] + [
        continuation(ctx, header, plan, n) for n in range(2, plan.extra_pages + 2)
    ]


FAMILY = Family(
    "workers_comp_report",
    "role_label",
    "employer / workers' compensation claims administrator",
    ("insurance_correspondence",),
    INSURERS,
    build,
    full_sender_names=True,
)
