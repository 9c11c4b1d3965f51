"""The filing stage: store the searchable PDF and the original, then commit the index row."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from chartfile.ledger.db import audit, transaction
from chartfile.ledger.models import Document, Intake, Page
from chartfile.ledger.pdfmeta import PdfIndex, write_with_metadata
from chartfile.ledger.store import FileStore, StoreLayout
from chartfile.records import (
    Candidate,
    Extraction,
    FiledDocument,
    IncomingFile,
    MatchDecision,
    OcrResult,
    Status,
)

PROCESSED = (Status.FILED, Status.REVIEW, Status.UNMATCHED)


def file_document(
    ocr: OcrResult,
    extraction: Extraction,
    decision: MatchDecision,
    *,
    store: FileStore,
    layout: StoreLayout,
    sessions: sessionmaker[Session],
    now: dt.datetime,
) -> FiledDocument:
    """Write both files durably, then the row, pages and audit events in one transaction."""
    incoming = ocr.incoming
    received = incoming.received_at.date()
    stored = layout.document_path(
        incoming.intake_id,
        status=decision.status,
        mrn=decision.patient_mrn,
        doc_date=extraction.doc_date,
        doc_type=extraction.doc_type,
        received=received,
    )
    original = layout.original_path(incoming.intake_id, received=received, suffix=incoming.work_copy.suffix)
    index = PdfIndex(incoming.intake_id, extraction.doc_type, extraction.doc_date, decision.patient_mrn)
    final_pdf = write_with_metadata(ocr.searchable_pdf, incoming.work_dir / "final.pdf", index)
    written: list[Path] = []
    try:
        stored_sha = store.put(final_pdf, stored)
        written.append(stored)
        store.put(incoming.work_copy, original)
        written.append(original)
        with transaction(sessions) as session:
            row = _document_row(
                ocr, extraction, decision, stored=stored, stored_sha=stored_sha, original=original, now=now
            )
            session.add(row)
            session.flush()
            session.add_all(page_rows(ocr, incoming.intake_id))
            _mark_done(session, incoming, now)
            _audit_outcome(session, incoming.intake_id, decision, ocr, stored)
    except BaseException:
        for path in written:  # no orphan files: the retry writes them again
            store.remove(path)
        raise
    return FiledDocument(
        document_id=incoming.intake_id,
        status=decision.status,
        stored_path=stored,
        original_path=original,
        patient_mrn=decision.patient_mrn,
        page_count=len(ocr.pages),
    )


def _document_row(
    ocr: OcrResult,
    extraction: Extraction,
    decision: MatchDecision,
    *,
    stored: Path,
    stored_sha: str,
    original: Path,
    now: dt.datetime,
) -> Document:
    incoming = ocr.incoming
    return Document(
        id=incoming.intake_id,
        source_name=incoming.source_name,
        sha256=incoming.sha256,
        status=decision.status.value,
        patient_mrn=decision.patient_mrn,
        score=decision.score,
        candidates=[candidate_json(c) for c in decision.candidates],
        reasons=list(decision.reasons),
        extraction=extraction_json(extraction),
        doc_type=extraction.doc_type,
        doc_date=extraction.doc_date,
        page_count=len(ocr.pages),
        stored_path=str(stored),
        stored_sha256=stored_sha,
        original_path=str(original),
        received_at=incoming.received_at,
        processed_at=now,
    )


def candidate_json(candidate: Candidate) -> dict[str, Any]:
    """A candidate as the index keeps it (documents show / review show read this shape)."""
    return {
        "mrn": candidate.mrn,
        "score": round(candidate.score, 6),
        "match_weight": round(candidate.match_weight, 3),
        "fields": [dataclasses.asdict(field) for field in candidate.fields],
    }


def extraction_json(extraction: Extraction) -> dict[str, Any]:
    """The extraction as plain JSON (dates as ISO strings), kept for `documents show`."""
    return json.loads(json.dumps(dataclasses.asdict(extraction), default=str))  # type: ignore[no-any-return]


def page_rows(ocr: OcrResult, document_id: int) -> list[Page]:
    return [
        Page(
            document_id=document_id,
            number=page.number,
            text=page.text,
            source=page.source,
            mean_confidence=page.mean_confidence,
            low_confidence=page.low_confidence,
        )
        for page in ocr.pages
    ]


def _mark_done(session: Session, incoming: IncomingFile, now: dt.datetime) -> None:
    intake = session.get(Intake, incoming.intake_id)
    assert intake is not None
    intake.state, intake.finished_at, intake.last_error = "done", now, ""


def _audit_outcome(
    session: Session, document_id: int, decision: MatchDecision, ocr: OcrResult, stored: Path
) -> None:
    sources = [page.source for page in ocr.pages]
    audit(session, "ocr", document_id, pages=len(sources), unreadable=sources.count("unreadable"))
    audit(session, "matched", document_id, status=decision.status.value, score=decision.score)
    audit(session, decision.status.value, document_id, stored_path=str(stored), mrn=decision.patient_mrn)


def find_processed(session: Session, sha256: str) -> Document | None:
    """The earliest processed document with these exact bytes, if any."""
    query = (
        select(Document)
        .where(Document.sha256 == sha256, Document.status.in_([s.value for s in PROCESSED]))
        .order_by(Document.id)
    )
    return session.scalars(query).first()


def record_duplicate(
    incoming: IncomingFile, original: Document, *, sessions: sessionmaker[Session], now: dt.datetime
) -> FiledDocument:
    """Record a second copy of an already processed file without filing it again."""
    with transaction(sessions) as session:
        session.add(
            Document(
                id=incoming.intake_id,
                source_name=incoming.source_name,
                sha256=incoming.sha256,
                status=Status.DUPLICATE.value,
                patient_mrn=original.patient_mrn,
                candidates=[],
                reasons=[f"same SHA-256 as document {original.id}"],
                extraction={},
                doc_type=original.doc_type,
                doc_date=original.doc_date,
                page_count=original.page_count,
                stored_path=original.stored_path,
                original_path=original.original_path,
                duplicate_of=original.id,
                received_at=incoming.received_at,
                processed_at=now,
            )
        )
        session.flush()
        _mark_done(session, incoming, now)
        audit(session, "duplicate", incoming.intake_id, duplicate_of=original.id)
    return FiledDocument(
        document_id=incoming.intake_id,
        status=Status.DUPLICATE,
        stored_path=Path(original.stored_path) if original.stored_path else None,
        original_path=None,
        duplicate_of=original.id,
    )
