"""The review queue as a desk shows it: filtered, counted, one page at a time, oldest first; what is next."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, load_only

from chartfile.ledger import Ledger
from chartfile.ledger.documents import as_utc
from chartfile.ledger.models import Document, Patient
from chartfile.records import Status

QUEUE_STATUSES = (Status.REVIEW, Status.UNMATCHED, Status.QUARANTINED)
_LISTED = (
    Document.id,
    Document.source_name,
    Document.status,
    Document.doc_type,
    Document.page_count,
    Document.received_at,
    Document.candidates,
    Document.reasons,
)


@dataclass(frozen=True, slots=True)
class QueueFilters:
    """Which waiting documents to list: a status, a document type, a source (part of its name), an age."""

    status: Status = Status.REVIEW
    doc_type: str | None = None
    source: str | None = None
    min_age_hours: float | None = None

    def as_query(self) -> dict[str, str]:
        found = {"status": self.status.value, "type": self.doc_type or "", "source": self.source or ""}
        return found | {"min_age": "" if self.min_age_hours is None else f"{self.min_age_hours:g}"}


@dataclass(frozen=True, slots=True)
class QueuePage:
    """One page of the queue, and the counts a clerk plans the day by."""

    rows: tuple[dict[str, Any], ...]
    total: int  # documents matching the filters
    offset: int
    by_status: dict[str, int] = field(default_factory=dict)  # every waiting status, unfiltered
    by_type: dict[str, int] = field(default_factory=dict)  # within the chosen status


def _filtered(filters: QueueFilters, now: dt.datetime) -> Select[Any]:
    query = select(Document).where(Document.status == filters.status.value)
    if filters.doc_type:
        query = query.where(Document.doc_type == filters.doc_type)
    if filters.source:
        query = query.where(Document.source_name.contains(filters.source, autoescape=True))
    if filters.min_age_hours is not None:
        query = query.where(Document.received_at <= now - dt.timedelta(hours=filters.min_age_hours))
    return query


def queue_page(
    ledger: Ledger, filters: QueueFilters, *, now: dt.datetime, offset: int = 0, limit: int = 50
) -> QueuePage:
    """The documents waiting under `filters`, oldest first, `limit` from `offset`, with the counts."""
    with ledger.reading() as session:
        query = _filtered(filters, now)
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        docs = session.scalars(
            query.options(load_only(*_LISTED))
            .order_by(Document.received_at, Document.id)
            .offset(offset)
            .limit(limit)
        ).all()
        names = patient_names(session, {c["mrn"] for d in docs for c in d.candidates[:1]})
        rows = tuple(_row(doc, names, now) for doc in docs)
        return QueuePage(rows, total, offset, _status_counts(session), _type_counts(session, filters.status))


def _row(doc: Document, names: dict[str, str], now: dt.datetime) -> dict[str, Any]:
    best = doc.candidates[0] if doc.candidates else None
    return {
        "id": doc.id,
        "source_name": doc.source_name,
        "status": doc.status,
        "doc_type": doc.doc_type,
        "page_count": doc.page_count,
        "received_at": as_utc(doc.received_at).isoformat(),
        "age_hours": round((now - as_utc(doc.received_at)).total_seconds() / 3600, 1),
        "best": None if best is None else best | {"name": names.get(best["mrn"], "")},
        "candidates": len(doc.candidates),
        "reason": doc.reasons[0] if doc.reasons else "",
    }


def patient_names(session: Session, mrns: set[str]) -> dict[str, str]:
    """ "LAST, First" for each MRN on the list."""
    if not mrns:
        return {}
    rows = session.execute(
        select(Patient.mrn, Patient.last_name, Patient.first_name).where(Patient.mrn.in_(mrns))
    )
    return {mrn: f"{last}, {first}" for mrn, last, first in rows}


def _status_counts(session: Session) -> dict[str, int]:
    waiting = [s.value for s in QUEUE_STATUSES]
    rows = session.execute(
        select(Document.status, func.count()).where(Document.status.in_(waiting)).group_by(Document.status)
    )
    found = {status: count for status, count in rows}
    return {status: found.get(status, 0) for status in waiting}


def _type_counts(session: Session, status: Status) -> dict[str, int]:
    rows = session.execute(
        select(Document.doc_type, func.count())
        .where(Document.status == status.value)
        .group_by(Document.doc_type)
        .order_by(func.count().desc())
    )
    return {doc_type or "unknown": count for doc_type, count in rows}


def next_waiting(ledger: Ledger, after_id: int, *, status: Status = Status.REVIEW) -> int | None:
    """The document after `after_id` in queue order (oldest first), else the oldest one still waiting."""
    with ledger.reading() as session:
        current = session.get(Document, after_id)
        query = select(Document.id).where(Document.status == status.value, Document.id != after_id)
        order = (Document.received_at, Document.id)
        if current is not None:
            later = query.where(
                (Document.received_at > current.received_at)
                | ((Document.received_at == current.received_at) & (Document.id > current.id))
            )
            found = session.scalars(later.order_by(*order).limit(1)).first()
            if found is not None:
                return found
        return session.scalars(query.order_by(*order).limit(1)).first()
