"""The audit trail's keyed hash chain: every row carries an HMAC-SHA256 (the site key) of its content and
of the row before it. The head row says where the chain starts, seals the rows before that start (their
count and digest: rows older than the chain, or than a break IT resealed) and holds the newest link, all
keyed. Rows are appended one writer at a time (the head is locked first) with consecutive ids, so an
edited, forged or deleted row breaks the chain where it happened (`chain_verify` finds the first break)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from chartfile.ledger import sitekey
from chartfile.ledger.models import AuditEvent, AuditHead

Row = tuple[int, dt.datetime, str, str, int | None, Any]  # id, at, actor, action, document_id, detail


def payload(row: Row) -> bytes:
    """A row's content as it is read back from any database (UTC time, JSON detail, keys sorted)."""
    event_id, at, actor, action, document_id, detail = row
    fields = [event_id, utc_naive(at).isoformat(timespec="microseconds"), actor, action, document_id, detail]
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _mac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def link(key: bytes, previous: str, row: Row) -> str:
    return _mac(key, previous.encode("ascii") + b"\n" + payload(row))


def seed(key: bytes, start_id: int, sealed_rows: int, sealed_sha256: str) -> str:
    """The link before a chain's first row: it binds the chain to what its start seals."""
    return _mac(key, f"start:{start_id}:{sealed_rows}:{sealed_sha256}".encode("ascii"))


def head_mac(key: bytes, head: AuditHead) -> str:
    fields = (head.last_id, head.last_hash, head.start_id, head.sealed_rows, head.sealed_sha256)
    return _mac(key, ("head:" + ":".join(str(f) for f in fields)).encode("ascii"))


def utc_naive(at: dt.datetime) -> dt.datetime:
    return at.astimezone(dt.UTC).replace(tzinfo=None) if at.tzinfo is not None else at


def normal_detail(detail: dict[str, Any]) -> Any:
    """The detail exactly as the JSON column gives it back (so that its hash verifies when read)."""
    return json.loads(json.dumps(detail))


def lock_head(session: Session) -> AuditHead:
    """The head row, locked for this transaction (SQLite: the write lock; others: the row lock)."""
    locked = session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_id=AuditHead.last_id))
    if getattr(locked, "rowcount", 1) == 0:  # deleted outside chartfile: verify says so
        session.add(
            AuditHead(id=1, last_id=0, last_hash="", mac="", start_id=0, sealed_rows=0, sealed_sha256="")
        )
        session.flush()
    head = session.get(AuditHead, 1, populate_existing=True, with_for_update=True)
    assert head is not None
    return head


class ChainWriter:
    """Appends one unit of work's audit rows to the chain (the head is locked at its first row)."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._head: AuditHead | None = None
        self._next_id = 0

    def lock(self, session: Session) -> AuditHead:
        """The head, locked for this transaction (once), and the id the next row gets."""
        if self._head is None:
            self._head = lock_head(session)
            newest = session.scalar(select(func.max(AuditEvent.id))) or 0
            self._next_id = max(self._head.last_id, newest) + 1  # never on a row written outside
        return self._head

    def append(
        self,
        session: Session,
        *,
        at: dt.datetime,
        actor: str,
        action: str,
        document_id: int | None,
        detail: dict[str, Any],
    ) -> AuditEvent:
        head, at = self.lock(session), at.astimezone(dt.UTC)
        row: Row = (self._next_id, at, actor, action, document_id, normal_detail(detail))
        event = AuditEvent(id=row[0], at=at, actor=actor, action=action, document_id=document_id)
        event.detail, event.chain = row[5], link(self._key, head.last_hash, row)
        session.add(event)
        head.last_id, head.last_hash = event.id, event.chain
        head.mac = head_mac(self._key, head)
        self._next_id += 1
        return event

    def start(self, session: Session) -> AuditHead:
        """Begin the chain at the next row: every row before it is sealed by its count and digest."""
        head = self.lock(session)
        count, digest = rows_digest(stored_rows(session))
        head.start_id, head.sealed_rows, head.sealed_sha256 = self._next_id, count, digest
        head.last_id = self._next_id - 1
        head.last_hash = seed(self._key, head.start_id, count, digest)
        head.mac = head_mac(self._key, head)
        return head


def rows_digest(rows: Iterable[tuple[Row, str | None]]) -> tuple[int, str]:
    """(count, SHA-256) of rows with their chain values, oldest first: what a chain's start seals."""
    digest, count = hashlib.sha256(), 0
    for row, chain in rows:
        digest.update(payload(row) + b"\t" + (chain or "").encode("ascii") + b"\n")
        count += 1
    return count, digest.hexdigest()


def stored_rows(
    session: Session, *, below: int | None = None, from_id: int | None = None
) -> Iterator[tuple[Row, str | None]]:
    """Rows with their chain values, oldest first, streamed."""
    query = select(
        AuditEvent.id,
        AuditEvent.at,
        AuditEvent.actor,
        AuditEvent.action,
        AuditEvent.document_id,
        AuditEvent.detail,
        AuditEvent.chain,
    ).order_by(AuditEvent.id)
    if below is not None:
        query = query.where(AuditEvent.id < below)
    if from_id is not None:
        query = query.where(AuditEvent.id >= from_id)
    for found in session.execute(query.execution_options(yield_per=2000)):
        event_id, at, actor, action, document_id, detail, chain = found
        yield (event_id, at, actor, action, document_id, detail), chain


def chained(session: Session) -> bool:
    """Whether a chain was ever started on this database."""
    head = session.get(AuditHead, 1)
    marked = session.scalar(select(AuditEvent.id).where(AuditEvent.chain.is_not(None)).limit(1))
    return marked is not None or head is None or head.mac != ""


def site_key(session: Session, path: Path, *, new_key: bool = False) -> bytes:
    """The site key, made (and the chain started) on a database that has none yet. `new_key`: a lost
    key is replaced (the caller starts a new chain at once, sealing the rows before it)."""
    key = sitekey.read_key(path)
    if chained(session):
        if key is None and not new_key:
            raise sitekey.missing_key_error(path)
        return key if key is not None else sitekey.create_key(path)
    key = key if key is not None else sitekey.create_key(path)
    writer = ChainWriter(key)
    writer.lock(session)
    if not chained(session):  # another command may have started it meanwhile
        writer.start(session)
    return key
