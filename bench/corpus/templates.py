"""Document templates per type (several each) and the fax cover sheet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import bodies
from .blocks import Ctx, identity_block, letterhead, paragraph, title
from .bodies import BodyFn
from .render import Line
from .wordlists import CLINIC_KINDS, CONFIDENTIAL, HOSPITALS, IMAGING, INSURERS, LABS, LAW_FIRMS, PHARMACIES

_AGENCIES = ("Home Health Services", "Visiting Nurse Association", "Medical Supply")


@dataclass(frozen=True, slots=True)
class Template:
    """One layout of a document type: titles, identity style, who sends it and its body."""

    doc_type: str
    titles: tuple[str, ...]
    id_style: str
    sender_kinds: tuple[str, ...]
    body: BodyFn
    running_header: bool = True
    full_sender_names: bool = False


def _t(doc_type: str, titles: tuple[str, ...], style: str, kinds: tuple[str, ...], **kw: bool) -> Template:
    return Template(doc_type, titles, style, kinds, getattr(bodies, doc_type), **kw)


TEMPLATES: dict[str, tuple[Template, ...]] = {
    "lab_result": (
        _t("lab_result", ("LABORATORY REPORT", "Final Report"), "table", LABS),
        _t("lab_result", ("Lab Results", "CUMULATIVE RESULTS REPORT"), "inline", LABS, running_header=False),
        _t("lab_result", ("Laboratory Results",), "columns", LABS),
    ),
    "radiology_report": (
        _t("radiology_report", ("RADIOLOGY REPORT", "Diagnostic Imaging Report"), "heading", IMAGING),
        _t("radiology_report", ("Imaging Report",), "separate", IMAGING, running_header=False),
        _t("radiology_report", ("RADIOLOGY CONSULTATION",), "table", HOSPITALS),
    ),
    "referral": (
        _t("referral", ("Referral Letter", "Request for Consultation"), "re", CLINIC_KINDS),
        _t("referral", ("REFERRAL FORM", "Outpatient Referral"), "table", CLINIC_KINDS),
    ),
    "discharge_summary": (
        _t("discharge_summary", ("DISCHARGE SUMMARY",), "table", HOSPITALS),
        _t("discharge_summary", ("Hospital Discharge Summary",), "separate", HOSPITALS, running_header=False),
    ),
    "consult_note": (
        _t("consult_note", ("Consultation", "Consultation Report"), "re", CLINIC_KINDS),
        _t("consult_note", ("CONSULT NOTE", "Office Visit Note"), "inline", CLINIC_KINDS),
        _t("consult_note", ("Specialist Consultation",), "heading", CLINIC_KINDS, running_header=False),
    ),
    "refill_request": (
        _t("refill_request", ("REFILL AUTHORIZATION REQUEST",), "table", PHARMACIES),
        _t("refill_request", ("Prescription Renewal Request",), "columns", PHARMACIES),
    ),
    "prior_authorization": (
        _t(
            "prior_authorization", ("PRIOR AUTHORIZATION REQUEST",), "table", INSURERS, full_sender_names=True
        ),
        _t(
            "prior_authorization",
            ("Prior Authorization Determination",),
            "re",
            INSURERS,
            full_sender_names=True,
        ),
    ),
    "records_request": (
        _t("records_request", ("AUTHORIZATION FOR RELEASE OF HEALTH INFORMATION",), "separate", CLINIC_KINDS),
        _t("records_request", ("Request for Medical Records",), "re", LAW_FIRMS, full_sender_names=True),
    ),
    "insurance_correspondence": (
        _t("insurance_correspondence", ("Explanation of Benefits",), "re", INSURERS, full_sender_names=True),
        _t("insurance_correspondence", ("CLAIM STATUS NOTICE",), "columns", INSURERS, full_sender_names=True),
    ),
    "other": (
        _t("other", ("HOME HEALTH CERTIFICATION AND PLAN OF CARE",), "table", _AGENCIES),
        _t("other", ("Durable Medical Equipment Order",), "inline", _AGENCIES),
    ),
}
DOC_TYPES: tuple[str, ...] = tuple(TEMPLATES)


def template_for(doc_type: str, index: int) -> Template:
    """Template number `index` (wrapping around) of `doc_type`."""
    if doc_type not in TEMPLATES:
        raise ValueError(f"unknown doc_type {doc_type!r}; choose one of {', '.join(DOC_TYPES)}")
    options = TEMPLATES[doc_type]
    return options[index % len(options)]


def first_page(ctx: Ctx, tpl: Template) -> list[Line]:
    """Letterhead, title, date/addressee, patient identity with distractors, then the body."""
    extra, body = tpl.body(ctx)
    lines = letterhead(ctx.sender, ctx.rng) + title(ctx.rng.choice(tpl.titles), ctx.rng)
    if tpl.id_style == "re":
        lines += [Line(ctx.date(ctx.doc_date), 10.5), Line("", 6), Line(ctx.recipient.name, 10.5)]
        lines += [Line(ctx.recipient.street, 10.5), Line(ctx.recipient.city_line, 10.5), Line("", 8)]
    lines += identity_block(ctx, tpl.id_style, extra)
    _record_facts(ctx, tpl, extra)
    return [*lines, Line("", 8), *body]


_PERSON_ROLES = ("Guarantor", "Subscriber", "Physician", "Provider", "Consultant", "Attending", "PCP")


def _record_facts(ctx: Ctx, tpl: Template, rows: list[tuple[str, str]]) -> None:
    """Which printed date is the document date (a letter's date line, else its labelled row); who else."""
    printed = ctx.date(ctx.doc_date)
    if tpl.id_style == "re":
        ctx.facts.doc_date("(letter date line)", printed)
    events = ("Exam", "Collected", "Service", "Discharge")  # same day as the report: say "report"
    for label, value in sorted(rows, key=lambda row: any(word in row[0] for word in events)):
        if value.startswith(printed):
            ctx.facts.doc_date(label, printed)
        elif any(role in label for role in _PERSON_ROLES):
            ctx.facts.person(label.rstrip(":").lower().replace(" ", "_"), value)
    if tpl.id_style in ("re", "heading"):
        ctx.facts.name_label = "RE:" if tpl.id_style == "re" else "PATIENT (heading)"


def running_header(ctx: Ctx, tpl: Template, page: int, total: int) -> list[Line]:
    """The small header repeated on continuation pages (sometimes without the patient's name)."""
    if not tpl.running_header:
        return [Line(f"{ctx.sender.name} - continued", 9, align="right"), Line("", 8)]
    p = ctx.patient
    parts = [f"Patient: {p.name}"]
    if p.dob:
        parts.append(f"DOB: {p.dob}")
    if p.mrn and ctx.rng.random() < 0.5:
        parts.append(f"MRN: {p.mrn}")
    parts.append(f"Page {page} of {total}")
    return [Line("   ".join(parts), 9), Line("", 8)]


def cover_sheet(ctx: Ctx, total_pages: int, sent: dt.datetime) -> list[Line]:
    """A fax cover sheet from the sender to the receiving practice."""
    s, r, rng = ctx.sender, ctx.recipient, ctx.rng
    regarding = rng.choice(("Patient records", "Results", "See attached", "Requested information"))
    if rng.random() < 0.3:
        regarding = f"{ctx.patient.name}"
    rows = [
        ("Date:", f"{sent:%m/%d/%Y}"),
        ("To:", r.name),
        ("Fax:", r.fax),
        ("From:", s.name),
        ("Phone:", s.phone),
        ("Fax:", s.fax),
        ("Pages:", f"{total_pages} (including cover)"),
        ("Re:", regarding),
    ]
    lines = [Line(rng.choice(("FAX", "FACSIMILE", "Fax Cover Sheet")), rng.choice((18.0, 24.0)), bold=True)]
    lines += [Line(s.name, 12), Line(f"{s.street}, {s.city_line}", 10), Line("", 12)]
    lines += [Line(label, 12, bold=True, right_text=value, right_x_in=2.4) for label, value in rows]
    lines += [Line("", 12), Line("Comments:", 12, bold=True)]
    lines += paragraph(
        rng.choice(("Please see attached.", "For your review.", "Please call with questions."))
    )
    return [*lines, Line("", 24), *paragraph(CONFIDENTIAL, size=9)]
