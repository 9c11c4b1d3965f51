"""A payer's explanation of benefits / claim payment notice: role labels for the people on the claim.

Modelled on payer EOBs and provider remittance notices: a statement box (statement date, claim number),
the subscriber (the policy holder: often a relative, with the subscriber ID), the patient under a role
label ("Member", "Patient", "Dependent", "Claimant") with birth date and the provider's account number
(the MRN when printed), a service table with dates, received/processed dates, and sometimes a second
family member's claim on a later page. The document date is the statement / notice date.
"""

from __future__ import annotations

from ..blocks import Ctx, number
from ..identities import format_date
from ..render import PageText
from ..restyle import restyle_name, without_dob
from ..sheet import LEFT_IN, RIGHT_IN, Sheet
from ..wordlists import INSURERS
from .base import (
    Family,
    Plan,
    before,
    clinician,
    continuation,
    record_clinician,
    record_party,
    record_second,
    relative,
    second_context,
    toll_free,
)

_TITLES = (
    "EXPLANATION OF BENEFITS",
    "CLAIM PAYMENT NOTICE",
    "PROVIDER CLAIM SUMMARY",
    "NOTICE OF CLAIM ACTION",
)
_DATE_LABELS = ("Statement Date:", "Notice Date:", "Date Issued:", "Date of Notice:", "Print Date:")
_PATIENT_LABELS = (
    ("Member:", "Member DOB:"),
    ("Patient:", "Patient DOB:"),
    ("Patient Name:", "Date of Birth:"),
    ("Member Name:", "Birth Date:"),
    ("Dependent:", "DOB:"),
    ("Claimant:", "Claimant DOB:"),
)
_SERVICES = (
    ("Office visit", 165),
    ("Laboratory", 84),
    ("X-ray", 220),
    ("Physical therapy", 140),
    ("ECG", 60),
)
_HEADER = ("Service Dates", "Description", "Billed", "Allowed", "Deductible", "Copay", "Plan Paid", "You Owe")


def _people(sheet: Sheet, ctx: Ctx, *, main: bool) -> None:
    """The subscriber (a relative, or the patient as Self) and the patient under a role label."""
    rng, p = ctx.rng, ctx.patient
    name_label, dob_label = rng.choice(_PATIENT_LABELS)
    if main:
        ctx.facts.name_label = name_label
    sub_id = number(rng, rng.choice(("W", "XQH", "ZGP")), 9)
    if rng.random() < 0.3:
        subscriber, relation = p.name, "Self"
    else:
        party = relative(ctx)
        subscriber = record_party(ctx, "subscriber", party, party.name(caps=p.name.isupper()))
        relation = {"Spouse": "Spouse", "Parent": "Dependent"}.get(party.relation, "Other")
    left = [("Subscriber:", subscriber), ("Subscriber ID:", sub_id), ("Group #:", number(rng, digits=6))]
    right = [(name_label, p.name)]
    if p.dob:
        right.append((dob_label, p.dob))
    right += [("Relationship:", relation), ("Patient Acct #:", p.mrn or number(rng, "A", 7))]
    sheet.columns(left, right, label_w=1.3, size=9.5)


def _claim(sheet: Sheet, ctx: Ctx) -> None:
    rng, rows = ctx.rng, []
    for text, fee in rng.sample(_SERVICES, rng.randint(1, 4)):
        day = before(ctx, 14, 70)
        shown = ctx.facts.date("service_date", format_date(day, "mdy"), day)
        allowed = round(fee * rng.uniform(0.5, 0.85), 2)
        copay = rng.choice((0.0, 20.0, 30.0))
        rows.append(
            [
                shown,
                text,
                f"{fee:.2f}",
                f"{allowed:.2f}",
                "0.00",
                f"{copay:.2f}",
                f"{allowed - copay:.2f}",
                f"{copay:.2f}",
            ]
        )
    sheet.grid([1.0, 1.5, 0.7, 0.75, 0.85, 0.7, 0.85, 0.95], _HEADER, rows, size=8.5, header_fill=225)
    received = before(ctx, 8, 13)
    processed = before(ctx, 2, 7)
    sheet.gap(0.08)
    sheet.line(
        f"Claim received: {ctx.facts.date('claim_received', format_date(received, 'mdy'), received)}     "
        f"Processed: {ctx.facts.date('claim_processed', format_date(processed, 'mdy'), processed)}",
        9,
    )


