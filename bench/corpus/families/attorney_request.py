"""A law firm's records request letter: the patient on the "RE:" lines ("Our Client", "Claimant").

Modelled on personal-injury records requests: the firm's letterhead with its attorneys, the letter
date, "VIA FACSIMILE" to the records custodian, then a RE block naming the client ("RE: Our Client:",
"Re: Claimant:", "RE: Your Patient:" or a case caption "NAME v. INSURED"), the date of birth, the date
of loss / injury and the firm's file number. Distractors: attorneys and a paralegal, the adverse
party's insured, the accident date and the requested date range; a second page is the client's signed
HIPAA authorization with its own (earlier) signature date. The document date is the letter's date.
"""

from __future__ import annotations

from ..blocks import Ctx, number
from ..identities import format_date
from ..render import Line, PageText
from ..restyle import restyle_name, without_mrn
from ..sheet import Sheet
from ..wordlists import LAW_FIRMS, PROVIDER_FIRST, PROVIDER_LAST
from .base import Family, Plan, before, continuation, flowing, record_clinician, staff_name

_INTROS = (
    "Please be advised that this office represents the above-named client for injuries sustained on {loss}.",
    "This firm has been retained by the above-referenced individual regarding an incident on {loss}.",
)


def _lawyer(ctx: Ctx) -> str:
    return f"{ctx.rng.choice(PROVIDER_FIRST)} {ctx.rng.choice(PROVIDER_LAST)}"


def _re_block(sheet: Sheet, ctx: Ctx, loss: str, style: int) -> None:
    rng, p = ctx.rng, ctx.patient
    file_no = f"{ctx.doc_date.year}-{rng.randint(100, 9999):04d}"
    insured = ctx.facts.person("adverse_insured", f"{rng.choice(PROVIDER_FIRST)} {rng.choice(PROVIDER_LAST)}")
    dob = p.dob or ""
    if style == 0:
        ctx.facts.name_label = "RE: Our Client:"
        rows = [
            ("RE:", "Our Client:", p.name),
            ("", "Date of Birth:", dob),
            ("", "Date of Loss:", loss),
            ("", "Our File No.:", file_no),
        ]
    elif style == 1:
        ctx.facts.name_label = "Re: Claimant:"
        rows = [
            ("Re:", "Claimant:", p.name),
            ("", "DOB:", dob),
            ("", "Your Insured:", insured),
            ("", "D/O/I:", loss),
        ]
    elif style == 2:
        ctx.facts.name_label = "RE: Your Patient:"
        rows = [
            ("RE:", "Your Patient:", p.name),
            ("", "Date of Birth:", dob),
            ("", "Patient No.:", p.mrn or ""),
        ]
        rows.append(("", "Date of Injury:", loss))
    else:
        ctx.facts.name_label = "RE: (case caption) NAME v. INSURED"
        sheet.line(f"RE:    {p.name} v. {insured}", 10.5, bold=True)
        rows = [("", "DOB:", dob), ("", "Date of Accident:", loss), ("", "Our File No.:", file_no)]
    for re, label, value in rows:
        sheet.text(1.0, sheet.y, re, 10.5, bold=True)
        sheet.text(1.5, sheet.y, label, 10.5, bold=True)
        sheet.fitted(3.3, sheet.y, value, 4.5, 10.5, bold=True)
        sheet.gap(0.19)


def _letterhead(sheet: Sheet, ctx: Ctx) -> list[str]:
    """The firm's name, address and attorneys (returned: the first signs the letter)."""
    s = ctx.sender
    sheet.centered(s.name.upper(), 15)
    sheet.centered(f"{s.street}  •  {s.city_line}  •  Tel {s.phone}  •  Fax {s.fax}", 8.5, bold=False)
    partners = [record_clinician(ctx, "attorney", f"{_lawyer(ctx)}, Esq.") for _ in range(2)]
    sheet.centered("   ".join(partners), 8.5, bold=False)
    sheet.gap(0.3)
    return partners


