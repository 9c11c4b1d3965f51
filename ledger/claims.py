"""Claims: which run processes which file now. The database decides (one claim per content, SHA-256),
whoever runs and on whichever machine: the daemon, `chartfile process`, several of each. A holder renews
its lease while it works; a claim is free again once its outcome is committed (the commit deletes its
row), its lease ran out, or its holder on this machine is gone (a crash)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from chartfile.errors import ChartfileError
from chartfile.ledger.db import transaction
from chartfile.ledger.holders import Holder, gone
from chartfile.ledger.models import Claim

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]


class ClaimedElsewhereError(ChartfileError):
    """Another chartfile run is processing this file (or the same bytes) now: this one moves on."""

    stage = "ingest"

    def __init__(self, message: str, *, hint: str = "", sha256: str = "", mine: bool = False) -> None:
        super().__init__(message, hint=hint)
        self.sha256 = sha256
        self.mine = mine  # held by another thread of this very process: wait for it (`ClaimBook.wait_free`)


class ClaimBook:
    """This process's claims: taken and released in the database, renewed while held. Each take has a
    ticket of its own (the row's `holder`), so a release never removes a later claim of the same bytes."""

    def __init__(
        self, sessions: sessionmaker[Session], *, holder: Holder, lease_seconds: float, clock: Clock
    ) -> None:
        self.holder = holder
        self._sessions = sessions
        self._lease = dt.timedelta(seconds=lease_seconds)
        self._clock = clock
        self._held: dict[str, str] = {}  # sha256 -> ticket
        self._taking: set[str] = set()  # tickets whose row is being written (not in the database yet)
        self._lock = threading.Lock()
        self._freed = threading.Condition(self._lock)
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def reserve(self, sha256: str) -> str:
        """A ticket for these bytes in this process, unless another thread's claim of them stands (then
        ClaimedElsewhereError with `mine`). Then `take` it in the transaction that journals the file."""
        while True:
            with self._freed:
                earlier = self._held.get(sha256)
                if earlier is None:
                    ticket = uuid.uuid4().hex
                    self._held[sha256] = ticket
                    self._taking.add(ticket)
                    return ticket
            if self._in_force(sha256, earlier):  # else it was forgotten (its outcome committed): again
                raise self._held_here(sha256)

    def take(self, session: Session, *, sha256: str, ticket: str, source_path: str, fingerprint: str) -> None:
        """Claim the bytes in the caller's transaction (its first write), or raise ClaimedElsewhereError
        naming the holder. After the commit: `taken`; on any failure: `forget`."""
        self._take(session, self._row(sha256, ticket, source_path, fingerprint))

    def taken(self, sha256: str, ticket: str, *, keep: bool) -> None:
        """The transaction that took the claim committed: renew it while held (`keep`), else let go."""
        with self._lock:
            self._taking.discard(ticket)
        if keep:
            self._start_renewing()
        else:
            self._forget(sha256, ticket)

    def forget(self, sha256: str, ticket: str) -> None:
        """The transaction that took the claim failed: nothing of it is in the database."""
        with self._lock:
            self._taking.discard(ticket)
        self._forget(sha256, ticket)

    def _take(self, session: Session, values: dict[str, Any]) -> None:
        sha256, now = values["sha256"], values["taken_at"]
        if _insert_new(session, values):
            return
        current = session.get(Claim, sha256, populate_existing=True)
        if current is None:  # released meanwhile
            if _insert_new(session, values):
                return
            current = session.get(Claim, sha256, populate_existing=True)
            assert current is not None
        if not self.stale(current, now):
            raise _elsewhere(current.holder_name, current.intake_id, sha256=sha256, mine=self._mine(current))
        taken = session.execute(
            update(Claim).where(Claim.sha256 == sha256, Claim.holder == current.holder).values(**values)
        )
        if getattr(taken, "rowcount", 1) != 1:
            raise _elsewhere("another chartfile run that took it over first", current.intake_id)
        log.info("took over a claim left by %s (document %s)", current.holder_name, current.intake_id)

    def _in_force(self, sha256: str, ticket: str) -> bool:
        """Whether this process's earlier claim of these bytes still stands: being taken now (its row not
        written yet), or its row there (its outcome not committed: the commit deletes the row)."""
        with transaction(self._sessions) as session:
            current = session.get(Claim, sha256)
            with self._lock:
                standing = ticket in self._taking or (current is not None and current.holder == ticket)
        if not standing:
            self._forget(sha256, ticket)
        return standing

    def _held_here(self, sha256: str) -> ClaimedElsewhereError:
        """Another thread of this process holds these bytes (a second file with the same content)."""
        with transaction(self._sessions) as session:
            current = session.get(Claim, sha256)
            intake_id = current.intake_id if current is not None else None
        return _elsewhere(self.holder.name, intake_id, sha256=sha256, mine=True)

    def wait_free(self, sha256: str) -> None:
        """Until this process no longer holds these bytes (another thread's outcome is committed)."""
        with self._freed:
            self._freed.wait_for(lambda: sha256 not in self._held)

    def stale(self, claim: Claim, now: dt.datetime) -> bool:
        """Its lease ran out, its holder is known gone (a crashed process on this machine), or it is
        this process's own and no longer held (a release that failed)."""
        if self._mine(claim):
            return claim.holder not in self._held.values()
        expires = claim.expires_at
        expires = expires.replace(tzinfo=dt.UTC) if expires.tzinfo is None else expires
        return expires <= now or gone(claim.host, claim.pid, claim.pid_started)

    def _mine(self, claim: Claim) -> bool:
        h = self.holder
        return (claim.host, claim.pid, claim.pid_started) == (h.host, h.pid, h.started)

    def attach(self, session: Session, sha256: str, intake_id: int) -> None:
        """Record the document id the claim's file was given (in the journal's own transaction)."""
        ticket = self._held.get(sha256, "")
        session.execute(
            update(Claim).where(Claim.sha256 == sha256, Claim.holder == ticket).values(intake_id=intake_id)
        )

    def drop(self, sha256: str) -> None:
        """Let go of a claim (its outcome committed, or given up); its row goes unless another run has it.
        A committed outcome deleted the row already: then this only reads (no write, no lock)."""
        ticket = self._held.get(sha256)
        if ticket is None:
            return
        self._forget(sha256, ticket)
        try:
            with transaction(self._sessions) as session:
                current = session.get(Claim, sha256)
                if current is not None and current.holder == ticket:
                    session.execute(delete(Claim).where(Claim.sha256 == sha256, Claim.holder == ticket))
        except OperationalError as e:  # its lease runs out by itself: nobody renews it any more
            log.warning("a claim could not be released now (%s); it expires by itself", type(e).__name__)

    def _forget(self, sha256: str, ticket: str) -> None:
        with self._freed:
            if self._held.get(sha256) == ticket:
                del self._held[sha256]
                self._freed.notify_all()

    def release_intake(self, session: Session, intake_id: int) -> None:
        """Free the claim of a document recovery has settled (its holder gone), in recovery's unit."""
        for claim in list(session.scalars(select(Claim).where(Claim.intake_id == intake_id))):
            self._forget(claim.sha256, claim.holder)
            session.delete(claim)

    def clear_stale(self, session: Session) -> int:
        """Remove claims whose holder is gone or whose lease ran out (start-up recovery); how many."""
        now, cleared = self._clock(), 0
        for claim in list(session.scalars(select(Claim))):
            if self.stale(claim, now):
                session.delete(claim)
                cleared += 1
        return cleared

    def live_intakes(self, session: Session) -> set[int]:
        """Document ids another live run holds now (recovery leaves them to it)."""
        now = self._clock()
        return {
            c.intake_id
            for c in session.scalars(select(Claim))
            if c.intake_id is not None and not self._mine(c) and not self.stale(c, now)
        }

    def holder_of(self, session: Session, source_path: str, fingerprint: str) -> str | None:
        """The name of the live run (not this one) that holds this very file now, if any."""
        now = self._clock()
        same = select(Claim).where(Claim.source_path == source_path, Claim.source_fingerprint == fingerprint)
        for claim in session.scalars(same):
            if not self._mine(claim) and not self.stale(claim, now):
                return claim.holder_name
        return None

    def close(self) -> None:
        """Stop renewing, and let go of whatever is still held."""
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join(timeout=10)
        for sha256 in list(self._held):
            self.drop(sha256)

    def _row(self, sha256: str, ticket: str, source_path: str, fingerprint: str) -> dict[str, Any]:
        h, now = self.holder, self._clock()
        return {
            "sha256": sha256,
            "intake_id": None,
            "source_path": source_path,
            "source_fingerprint": fingerprint,
            "holder": ticket,
            "holder_name": h.name,
            "host": h.host,
            "pid": h.pid,
            "pid_started": h.started,
            "taken_at": now,
            "expires_at": now + self._lease,
        }

    def _start_renewing(self) -> None:
        with self._lock:
            if self._renewer is None:
                self._renewer = threading.Thread(target=self._renew_loop, name="claims", daemon=True)
                self._renewer.start()

    def _renew_loop(self) -> None:
        while not self._stop.wait(self._lease.total_seconds() / 4):
            with self._lock:
                tickets = list(self._held.values())
            if tickets:
                self._renew(tickets)

    def _renew(self, tickets: list[str]) -> None:
        try:
            with transaction(self._sessions) as session:
                session.execute(
                    update(Claim)
                    .where(Claim.holder.in_(tickets))
                    .values(expires_at=self._clock() + self._lease)
                )
        except OperationalError as e:
            log.warning("claims could not be renewed now (%s); trying again", type(e).__name__)


def _insert_new(session: Session, values: dict[str, Any]) -> bool:
    """Insert the claim unless one for these bytes exists (atomic in the database); True if inserted."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        statement: Any = sqlite.insert(Claim).values(**values).on_conflict_do_nothing()
    elif dialect == "postgresql":
        statement = postgresql.insert(Claim).values(**values).on_conflict_do_nothing()
    else:  # pragma: no cover - chartfile runs on SQLite and PostgreSQL
        statement = insert(Claim).values(**values)
    # RETURNING says whether the row went in (an ORM insert's rowcount is not reliable on every driver)
    return session.execute(statement.returning(Claim.sha256)).first() is not None


def _elsewhere(
    holder_name: str, intake_id: int | None, *, sha256: str = "", mine: bool = False
) -> ClaimedElsewhereError:
    there = f": document {intake_id} is being processed there" if intake_id is not None else ""
    return ClaimedElsewhereError(
        f"already being processed by {holder_name}{there}",
        hint="nothing to do: that run files it (or it is taken again once that run is gone)",
        sha256=sha256,
        mine=mine,
    )