def _statement_box(sheet: Sheet, ctx: Ctx, *, statement: bool, page: str) -> None:
    """The boxed statement date (the document date on the notice's first page), claim number, page."""
    rng, box_y = ctx.rng, 0.6
    sheet.rect(5.2, box_y, RIGHT_IN - 5.2, 0.75, line=1.0)
    label = rng.choice(_DATE_LABELS)
    printed = format_date(ctx.doc_date, rng.choice(("mdy", "mdy", "short_month", "long")))
    if statement:
        ctx.facts.doc_date(label, printed)
    for i, text in enumerate((f"{label} {printed}", f"Claim #: {number(rng, digits=12)}", page)):
        sheet.text(5.3, box_y + 0.07 + i * 0.21, text, 9)


def _page(ctx: Ctx, *, statement: bool, total: int, number_on: int) -> PageText:
    rng = ctx.rng
    payer = ctx.sender
    sheet = Sheet()
    sheet.line(payer.name, 15, bold=True)
    sheet.line(
        f"PO Box {rng.randint(1000, 99999)}, {payer.city_line}   Provider Services {toll_free(rng)}",
        8.5,
    )
    sheet.gap(0.1)
    sheet.line(rng.choice(_TITLES), 13, bold=True)
    sheet.line("THIS IS NOT A BILL", 9, bold=True)
    _statement_box(sheet, ctx, statement=statement, page=f"Page {number_on} of {total}")
    sheet.gap(0.15)
    doc = ctx.recipient
    for text in ("Pay to:", doc.name, doc.street, doc.city_line):
        sheet.line(text, 9.5)
    sheet.gap(0.15)
    _people(sheet, ctx, main=statement)
    sheet.gap(0.1)
    provider = record_clinician(ctx, "rendering_provider", clinician(rng).name(0))
    sheet.line(f"Rendering provider: {provider}", 9.5)
    sheet.gap(0.05)
    _claim(sheet, ctx)
    sheet.gap(0.15)
    sheet.para(
        "Remark codes: N130 - Consult plan benefit documents for information about restrictions for this "
        "service. PR-3 - Co-payment amount. Questions about this notice? Call Provider Services.",
        8.5,
    )
    sheet.rect(LEFT_IN, sheet.y + 0.05, RIGHT_IN - LEFT_IN, 0.01, line=0, fill=0)
    return PageText([], items=sheet.items)


def build(ctx: Ctx, plan: Plan) -> list[PageText]:
    """The notice, continuation pages, and maybe another family member's claim on a later page."""
    rng = ctx.rng
    caps = rng.random() < 0.6
    ctx.patient = restyle_name(ctx.patient, rng.choice(("last_first", "first_last")), caps=caps)
    if rng.random() < 0.15 and not ctx.keep_dob:
        ctx.patient = without_dob(ctx.patient)  # many notices name the member without a birth date
    pages = [_page(ctx, statement=True, total=plan.total, number_on=plan.first_number)]
    header = f"Member: {ctx.patient.name}"
    pages += [continuation(ctx, header, plan, n) for n in range(2, plan.extra_pages + 2)]
    other = second_context(ctx, plan)
    if other is not None:
        other.patient = restyle_name(other.patient, "last_first", caps=caps)
        pages.append(_page(other, statement=False, total=plan.total, number_on=plan.total))
        record_second(ctx, other)
    return pages


FAMILY = Family(
    "eob_notice",
    "role_label",
    "health plan claims office",
    ("insurance_correspondence",),
    INSURERS,
    build,
    full_sender_names=True,
    second_patient=True,
)
