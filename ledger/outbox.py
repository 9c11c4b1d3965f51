"""The outbox: what each EHR target must be told about a document, written in the same unit of work (the
same transaction) as the outcome that causes it, so a committed outcome always has its messages queued and
a rolled-back one has none (at-least-once; the receiver de-duplicates by document id and version).

The rule compares what a target may already hold of the document (from the messages that may have reached
it) with where the document is now: a first filing is sent as `filed`; a document now on another chart is
sent as `replaced` (MDM^T10 / relatesTo replaces) and the copy on the wrong chart as `entered-in-error`; a
document no longer filed (split, reprocessed into review) has its copy marked `entered-in-error`. Messages
not yet sent are superseded instead of being sent late. A patient merge sends nothing (the EHR merged the
charts itself): it is noted, so that a later re-file names the chart the EHR now holds the document on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from chartfile.ledger.models import Delivery, Document
from chartfile.ledger.unit import Unit
from chartfile.records import Status

PENDING, SENDING, RETRYING = "pending", "sending", "retrying"
DELIVERED, REJECTED, SUPERSEDED = "delivered", "rejected", "superseded"
OPEN = (PENDING, SENDING, RETRYING)
STATES = (*OPEN, DELIVERED, REJECTED, SUPERSEDED)
FILED, REPLACED, ENTERED_IN_ERROR, MERGED = "filed", "replaced", "entered-in-error", "merged"
MERGE_NOTE = "not sent: the EHR merged the charts itself"


@dataclass(frozen=True, slots=True)
class Held:
    """A version of a document a target may hold, and on whose chart."""

    version: int
    mrn: str


@dataclass(frozen=True, slots=True)
class Message:
    """One message the rule asks for."""

    event: str
    mrn: str
    version: int
    replaces: tuple[int, int] | None = None  # (document id, version)


def document_changed(
    unit: Unit, doc: Document, *, merged: bool = False, split_from: Document | None = None
) -> None:
    """Queue, for every enabled target, what it must be told now that `doc` is where it is.

    `merged`: the change is a patient merge (noted, not sent). `split_from`: `doc` is a new child cut from
    that document, so it replaces the parent's copy a target may hold.
    """
    if not unit.targets:
        return
    rows = _rows(unit, doc.id)
    fresh = max((row.version for row in rows), default=0) + 1
    now_on = doc.patient_mrn if doc.status == Status.FILED.value and doc.patient_mrn else None
    for target in unit.targets:
        mine = [row for row in rows if row.target == target]
        for row in mine:
            if row.state == PENDING:
                row.state, row.lease_until = SUPERSEDED, None
        replaces = _parent_version(unit, split_from, target)
        for message in plan(held(mine), now_on, doc.id, fresh=fresh, merged=merged, replaces=replaces):
            unit.session.add(_row(unit, doc.id, target, message))


def plan(
    holds: Held | None,
    now_on: str | None,
    document_id: int,
    *,
    fresh: int,
    merged: bool = False,
    replaces: tuple[int, int] | None = None,
) -> list[Message]:
    """The messages that bring a target from holding `holds` to holding the document on `now_on` (pure)."""
    if holds is None:
        if now_on is None:
            return []
        return [Message(REPLACED if replaces else FILED, now_on, fresh, replaces)]
    if now_on == holds.mrn:
        return []
    if merged and now_on is not None:
        return [Message(MERGED, now_on, holds.version)]
    cancel = Message(ENTERED_IN_ERROR, holds.mrn, holds.version)
    if now_on is None:
        return [cancel]
    return [cancel, Message(REPLACED, now_on, fresh, (document_id, holds.version))]


def held(rows: Sequence[Delivery]) -> Held | None:
    """What a target may hold, from its messages in order: any that may have reached it counts."""
    holds: Held | None = None
    for row in rows:
        if row.state in (PENDING, REJECTED, SUPERSEDED):
            continue
        if row.event in (FILED, REPLACED, MERGED):
            holds = Held(row.version, row.patient_mrn)
        elif row.event == ENTERED_IN_ERROR and holds is not None and holds.version == row.version:
            holds = None
    return holds


def _parent_version(unit: Unit, parent: Document | None, target: str) -> tuple[int, int] | None:
    if parent is None:
        return None
    found = held([row for row in _rows(unit, parent.id) if row.target == target])
    return None if found is None else (parent.id, found.version)


def _rows(unit: Unit, document_id: int) -> list[Delivery]:
    query = select(Delivery).where(Delivery.document_id == document_id).order_by(Delivery.id)
    return list(unit.session.scalars(query.with_for_update()))  # a sender's lease waits for this unit


def _row(unit: Unit, document_id: int, target: str, message: Message) -> Delivery:
    noted = message.event == MERGED
    return Delivery(
        document_id=document_id,
        target=target,
        event=message.event,
        version=message.version,
        patient_mrn=message.mrn,
        replaces_document=message.replaces[0] if message.replaces else None,
        replaces=message.replaces[1] if message.replaces else None,
        state=DELIVERED if noted else PENDING,
        attempts=0,
        next_attempt_at=unit.now,
        created_at=unit.now,
        delivered_at=unit.now if noted else None,
        last_error="",
        receipt=MERGE_NOTE if noted else "",
    )
