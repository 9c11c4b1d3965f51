"""An imaging-centre report: an inverted (white on black) band over a ruled two-column label/value grid.

Modelled on radiology information system reports: a black band "PATIENT DEMOGRAPHICS" / "EXAM
INFORMATION", then a grid of ruled cells, label cell then value cell, two pairs per row: the patient on
the left ("Patient", "Name (Last, First)", "Pat. Name", "DOB/Age", "Patient ID"), the exam on the right
(exam date, accession, ordering physician, location). Distractors: the ordering and reading radiologists,
the exam date, a prior study's date in the comparison. The document date is the report's sign-off date.
"""

from __future__ import annotations

from ..blocks import Ctx, number
from ..identities import format_date
from ..render import PageText
from ..restyle import compose, restyle_name
from ..sheet import LEFT_IN, RIGHT_IN, Sheet, row_in
from ..wordlists import FINDINGS, IMAGING, IMAGING_EXAMS, NARRATIVE
from .base import Family, Plan, age, before, clinician, continuation, record_clinician

_NAME_LABELS = ("Patient", "Name (Last, First)", "Pat. Name", "Patient Name", "Name")
_DOB_LABELS = ("DOB", "Birth Date", "Date of Birth", "DOB/Age")
_MRN_LABELS = ("MRN", "Patient ID", "MR #", "Med Rec")
_BANDS = ("PATIENT DEMOGRAPHICS", "PATIENT / EXAM INFORMATION", "EXAM INFORMATION")
_SIGNED = ("Signed:", "Report finalized:", "Final Report Date:", "Electronically signed:")


def _grid(sheet: Sheet, rows: list[tuple[str, str, str, str]], fill: int | None) -> None:
    """Ruled cells: label | value | label | value per row (labels maybe shaded)."""
    widths = (1.35, 2.3, 1.35, 2.3)
    height = row_in(9.5, 1.7)
    for row in rows:
        x = LEFT_IN
        for i, (width, text) in enumerate(zip(widths, row, strict=True)):
            label = i % 2 == 0
            sheet.rect(x, sheet.y, width, height, line=0.75, fill=fill if label else None)
            sheet.fitted(x + 0.06, sheet.y + height * 0.2, text, width - 0.12, 9.5, bold=label)
            x += width
        sheet.y += height


def _demographics(sheet: Sheet, ctx: Ctx, fill: int | None) -> None:
    rng, p = ctx.rng, ctx.patient
    name_label, dob_label = rng.choice(_NAME_LABELS), rng.choice(_DOB_LABELS)
    ctx.facts.name_label = f"{name_label} (grid cell)"
    dob = p.dob or ""
    if dob_label == "DOB/Age" and p.dob_date is not None:
        dob = f"{dob} ({age(p.dob_date, ctx.doc_date)}Y)"
    exam_day = before(ctx, 1, 4)
    ordering = clinician(rng)
    rows = [
        (
            name_label,
            p.name,
            "Exam Date",
            ctx.facts.date("exam_date", format_date(exam_day, "mdy"), exam_day),
        ),
        (dob_label, dob, "Accession #", number(rng, rng.choice(("ACC", "RAD", "")), 8)),
        (
            "Sex",
            p.sex,
            "Ordering MD",
            record_clinician(ctx, "ordering_physician", ordering.name(rng.randrange(4))),
        ),
        (rng.choice(_MRN_LABELS), p.mrn or "", "Location", rng.choice(("Outpatient", "ED", "Inpatient 4W"))),
    ]
    _grid(sheet, rows, fill)


def _report(sheet: Sheet, ctx: Ctx) -> None:
    rng = ctx.rng
    exam, cpt = rng.choice(IMAGING_EXAMS)
    prior = before(ctx, 200, 900)
    sections = (
        ("EXAM", f"{exam} (CPT {cpt})"),
        ("CLINICAL HISTORY", rng.choice(NARRATIVE)),
        ("TECHNIQUE", "Standard departmental protocol was followed."),
        (
            "COMPARISON",
            f"Prior study dated {ctx.facts.date('prior_study', format_date(prior, 'mdy'), prior)}.",
        ),
        ("FINDINGS", " ".join(rng.sample(FINDINGS, 3))),
        ("IMPRESSION", f"1. {rng.choice(FINDINGS)}"),
    )
    for title, text in sections:
        sheet.gap(0.06)
        sheet.line(f"{title}:", 10, bold=True)
        sheet.para(text, 10)


def _signoff(sheet: Sheet, ctx: Ctx) -> None:
    rng = ctx.rng
    label = rng.choice(_SIGNED)
    printed = ctx.facts.doc_date(
        label, format_date(ctx.doc_date, rng.choice(("mdy", "mdy_nopad", "dmy_mon")))
    )
    sheet.gap(0.2)
    sheet.rect(LEFT_IN, sheet.y, RIGHT_IN - LEFT_IN, 0.01, line=0, fill=0)
    sheet.gap(0.06)
    sheet.line(f"Interpreted by: {record_clinician(ctx, 'radiologist', clinician(rng).name(0))}", 9.5)
    sheet.line(f"{label} {printed} {rng.randint(7, 20):02d}:{rng.randint(0, 59):02d}", 9.5, bold=True)


def build(ctx: Ctx, plan: Plan) -> list[PageText]:
    """Page 1 (band, grid, report, sign-off); continuations repeat the name in a running header."""
    rng, s = ctx.rng, ctx.sender
    ctx.patient = restyle_name(ctx.patient, "last_first", caps=rng.random() < 0.6)
    sheet = Sheet()
    sheet.line(s.name, 16, bold=True)
    sheet.line(f"{s.street}, {s.city_line}   Tel {s.phone}   Fax {s.fax}", 8.5)
    sheet.text(5.6, 0.62, rng.choice(("RADIOLOGY REPORT", "IMAGING REPORT", "FINAL REPORT")), 12, bold=True)
    sheet.gap(0.15)
    sheet.band(rng.choice(_BANDS), style="invert", size=10.5, fill=rng.choice((0, 30, 50)))
    _demographics(sheet, ctx, rng.choice((None, 225, 235)))
    _report(sheet, ctx)
    _signoff(sheet, ctx)
    p = ctx.patient
    header = f"{compose(p, 'last_first', caps=True)}   DOB {p.dob or ''}   {s.name}"
    pages = [PageText([], items=sheet.items)]
    return pages + [continuation(ctx, header, plan, n) for n in range(2, plan.extra_pages + 2)]


FAMILY = Family(
    "imaging_banded", "banded", "outpatient imaging centre", ("radiology_report",), IMAGING, build
)
