"""The outbox's sending side: lease the messages that are due (in order per document and target), record
what the receiver said (retry with back-off, or a rejection a person must look at), and read the state.

A lease is a committed `sending` state with an expiry: a sender that dies while sending leaves the message
due again once the lease runs out, so it is sent again (with the same message id), never lost.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from chartfile.ledger.book import Ledger
from chartfile.ledger.documents import as_utc
from chartfile.ledger.models import Delivery, Document, Patient
from chartfile.ledger.outbox import DELIVERED, OPEN, PENDING, REJECTED, RETRYING, SENDING
from chartfile.records import DeliveryJob, DeliveryResult, Demographics

OUTCOMES = ("delivered", "rejected", "retry", "not-sent")


def due_ids(session: Session, now: dt.datetime, *, limit: int) -> list[int]:
    """The messages to send now: due, and the first open one of their document and target."""
    earlier = aliased(Delivery)
    blocked = exists().where(
        earlier.document_id == Delivery.document_id,
        earlier.target == Delivery.target,
        earlier.id < Delivery.id,
        earlier.state.in_(OPEN),
    )
    query = select(Delivery.id).where(_due(now), ~blocked).order_by(Delivery.id).limit(limit)
    return list(session.scalars(query))


def _due(now: dt.datetime) -> Any:
    waiting = and_(Delivery.state.in_((PENDING, RETRYING)), Delivery.next_attempt_at <= now)
    abandoned = and_(Delivery.state == SENDING, Delivery.lease_until < now)  # its sender died
    return or_(waiting, abandoned)


def lease(ledger: Ledger, *, limit: int, lease_seconds: float) -> list[DeliveryJob]:
    """Take up to `limit` due messages for this sender (committed before anything is sent)."""
    now = ledger.clock()
    with ledger.reading() as session:
        ids = due_ids(session, now, limit=limit)
    jobs = []
    with ledger.unit() as unit:
        until = now + dt.timedelta(seconds=lease_seconds)
        for delivery_id in ids:
            taken = unit.session.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id, _due(now))
                .values(state=SENDING, lease_until=until, attempts=Delivery.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                jobs.append(_job(unit.session, delivery_id, ledger.paths.store))
    return jobs


def _job(session: Session, delivery_id: int, store_root: Path) -> DeliveryJob:
    row = session.get(Delivery, delivery_id, populate_existing=True)
    assert row is not None
    doc = session.get(Document, row.document_id)
    assert doc is not None
    return DeliveryJob(
        delivery_id=row.id,
        document_id=row.document_id,
        target=row.target,
        event=row.event,
        version=row.version,
        patient=demographics(session, row.patient_mrn),
        doc_type=doc.doc_type or "other",
        doc_date=doc.doc_date,
        received_at=as_utc(doc.received_at),
        stored_path=Path(doc.stored_path) if doc.stored_path else None,
        stored_sha256=doc.stored_sha256,
        store_root=store_root,
        page_count=doc.page_count,
        replaces=(row.replaces_document or row.document_id, row.replaces) if row.replaces else None,
        attempts=row.attempts,
    )


def demographics(session: Session, mrn: str) -> Demographics:
    """The master list's record of `mrn` (the MRN alone if it is not on the list)."""
    patient = session.get(Patient, mrn)
    if patient is None:
        return Demographics(mrn=mrn, last_name="", first_name="")
    return Demographics(
        mrn=patient.mrn,
        last_name=patient.last_name,
        first_name=patient.first_name,
        middle_name=patient.middle_name,
        dob=patient.dob,
        sex=patient.sex,
        phone=patient.phone,
        address=patient.address,
        city=patient.city,
        state=patient.state,
        zip=patient.zip,
    )


