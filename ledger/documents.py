"""A document's row and its files: the one place a Document row is built, a stored PDF is stamped and
placed (or moved), an original is kept, and page texts are written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from chartfile.ledger import outbox
from chartfile.ledger.models import Document, Page
from chartfile.ledger.pdfmeta import PdfIndex, write_with_metadata
from chartfile.ledger.unit import Unit
from chartfile.records import OcrPage, Status


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the ledger records about a document: status, patient, index fields, why, and its pages."""

    status: Status
    reasons: tuple[str, ...]
    patient_mrn: str | None = None
    score: float | None = None
    candidates: tuple[dict[str, Any], ...] = ()
    extraction: dict[str, Any] = field(default_factory=dict)
    doc_type: str | None = None
    doc_date: dt.date | None = None
    pages: tuple[OcrPage, ...] = ()
    searchable_pdf: Path | None = None


def new_document(
    document_id: int,
    outcome: Outcome,
    *,
    source_name: str,
    sha256: str,
    received_at: dt.datetime,
    processed_at: dt.datetime,
    page_count: int,
    **links: Any,
) -> Document:
    """The one constructor of a Document row (not added yet: its files are written first).

    `links`: stored_path, original_path, quarantine_path, duplicate_of, parent_id as they apply.
    """
    return Document(
        id=document_id,
        source_name=source_name,
        sha256=sha256,
        status=outcome.status.value,
        patient_mrn=outcome.patient_mrn,
        score=outcome.score,
        candidates=list(outcome.candidates),
        reasons=list(outcome.reasons),
        extraction=dict(outcome.extraction),
        doc_type=outcome.doc_type,
        doc_date=outcome.doc_date,
        page_count=page_count,
        received_at=received_at,
        processed_at=processed_at,
        **links,
    )


def apply_outcome(doc: Document, outcome: Outcome, *, now: dt.datetime) -> None:
    """Give an existing row a new outcome (reprocess): the same fields `new_document` sets."""
    doc.status, doc.patient_mrn, doc.score = outcome.status.value, outcome.patient_mrn, outcome.score
    doc.candidates, doc.reasons = list(outcome.candidates), list(outcome.reasons)
    doc.extraction = dict(outcome.extraction)
    doc.doc_type, doc.doc_date = outcome.doc_type, outcome.doc_date
    doc.page_count, doc.processed_at = len(outcome.pages), now


def received_day(doc: Document) -> dt.date:
    """The day (UTC) the document was received: the store's review/unmatched folders are by this day."""
    return as_utc(doc.received_at).date()


def as_utc(value: dt.datetime) -> dt.datetime:
    """Database datetimes are UTC; SQLite hands them back without a zone."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def store_pdf(unit: Unit, doc: Document, pdf: Path) -> None:
    """Stamp the index metadata into `pdf` and place it where `doc`'s status and patient put it.

    The one place a stored PDF is written or moved: the old stored file (if elsewhere) goes after commit.
    """
    doc_type = doc.doc_type or "other"
    target = unit.layout.document_path(
        doc.id,
        status=Status(doc.status),
        mrn=doc.patient_mrn,
        doc_date=doc.doc_date,
        doc_type=doc_type,
        received=received_day(doc),
    )
    index = PdfIndex(doc.id, doc_type, doc.doc_date, doc.patient_mrn)
    stamped = write_with_metadata(pdf, unit.scratch / f"stamped-{doc.id:06d}.pdf", index)
    doc.stored_sha256 = unit.place(stamped, target)
    unit.supersede(Path(doc.stored_path) if doc.stored_path else None)
    doc.stored_path = str(target)


def move_stored(unit: Unit, doc: Document, *, status: Status, mrn: str | None, merged: bool = False) -> None:
    """Give `doc` a new status and patient; its stored PDF moves and its metadata names the patient.

    The EHR targets are told in the same unit (`ledger.outbox`); `merged`: a patient merge, noted only.
    """
    doc.status, doc.patient_mrn = status.value, mrn
    if doc.stored_path:
        store_pdf(unit, doc, Path(doc.stored_path))
    follow_duplicates(unit, doc)
    outbox.document_changed(unit, doc, merged=merged)


def store_original(unit: Unit, doc: Document, src: Path) -> None:
    """Keep the original bytes under originals/ (by received month), beside the stored PDF."""
    target = unit.layout.original_path(doc.id, received=received_day(doc), suffix=src.suffix)
    unit.place(src, target)
    doc.original_path = str(target)


def write_pages(unit: Unit, document_id: int, pages: Iterable[OcrPage]) -> None:
    unit.session.add_all(
        Page(
            document_id=document_id,
            number=page.number,
            text=page.text,
            source=page.source,
            mean_confidence=page.mean_confidence,
            low_confidence=page.low_confidence,
        )
        for page in pages
    )


def read_pages(unit: Unit, document_id: int, first: int = 1, last: int | None = None) -> list[OcrPage]:
    """The stored page texts of a document (pages first..last), numbered from 1 again."""
    query = select(Page).where(Page.document_id == document_id, Page.number >= first)
    if last is not None:
        query = query.where(Page.number <= last)
    return [
        OcrPage(
            number=page.number - first + 1,
            text=page.text,
            source=page.source,
            mean_confidence=page.mean_confidence,
            low_confidence=page.low_confidence,
        )
        for page in unit.session.scalars(query.order_by(Page.number))
    ]


def follow_duplicates(unit: Unit, doc: Document) -> None:
    """Rows recorded as duplicates of `doc` point at its stored file and patient."""
    unit.session.execute(
        update(Document)
        .where(Document.duplicate_of == doc.id)
        .values(stored_path=doc.stored_path, patient_mrn=doc.patient_mrn)
    )


def snapshot(doc: Document) -> dict[str, Any]:
    return {"status": doc.status, "mrn": doc.patient_mrn, "stored_path": doc.stored_path}