def _letter(ctx: Ctx, style: int) -> PageText:
    rng, r = ctx.rng, ctx.recipient
    sheet = Sheet(y=0.7)
    partners = _letterhead(sheet, ctx)
    printed = ctx.facts.doc_date(
        "(letter date line)", format_date(ctx.doc_date, rng.choice(("long", "long", "mdy")))
    )
    sheet.line(printed, 10.5, x=1.0)
    sheet.gap(0.15)
    for text in (f"VIA FACSIMILE {r.fax}", "Custodian of Medical Records", r.name, r.street, r.city_line):
        sheet.line(text, 10.5, x=1.0)
    sheet.gap(0.2)
    loss_day = before(ctx, 60, 700)
    loss = ctx.facts.date("date_of_loss", format_date(loss_day, "mdy"), loss_day)
    _re_block(sheet, ctx, loss, style)
    sheet.gap(0.2)
    sheet.line("Dear Sir or Madam:", 10.5, x=1.0)
    sheet.gap(0.08)
    since = before(ctx, 700, 1500)
    sheet.para(
        rng.choice(_INTROS).format(loss=loss) + " Enclosed please find a HIPAA-compliant authorization. "
        f"Kindly forward complete copies of all medical records and itemized bills from "
        f"{ctx.facts.date('records_from', format_date(since, 'mdy'), since)} to the present.",
        10.5,
        x=1.0,
    )
    sheet.gap(0.08)
    sheet.para(
        "Please contact our office if there is a fee for these records. Thank you for your prompt attention.",
        10.5,
        x=1.0,
    )
    sheet.gap(0.2)
    sheet.line("Very truly yours,", 10.5, x=1.0)
    sheet.gap(0.3)
    sheet.line(partners[0], 10.5, x=1.0)
    sheet.line(f"Paralegal: {record_clinician(ctx, 'paralegal', staff_name(rng))}", 9, x=1.0)
    return PageText([], items=sheet.items)


def _authorization(ctx: Ctx, plan: Plan) -> PageText:
    """The enclosed HIPAA authorization signed by the client weeks before the letter."""
    p, signed = ctx.patient, before(ctx, 10, 60)
    lines = [Line("AUTHORIZATION FOR RELEASE OF PROTECTED HEALTH INFORMATION", 12, bold=True, align="center")]
    lines += [Line("(45 CFR 164.508)", 9, align="center"), Line("", 10)]
    lines += [Line("Patient Name:", 10.5, right_text=p.name, right_x_in=2.8)]
    lines += [Line("Date of Birth:", 10.5, right_text=p.dob or "", right_x_in=2.8), Line("", 8)]
    lines += [
        Line(f"I authorize any provider to release my records to {ctx.sender.name}.", 10.5),
        Line("", 8),
    ]
    lines += [Line("Purpose: legal claim.  This authorization expires one year from the date signed.", 10.5)]
    lines += [Line("", 20), Line("Signature: ____________________________", 10.5)]
    lines += [
        Line(
            "Date signed:",
            10.5,
            right_text=ctx.facts.date("authorization_signed", format_date(signed, "mdy"), signed),
            right_x_in=2.8,
        )
    ]
    number_text = f"Page {plan.first_number + 1} of {plan.total}"
    return flowing([Line(number_text, 8, align="right"), *lines])


def build(ctx: Ctx, plan: Plan) -> list[PageText]:
    """The letter, then the client's authorization, then any further pages of enclosed records."""
    ctx.patient = restyle_name(ctx.patient, "first_last", caps=ctx.rng.random() < 0.5)
    style = ctx.rng.randrange(4)
    if style != 2:
        ctx.patient = without_mrn(ctx.patient)  # only a "Your Patient" letter quotes the practice's number
    pages = [_letter(ctx, style)]
    if plan.extra_pages:
        pages.append(_authorization(ctx, plan))
    header = f"Re: {ctx.patient.name}   File {number(ctx.rng, digits=5)}"
    return pages + [continuation(ctx, header, plan, n) for n in range(3, plan.extra_pages + 2)]


FAMILY = Family(
    "attorney_request",
    "re_line",
    "personal-injury law firm",
    ("records_request",),
    LAW_FIRMS,
    build,
    full_sender_names=True,
)