def settle(
    ledger: Ledger, job: DeliveryJob, result: DeliveryResult, *, retry_min: float, retry_max: float
) -> None:
    """Record what the receiver said about `job` (only while this sender still holds its lease)."""
    assert result.outcome in OUTCOMES, result.outcome
    with ledger.unit() as unit:
        row = unit.session.get(Delivery, job.delivery_id, with_for_update=True)
        if row is None or row.state != SENDING:
            return
        row.lease_until = None
        if result.outcome == "delivered":
            row.state, row.delivered_at, row.receipt, row.last_error = DELIVERED, unit.now, result.detail, ""
            unit.audit("delivered", row.document_id, **_what(row), receipt=result.detail)
            return
        row.last_error = result.detail
        row.first_failed_at = row.first_failed_at or unit.now
        if result.outcome == "rejected":
            row.state = REJECTED
            unit.audit("delivery-rejected", row.document_id, **_what(row), reason=result.detail)
            return
        row.state = PENDING if result.outcome == "not-sent" else RETRYING
        delay = min(retry_max, retry_min * 2 ** min(row.attempts - 1, 30))
        row.next_attempt_at = unit.now + dt.timedelta(seconds=delay)


def _what(row: Delivery) -> dict[str, Any]:
    return {"target": row.target, "event": row.event, "version": row.version, "mrn": row.patient_mrn}


def requeue(ledger: Ledger, document_id: int) -> int:
    """Send a document's rejected messages again (after the cause was fixed at the EHR); how many."""
    with ledger.unit() as unit:
        rows = list(
            unit.session.scalars(
                select(Delivery).where(Delivery.document_id == document_id, Delivery.state == REJECTED)
            )
        )
        for row in rows:
            row.state, row.next_attempt_at = RETRYING, unit.now
            unit.audit("delivery-requeued", document_id, **_what(row))
    return len(rows)


def state_counts(session: Session) -> dict[str, int]:
    """Messages by state (for `status`)."""
    rows = session.execute(select(Delivery.state, func.count()).group_by(Delivery.state))
    return {state: count for state, count in rows}


def failing_count(session: Session) -> int:
    """Messages not delivered whose last attempt failed."""
    query = select(func.count()).where(
        Delivery.state.in_((*OPEN, REJECTED)), Delivery.first_failed_at.is_not(None)
    )
    return int(session.scalar(query) or 0)


def failing_since(session: Session, *, before: dt.datetime, as_of: dt.datetime) -> list[dict[str, Any]]:
    """Messages that had been failing since before `before` and were still not delivered at `as_of`."""
    query = (
        select(Delivery)
        .where(
            Delivery.first_failed_at.is_not(None),
            Delivery.first_failed_at <= before,
            Delivery.state.in_((*OPEN, REJECTED, DELIVERED)),
            or_(Delivery.delivered_at.is_(None), Delivery.delivered_at > as_of),
        )
        .order_by(Delivery.first_failed_at, Delivery.id)
    )
    return [describe(row) for row in session.scalars(query)]


def for_document(session: Session, document_id: int) -> list[dict[str, Any]]:
    """Every message about one document, oldest first (for `documents show`)."""
    query = select(Delivery).where(Delivery.document_id == document_id).order_by(Delivery.id)
    return [describe(row) for row in session.scalars(query)]


def describe(row: Delivery) -> dict[str, Any]:
    def when(value: dt.datetime | None) -> str | None:
        return as_utc(value).isoformat() if value is not None else None

    return {
        "id": row.id,
        "document_id": row.document_id,
        "target": row.target,
        "event": row.event,
        "version": row.version,
        "mrn": row.patient_mrn,
        "replaces": {"document_id": row.replaces_document, "version": row.replaces} if row.replaces else None,
        "state": row.state,
        "attempts": row.attempts,
        "created_at": when(row.created_at),
        "next_attempt_at": when(row.next_attempt_at) if row.state in (PENDING, RETRYING) else None,
        "first_failed_at": when(row.first_failed_at),
        "delivered_at": when(row.delivered_at),
        "last_error": row.last_error,
        "receipt": row.receipt,
    }
