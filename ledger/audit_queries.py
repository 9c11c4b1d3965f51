"""Reading the audit trail: listings, documents a clerk has decided, and a document's status at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chartfile.ledger.models import AuditEvent
from chartfile.records import Status

DECIDED_ACTIONS = ("assigned", "rejected", "refiled", "split")
_STATUS_VALUES = frozenset(s.value for s in Status)
_CHUNK = 500


def event_json(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": _utc(event.at).isoformat(),
        "actor": event.actor,
        "action": event.action,
        "document_id": event.document_id,
        "detail": event.detail,
    }


def list_events(
    session: Session,
    *,
    document_id: int | None = None,
    since: dt.datetime | None = None,
    action: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Audit rows oldest first (with `limit`: the newest `limit` rows, still oldest first)."""
    query = select(AuditEvent)
    if document_id is not None:
        query = query.where(AuditEvent.document_id == document_id)
    if since is not None:
        query = query.where(AuditEvent.at >= since.astimezone(dt.UTC))
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if limit is not None:
        newest = list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))
        return [event_json(e) for e in reversed(newest)]
    return [event_json(e) for e in session.scalars(query.order_by(AuditEvent.id))]


def decided(session: Session, document_ids: Iterable[int]) -> set[int]:
    """The documents a clerk has assigned, rejected, re-filed or split (or that came from a split)."""
    found: set[int] = set()
    for chunk in _chunks(list(document_ids)):
        query = select(AuditEvent.document_id).where(
            AuditEvent.document_id.in_(chunk), AuditEvent.action.in_(DECIDED_ACTIONS)
        )
        found.update(i for i in session.scalars(query) if i is not None)
    return found


def status_after(action: str, detail: dict[str, Any]) -> str | None:
    """The status an audit event leaves its document in; None when it does not change it (pure)."""
    after = detail.get("after") if isinstance(detail, dict) else None
    if isinstance(after, dict) and after.get("status"):
        return str(after["status"])
    return action if action in _STATUS_VALUES else None


def statuses_at(session: Session, document_ids: Sequence[int], at: dt.datetime) -> dict[int, str]:
    """Each document's status at time `at`, replayed from the audit trail (absent: not processed yet)."""
    found: dict[int, str] = {}
    for chunk in _chunks(list(document_ids)):
        query = (
            select(AuditEvent.document_id, AuditEvent.action, AuditEvent.detail)
            .where(AuditEvent.document_id.in_(chunk), AuditEvent.at <= at.astimezone(dt.UTC))
            .order_by(AuditEvent.id)
        )
        for document_id, action, detail in session.execute(query):
            status = status_after(action, detail)
            if status is not None and document_id is not None:
                found[document_id] = status
    return found


def changed_since(session: Session, at: dt.datetime) -> set[int]:
    """Documents whose status changed after `at` (their status then differs from the row's now)."""
    query = select(AuditEvent.document_id, AuditEvent.action, AuditEvent.detail).where(
        AuditEvent.at > at.astimezone(dt.UTC), AuditEvent.document_id.is_not(None)
    )
    return {
        document_id
        for document_id, action, detail in session.execute(query)
        if document_id is not None and status_after(action, detail) is not None
    }


def _chunks(values: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
