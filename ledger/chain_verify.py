"""Verifying the audit trail: the chain from its newest start, the rows that start seals, the head, and
the guard triggers. The first break is reported by row id, with what it means."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chartfile.errors import AuditTrailError
from chartfile.ledger import guards
from chartfile.ledger.chain import head_mac, link, rows_digest, seed, stored_rows
from chartfile.ledger.models import AuditEvent, AuditHead


@dataclass(frozen=True, slots=True)
class Break:
    """The first place the audit trail is not as chartfile wrote it."""

    row_id: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """What `audit verify` found."""

    rows: int  # audit rows in the table
    chained: int  # rows verified link by link, from the chain's start
    sealed: int  # rows before that start, verified by the digest the head keeps
    start_id: int | None  # the row the chain starts at (None: not started)
    restarts: int  # breaks IT resealed (`chartfile audit reseal`)
    broken: Break | None
    missing_guards: tuple[str, ...]
    guards_checked: bool

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.missing_guards

    def as_json(self) -> dict[str, Any]:
        broken = None if self.broken is None else {"row_id": self.broken.row_id, "reason": self.broken.reason}
        return {
            "ok": self.ok,
            "rows": self.rows,
            "chained": self.chained,
            "sealed": self.sealed,
            "start_id": self.start_id,
            "restarts": self.restarts,
            "first_break": broken,
            "missing_guards": list(self.missing_guards),
            "guards_checked": self.guards_checked,
        }


RESEALED = "audit-resealed"  # IT started the chain again after a break (`chartfile audit reseal`)


def verify(session: Session, key: bytes) -> ChainReport:
    """Check the whole trail; `broken` is the first break found (None: every row verifies)."""
    rows = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    head = session.get(AuditHead, 1)
    broken = _head_broken(session, key, head)
    sealed = walked = 0
    if broken is None and head is not None and head.mac:
        sealed, broken = _sealed(session, head)
        if broken is None:
            walked, broken = _walk(session, key, head)
    restarts = session.scalar(select(func.count()).where(AuditEvent.action == RESEALED)) or 0
    return ChainReport(
        rows=rows,
        chained=walked,
        sealed=sealed,
        start_id=head.start_id if head is not None and head.mac else None,
        restarts=restarts,
        broken=broken,
        missing_guards=tuple(guards.missing(session)),
        guards_checked=guards.checked(session),
    )


def _head_broken(session: Session, key: bytes, head: AuditHead | None) -> Break | None:
    if head is None:
        return Break(None, "the chain's head row was deleted (outside chartfile)")
    if head.mac == "":
        marked = session.scalar(select(AuditEvent.id).where(AuditEvent.chain.is_not(None)).limit(1))
        return None if marked is None else Break(None, "the chain's head was reset (outside chartfile)")
    if head.mac != head_mac(key, head):
        return Break(None, _HEAD_BROKEN)
    return None


_HEAD_BROKEN = (
    "the chain's head does not verify: rows were deleted from its end or the head was edited "
    "(outside chartfile), or the site key is not this database's"
)


def _sealed(session: Session, head: AuditHead) -> tuple[int, Break | None]:
    """The rows before the chain's start, against the count and digest the head keeps."""
    count, digest = rows_digest(stored_rows(session, below=head.start_id))
    if (count, digest) != (head.sealed_rows, head.sealed_sha256):
        why = f"rows older than the chain's start (row {head.start_id}) were changed, added or deleted"
        return count, Break(head.start_id, why)
    return count, None


def _walk(session: Session, key: bytes, head: AuditHead) -> tuple[int, Break | None]:
    """Every row from the start, link by link, then the head: the first row that does not verify."""
    expected = head.start_id
    previous, checked = seed(key, head.start_id, head.sealed_rows, head.sealed_sha256), 0
    for row, chain in stored_rows(session, from_id=head.start_id):
        if row[0] != expected:
            return checked, Break(expected, _missing(expected, row[0] - 1))
        if chain != link(key, previous, row):
            return checked, Break(row[0], _FORGED.format(row[0]))
        previous, expected, checked = chain, expected + 1, checked + 1
    last = expected - 1
    if last < head.last_id:
        return checked, Break(last + 1, _missing(last + 1, head.last_id) + " (the newest rows)")
    if previous != head.last_hash:
        return checked, Break(last, _FORGED.format(last))
    return checked, None


_FORGED = (
    "row {} does not verify with the site key: it was edited, or written outside chartfile "
    "(a forged or back-dated row)"
)


def _missing(first: int, last: int) -> str:
    which = f"row {first} is" if first == last else f"rows {first} to {last} are"
    return f"{which} missing: deleted outside chartfile"


def integrity_error(report: ChainReport) -> AuditTrailError | None:
    """What refuses a daemon's start (and fails `db check`): a broken chain or missing guards."""
    if report.broken is not None:
        where = f"at row {report.broken.row_id}" if report.broken.row_id is not None else "at its head"
        return AuditTrailError(
            f"the audit trail is broken {where}: {report.broken.reason}",
            hint="IT: run `chartfile audit verify` for the details; restore the database from a backup "
            "taken before the break, or, once it is understood, `chartfile audit reseal --reason TEXT` "
            "records the break and starts the chain again (README, Audit trail)",
        )
    if report.missing_guards:
        return AuditTrailError(
            "the audit trail's guard triggers are missing or altered: " + ", ".join(report.missing_guards),
            hint="IT: `chartfile db check --repair` puts them back (audited); rows may have been changed "
            "meanwhile: `chartfile audit verify` says whether they were",
        )
    return None
