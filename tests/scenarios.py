"""Scenario files for tests, rendered with real fonts in real formats (scan, fax fine/standard, PDF)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bench.corpus.degrade import to_fax
from bench.corpus.render import Line, PageText, render_pages
from bench.corpus.writers import write_image_pdf, write_png, write_text_pdf, write_tiff
from chartfile.records import FileKind, IncomingFile, OcrPage, OcrResult


def lab_result(
    name: str, dob: str | None, mrn: str | None, *, doc_date: str = "10/02/2026", address: str | None = None
) -> PageText:
    """A one-page lab result as a reference lab prints it (with provider and account distractors; the
    lab's own address and phone in its letterhead, the patient's address under the name if given)."""
    lines = [
        Line("Valley Reference Laboratory", size_pt=16, bold=True),
        Line("1200 Commerce Way, Springfield MA   Phone (413) 555-0199   Fax (413) 555-0198", size_pt=9),
        Line(""),
        Line("LABORATORY REPORT", size_pt=14, bold=True),
        Line(f"Patient: {name}"),
    ]
    if dob:
        lines.append(Line(f"DOB: {dob}"))
    if mrn:
        lines.append(Line(f"MRN: {mrn}"))
    if address:
        lines.append(Line(f"Address: {address}"))
    lines += [
        Line(f"Collected: {doc_date}    Reported: {doc_date}"),
        Line("Ordering Physician: Dr. Samuel Beckett, MD    Account: 88120045"),
        Line(""),
        Line("Test                    Result      Reference"),
        Line("Hemoglobin A1c          6.1 %       4.0 - 5.6"),
        Line("Glucose, fasting        104 mg/dL   70 - 99"),
        Line("Creatinine              0.9 mg/dL   0.6 - 1.2"),
    ]
    return PageText(lines)


def plain_page(text: str) -> PageText:
    return PageText([Line(part) for part in text.splitlines()])


def scan_png(page: PageText, path: Path) -> Path:
    return write_png(render_pages([page])[0], path, 300)


def fax_tiff(pages: list[PageText], path: Path, *, mode: str = "fine") -> Path:
    images = [to_fax(img, mode="fine" if mode == "fine" else "standard") for img in render_pages(pages)]
    dpi = (204, 196) if mode == "fine" else (204, 98)
    return write_tiff(images, path, compression="group4", dpi=dpi)


def image_pdf(pages: list[PageText], path: Path) -> Path:
    return write_image_pdf(render_pages(pages), path, 300)


def text_pdf(pages: list[PageText], path: Path) -> Path:
    return write_text_pdf(pages, path)


def ocr_of(*pages: str, source: str = "ocr", low_confidence: bool = False) -> OcrResult:
    """An OCR result whose pages read `pages` (for extraction and matching tables: no file behind it)."""
    incoming = IncomingFile(
        intake_id=1,
        source_path=Path("in.pdf"),
        source_name="in.pdf",
        work_copy=Path("w/in.pdf"),
        work_dir=Path("w"),
        sha256="0" * 64,
        size_bytes=1,
        kind=FileKind.PDF,
        received_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
    )
    ocr_pages = tuple(
        OcrPage(number=i + 1, text=text, source=source, low_confidence=low_confidence)
        for i, text in enumerate(pages)
    )
    return OcrResult(incoming=incoming, pages=ocr_pages, searchable_pdf=Path("w/s.pdf"))
