"""Document bodies per type: distractor fields for the identity block and the body's lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from .blocks import Ctx, heading, make_org, npi, number, paragraph, person_name, provider_str, relative_name
from .render import Line
from .wordlists import (
    DIAGNOSES,
    FINDINGS,
    IMAGING_EXAMS,
    INSURERS,
    LAB_TESTS,
    LAW_FIRMS,
    MEDICATIONS,
    NARRATIVE,
    PANELS,
    PHARMACIES,
)

Rows = list[tuple[str, str]]
Body = tuple[Rows, list[Line]]
BodyFn = Callable[[Ctx], Body]


def _time(ctx: Ctx) -> str:
    return f"{ctx.rng.randint(6, 19):02d}:{ctx.rng.randint(0, 59):02d}"


def _prose(ctx: Ctx, sentences: tuple[str, ...], count: int) -> list[Line]:
    return paragraph(" ".join(ctx.rng.sample(sentences, min(count, len(sentences)))))


def lab_rows(ctx: Ctx, count: int) -> list[Line]:
    """Result lines: test, value with H/L flag, units and reference range."""
    out = [Line("Test", 10, bold=True, right_text="Result    Flag   Units      Reference", right_x_in=3.4)]
    for name, units, low_s, high_s, dec_s in ctx.rng.sample(LAB_TESTS, min(count, len(LAB_TESTS))):
        low, high, dec = float(low_s), float(high_s), int(dec_s)
        value = ctx.rng.uniform(low * 0.8, high * 1.2 if high else 10)
        flag = "H" if value > high else "L" if value < low else "  "
        text = f"{value:.{dec}f}    {flag}   {units}   {low_s}-{high_s}"
        out.append(Line(name, 10, right_text=text, right_x_in=3.4))
    return out


def lab_result(ctx: Ctx) -> Body:
    collected = ctx.days_before(1, 3)
    rows = [
        ("Collected:", f"{ctx.date(collected)} {_time(ctx)}"),
        ("Reported:", f"{ctx.date(ctx.doc_date)} {_time(ctx)}"),
        ("Accession #:", f"A{ctx.doc_date:%y}-{ctx.rng.randint(100000, 999999)}"),
        ("Ordering Provider:", provider_str(ctx.rng, person_name(ctx.rng))),
        ("Account #:", number(ctx.rng, digits=7)),
    ]
    if ctx.rng.random() < 0.4:
        rows.append(("Guarantor:", relative_name(ctx)))
    lines = heading(ctx.rng.choice(PANELS)) + lab_rows(ctx, ctx.rng.randint(6, 12))
    lines += [Line("", 8), Line("Status: FINAL", 10, bold=True)]
    return rows, lines


def radiology_report(ctx: Ctx) -> Body:
    exam, cpt = ctx.rng.choice(IMAGING_EXAMS)
    code, dx = ctx.rng.choice(DIAGNOSES)
    rows = [
        ("Exam Date:", ctx.date(ctx.days_before(0, 2))),
        ("Report Date:", ctx.date(ctx.doc_date)),
        ("Accession:", number(ctx.rng, "RAD", 7)),
        ("Order #:", number(ctx.rng, digits=9)),
        ("Referring Physician:", provider_str(ctx.rng, person_name(ctx.rng))),
    ]
    lines = [Line(f"EXAM: {exam} (CPT {cpt})", 10.5, bold=True)]
    lines += [*heading("CLINICAL INDICATION:", 10.5), Line(f"{dx} ({code})", 10.5)]
    lines += heading("TECHNIQUE:", 10.5) + paragraph("Standard departmental protocol was followed.")
    prior = ctx.rng.choice(("None.", f"Prior study dated {ctx.date(ctx.days_before(200, 900))}."))
    lines += [*heading("COMPARISON:", 10.5), Line(prior, 10.5)]
    lines += heading("FINDINGS:", 10.5) + _prose(ctx, FINDINGS, 3)
    lines += heading("IMPRESSION:", 10.5) + paragraph(f"1. {ctx.rng.choice(FINDINGS)}")
    return rows, lines


def referral(ctx: Ctx) -> Body:
    code, dx = ctx.rng.choice(DIAGNOSES)
    specialist = make_org(ctx.rng)
    rows = [
        ("Referral Date:", ctx.date(ctx.doc_date)),
        ("Referring Provider:", ctx.provider),
        ("Referred To:", f"{provider_str(ctx.rng, person_name(ctx.rng))}, {specialist.name}"),
        ("Insurance:", f"{ctx.rng.choice(INSURERS)}  Member ID {number(ctx.rng, 'W', 9)}"),
        ("Subscriber:", relative_name(ctx)),
    ]
    lines = [*heading("Reason for Referral"), Line(f"{dx} ({code})", 10.5)]
    lines += paragraph(
        "I am referring this patient for evaluation and management. Pertinent notes, medication list and "
        "recent laboratory results are attached. Please send your consultation report to our office."
    )
    lines += [*heading("Urgency"), Line(ctx.rng.choice(("Routine", "Urgent - within 2 weeks")), 10.5)]
    return rows, lines


def discharge_summary(ctx: Ctx) -> Body:
    admitted = ctx.days_before(2, 9)
    rows = [
        ("Admission Date:", ctx.date(admitted)),
        ("Discharge Date:", ctx.date(ctx.doc_date)),
        ("Attending:", ctx.provider),
        ("PCP:", provider_str(ctx.rng, person_name(ctx.rng))),
        ("Encounter #:", number(ctx.rng, "E", 9)),
        ("Guarantor:", relative_name(ctx)),
    ]
    lines = heading("Discharge Diagnoses")
    lines += [
        Line(f"{i}. {dx} ({code})", 10.5) for i, (code, dx) in enumerate(ctx.rng.sample(DIAGNOSES, 3), 1)
    ]
    lines += heading("Hospital Course") + _prose(ctx, NARRATIVE, 5)
    lines += heading("Discharge Medications")
    lines += [Line(f"{drug} - {sig}", 10) for drug, sig in ctx.rng.sample(MEDICATIONS, 4)]
    lines += heading("Follow-up") + paragraph("Follow up with primary care within 7 days of discharge.")
    return rows, lines


def consult_note(ctx: Ctx) -> Body:
    rows = [
        ("Date of Service:", ctx.date(ctx.doc_date)),
        ("Requesting Physician:", provider_str(ctx.rng, person_name(ctx.rng))),
        ("Consultant:", ctx.provider),
    ]
    code, dx = ctx.rng.choice(DIAGNOSES)
    lines = [*heading("Reason for Consultation"), Line(f"{dx} ({code})", 10.5)]
    lines += heading("History of Present Illness") + _prose(ctx, NARRATIVE, 4)
    lines += heading("Medications") + [Line(drug, 10) for drug, _ in ctx.rng.sample(MEDICATIONS, 3)]
    lines += heading("Assessment and Plan") + _prose(ctx, NARRATIVE, 3)
    return rows, lines


def refill_request(ctx: Ctx) -> Body:
    drug, sig = ctx.rng.choice(MEDICATIONS)
    rows = [
        ("Request Date:", ctx.date(ctx.doc_date)),
        ("Pharmacy:", f"{ctx.sender.name}  NCPDP {number(ctx.rng, digits=7)}"),
        ("Prescriber:", ctx.provider),
        ("Last Filled:", ctx.date(ctx.days_before(25, 95))),
    ]
    lines = heading("Medication Requested")
    lines += [Line(drug, 11, bold=True), Line(f"Sig: {sig}", 10.5)]
    lines += [
        Line(f"Qty: {ctx.rng.choice((30, 60, 90))}    Refills requested: {ctx.rng.randint(1, 5)}", 10.5)
    ]
    lines += heading("Prescriber Response")
    lines += [Line("[ ] Approved    [ ] Denied    [ ] Needs appointment", 10.5), Line("", 10)]
    lines += [Line("Prescriber signature: ______________________   Date: __________", 10.5)]
    return rows, lines


def prior_authorization(ctx: Ctx) -> Body:
    code, dx = ctx.rng.choice(DIAGNOSES)
    exam, cpt = ctx.rng.choice(IMAGING_EXAMS)
    rows = [
        ("Request Date:", ctx.date(ctx.doc_date)),
        ("Member ID:", number(ctx.rng, "XQ", 9)),
        ("Group #:", number(ctx.rng, digits=6)),
        ("Subscriber:", relative_name(ctx)),
        ("Health Plan:", ctx.rng.choice(INSURERS)),
        ("Prescriber NPI:", npi(ctx.rng)),
    ]
    lines = [*heading("Requested Service"), Line(f"{exam}  CPT {cpt}", 10.5)]
    lines += [*heading("Diagnosis"), Line(f"{code}  {dx}", 10.5)]
    lines += heading("Clinical Justification") + _prose(ctx, NARRATIVE, 3)
    lines += [Line("", 8), Line(f"Reference #: PA{ctx.rng.randint(10**7, 10**8 - 1)}", 10.5)]
    return rows, lines


def records_request(ctx: Ctx) -> Body:
    start = ctx.doc_date - dt.timedelta(days=ctx.rng.randint(365, 5 * 365))
    requester = ctx.rng.choice((*LAW_FIRMS, make_org(ctx.rng).name))
    rows = [
        ("Date:", ctx.date(ctx.doc_date)),
        ("Dates of Service:", f"{ctx.date(start)} to {ctx.date(ctx.days_before(1, 30))}"),
        ("Requested by:", requester),
        ("Purpose:", ctx.rng.choice(("Continuity of care", "Legal", "Insurance", "Personal use"))),
    ]
    lines = heading("Information to be released")
    lines += [
        Line(box, 10.5) for box in ("[X] Office notes", "[X] Laboratory results", "[ ] Imaging reports")
    ]
    lines += paragraph(
        "I authorize the release of the information above. This authorization expires one year from the "
        "date signed. I understand I may revoke it in writing at any time."
    )
    lines += [Line("", 10), Line("Signature of patient or legal representative: ____________________", 10.5)]
    lines += [Line(f"Printed name of representative: {relative_name(ctx)}   Relationship: Parent", 10.5)]
    return rows, lines


def insurance_correspondence(ctx: Ctx) -> Body:
    billed = ctx.rng.randint(120, 2400)
    allowed = round(billed * ctx.rng.uniform(0.4, 0.8))
    rows = [
        ("Notice Date:", ctx.date(ctx.doc_date)),
        ("Member ID:", number(ctx.rng, "M", 9)),
        ("Claim #:", number(ctx.rng, digits=12)),
        ("Date of Service:", ctx.date(ctx.days_before(20, 60))),
        ("Provider:", provider_str(ctx.rng, person_name(ctx.rng))),
        ("Subscriber:", relative_name(ctx)),
    ]
    lines = heading("Claim Summary")
    for label, value in (("Billed", billed), ("Allowed", allowed), ("Plan paid", round(allowed * 0.8))):
        lines.append(Line(label, 10.5, right_text=f"${value:,.2f}", right_x_in=4.0))
    lines.append(
        Line("Your responsibility", 10.5, bold=True, right_text=f"${allowed * 0.2:,.2f}", right_x_in=4.0)
    )
    lines += [Line("", 8)]
    lines += paragraph("THIS IS NOT A BILL. Questions? Call Member Services at the number on your ID card.")
    return rows, lines


def other(ctx: Ctx) -> Body:
    rows = [
        ("Order Date:", ctx.date(ctx.doc_date)),
        ("Start of Care:", ctx.date(ctx.days_before(5, 30))),
        ("Certification Period:", f"{ctx.date(ctx.doc_date)} - {ctx.date(ctx.doc_date + dt.timedelta(59))}"),
        ("Physician:", ctx.provider),
        ("Agency:", f"{ctx.sender.name}, {ctx.sender.phone}"),
    ]
    lines = heading("Orders") + _prose(ctx, NARRATIVE, 3)
    lines += [*heading("Equipment"), Line(ctx.rng.choice(PHARMACIES) + " - walker, shower chair", 10.5)]
    return rows, lines


def continuation(ctx: Ctx, doc_type: str) -> list[Line]:
    """Content for a continuation page of a document of `doc_type`."""
    if doc_type == "lab_result":
        return (
            heading(ctx.rng.choice(PANELS))
            + lab_rows(ctx, 14)
            + heading("Comments")
            + _prose(ctx, NARRATIVE, 2)
        )
    lines = heading(ctx.rng.choice(("Additional Notes", "Plan (continued)", "History", "Review of Systems")))
    for _ in range(4):
        lines += [*_prose(ctx, NARRATIVE, 4), Line("", 8)]
    return lines + heading("Medication List") + [Line(f"{d} - {s}", 10) for d, s in MEDICATIONS[:6]]
