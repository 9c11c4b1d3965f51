"""Read-side queries for the CLI: documents as plain data (rendered by the caller)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chartfile.ledger.deliveries import for_document
from chartfile.ledger.models import AuditEvent, Document, Intake, Page


def document_summary(doc: Document) -> dict[str, Any]:
    """The documented JSON fields of `documents list --json`."""
    return {
        "id": doc.id,
        "source_name": doc.source_name,
        "sha256": doc.sha256,
        "status": doc.status,
        "patient_mrn": doc.patient_mrn,
        "score": doc.score,
        "candidates": [{"mrn": c["mrn"], "score": c["score"]} for c in doc.candidates],
        "doc_type": doc.doc_type,
        "doc_date": doc.doc_date.isoformat() if doc.doc_date else None,
        "page_count": doc.page_count,
        "stored_path": doc.stored_path,
        "received_at": doc.received_at.isoformat(),
        "quarantine_path": doc.quarantine_path,
        "duplicate_of": doc.duplicate_of,
    }


def list_documents(
    session: Session, *, status: str | None = None, limit: int | None = None
) -> list[Document]:
    query = select(Document).order_by(Document.id)
    if status:
        query = query.where(Document.status == status)
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def document_detail(session: Session, document_id: int) -> dict[str, Any] | None:
    """Everything known about one document: index fields, why it was (not) matched, pages, audit."""
    doc = session.get(Document, document_id)
    if doc is None:
        return None
    pages = session.scalars(select(Page).where(Page.document_id == document_id).order_by(Page.number))
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.document_id == document_id).order_by(AuditEvent.id)
    )
    return document_summary(doc) | {
        "candidates": doc.candidates,
        "reasons": doc.reasons,
        "extraction": doc.extraction,
        "original_path": doc.original_path,
        "stored_sha256": doc.stored_sha256,
        "processed_at": doc.processed_at.isoformat(),
        "pages": [
            {
                "number": p.number,
                "source": p.source,
                "mean_confidence": p.mean_confidence,
                "low_confidence": p.low_confidence,
                "characters": len(p.text),
            }
            for p in pages
        ],
        "audit": [
            {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "detail": e.detail} for e in events
        ],
        "deliveries": for_document(session, document_id),
    }


def status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Document.status, func.count()).group_by(Document.status))
    return {status: count for status, count in rows}


def intake_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Intake.state, func.count()).group_by(Intake.state))
    return {state: count for state, count in rows}


def last_processed(session: Session) -> str | None:
    newest = session.scalar(select(func.max(Document.processed_at)))
    return newest.isoformat() if newest else None
