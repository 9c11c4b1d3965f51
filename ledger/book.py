"""The ledger: the database, the store and the work folder of one installation, and its units of work."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from chartfile.ledger import journal
from chartfile.ledger.chain import ChainWriter, site_key
from chartfile.ledger.chain_verify import RESEALED, ChainReport, integrity_error, verify
from chartfile.ledger.claims import ClaimBook
from chartfile.ledger.db import make_engine, migrate, session_factory, transaction
from chartfile.ledger.holders import Holder
from chartfile.ledger.models import Document
from chartfile.ledger.store import FileStore, StoreLayout
from chartfile.ledger.unit import Unit, work_folder_error
from chartfile.settings import DatabaseSettings, PathSettings, Settings

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True, slots=True)
class Ledger:
    """What every change needs: sessions, the store, the folders, the clock and actor of the edge, the
    site key of the audit chain and this process's claims."""

    sessions: sessionmaker[Session]
    store: FileStore
    paths: PathSettings
    clock: Clock
    actor: str
    claims: ClaimBook
    audit_key: bytes = field(repr=False)
    targets: tuple[str, ...] = ()  # the EHR delivery targets enabled: each outcome queues a message to each
    station: str = ""  # this machine's station: the intake rows it takes (and recovers) are its own

    @property
    def layout(self) -> StoreLayout:
        return StoreLayout(self.paths.store)

    @contextmanager
    def reading(self, *, snapshot: bool = False) -> Iterator[Session]:
        """A session for reads (committed at the end, so a read may add audit rows through a unit).

        `snapshot`: every query sees the database as of the first (SQLite's read transactions always do;
        PostgreSQL's default, read committed, sees each statement's own, with other stations writing)."""
        with transaction(self.sessions) as session:
            if snapshot and session.get_bind().dialect.name == "postgresql":
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            yield session

    @contextmanager
    def unit(self, *, journal_dir: Path | None = None) -> Iterator[Unit]:
        """One unit of work. Its journal goes into `journal_dir` (a claim's work folder) or a unit folder
        of its own, made (and locked) when the first file is written; kept if undoing the unit failed."""
        own = _LazyUnitFolder(self.paths.work, journal_dir)
        stores = (self.store, FileStore(self.paths.quarantine))
        work: Unit | None = None
        try:
            with transaction(self.sessions) as session:
                work = Unit(
                    session,
                    stores=stores,
                    layout=self.layout,
                    folder=own.path,
                    work_root=self.paths.work,
                    now=self.clock(),
                    actor=self.actor,
                    chain=ChainWriter(self.audit_key),
                    targets=self.targets,
                )
                yield work
        except BaseException:
            own.settle(work.undo if work is not None else None)
            raise
        own.settle(work.finish)

    @contextmanager
    def work_folder(self) -> Iterator[Path]:
        """A private folder below the work root, locked while in use: its journal, if any, is applied by
        a later command's recovery should this one crash."""
        try:
            folder = journal.UnitFolder(self.paths.work, uuid.uuid4().hex)
        except OSError as e:
            raise work_folder_error(self.paths.work, e) from e
        try:
            yield folder.path
        finally:
            folder.close()

    def expected_sha256(self, path: Path) -> str | None:
        """What a document row records for `path`: its SHA-256, "" (kept, unchecked), or None (no row)."""
        text = str(path)
        with self.reading() as session:
            query = select(Document).where(
                or_(
                    Document.stored_path == text,
                    Document.original_path == text,
                    Document.quarantine_path == text,
                )
            )
            # a duplicate's row names its original's files: the original's row records their bytes
            doc = session.scalars(query.order_by(Document.duplicate_of.is_not(None), Document.id)).first()
            if doc is not None:
                return (doc.stored_sha256 or "") if doc.stored_path == text else doc.sha256
            if path.suffix == ".json":  # a quarantine note belongs with the file it sits beside
                stem = f"{path.with_suffix('')}."
                beside = select(Document.id).where(Document.quarantine_path.startswith(stem, autoescape=True))
                return "" if session.scalars(beside.limit(1)).first() is not None else None
        return None

    def verify_audit(self) -> ChainReport:
        """The audit trail checked row by row with the site key, and its guard triggers."""
        with self.reading(snapshot=True) as session:  # one moment, while other stations append
            return verify(session, self.audit_key)

    def require_intact_audit(self) -> ChainReport:
        """The same, raising AuditTrailError (for IT) on a broken chain or a missing guard."""
        report = self.verify_audit()
        error = integrity_error(report)
        if error is not None:
            raise error
        return report

    def reseal_audit(self, reason: str) -> ChainReport:
        """Start the chain again after a break IT has looked into: the new start seals every row before
        it (the break included) and records why; the report from before."""
        before = self.verify_audit()
        broken = before.broken
        with transaction(self.sessions) as session:
            writer = ChainWriter(self.audit_key)
            head = writer.start(session)
            writer.append(
                session,
                at=self.clock(),
                actor=self.actor,
                action=RESEALED,
                document_id=None,
                detail={
                    "reason": reason,
                    "sealed_rows": head.sealed_rows,
                    "broken_at": None if broken is None else broken.row_id,
                    "broken": None if broken is None else broken.reason,
                },
            )
        return before

    def undo_abandoned_units(self) -> int:
        """Apply the journal of every unit folder a crashed command left; how many there were."""
        abandoned = journal.abandoned_units(self.paths.work)
        for folder in abandoned:
            journal.undo(folder, self.expected_sha256)
        for folder in journal.abandoned_starts(self.paths.work):  # killed while opening: nothing in it
            shutil.rmtree(folder, ignore_errors=True)
        return len(abandoned)


def private_umask() -> None:
    """Everything chartfile creates is readable by the service user only."""
    os.umask(0o077)


def prepare_folders(paths: PathSettings) -> None:
    for folder in (paths.inbox, paths.store, paths.quarantine, paths.work):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)


@contextmanager
def ledger_for(
    settings: Settings,
    *,
    clock: Clock,
    actor: str,
    program: str = "chartfile",
    new_audit_key: bool = False,
) -> Iterator[Ledger]:
    """`open_ledger` as every edge of a configured site opens it: its folders and database, the EHR
    targets its outcomes queue messages for, and its station (whose intake rows it takes and recovers)."""
    with open_ledger(
        settings.paths,
        settings.database,
        clock=clock,
        actor=actor,
        program=program,
        new_audit_key=new_audit_key,
        targets=settings.ehr.targets(),
        station=settings.station.resolved_name(),
    ) as ledger:
        yield ledger


@contextmanager
def open_ledger(
    paths: PathSettings,
    database: DatabaseSettings,
    *,
    clock: Clock,
    actor: str,
    program: str = "chartfile",
    new_audit_key: bool = False,
    targets: tuple[str, ...] = (),
    station: str = "",
) -> Iterator[Ledger]:
    """The migrated database and the folders (private), with what a crashed command left undone.

    `program` names this run in its claims ("already being processed by chartfile watch (pid ...)").
    `new_audit_key`: make a site key even though the trail was started with one that is lost (only for
    `chartfile audit reseal --new-key`: the new chain's start seals the old rows)."""
    private_umask()
    prepare_folders(paths)
    engine = make_engine(database)
    migrate(engine)
    try:
        sessions = session_factory(engine)
        with transaction(sessions) as session:
            key = site_key(session, paths.audit_key, new_key=new_audit_key)
        holder = Holder.this_process(program, actor)
        claims = ClaimBook(sessions, holder=holder, lease_seconds=database.claim_lease_seconds, clock=clock)
        ledger = Ledger(sessions, FileStore(paths.store), paths, clock, actor, claims, key, targets, station)
        try:
            ledger.undo_abandoned_units()
            yield ledger
        finally:
            claims.close()
    finally:
        engine.dispose()


class _LazyUnitFolder:
    """A unit's journal folder: the one given, or a locked unit folder made on first use."""

    def __init__(self, work_root: Path, given: Path | None) -> None:
        self._work_root = work_root
        self._given = given
        self._made: journal.UnitFolder | None = None

    def path(self) -> Path:
        if self._given is not None:
            return self._given
        if self._made is None:
            try:
                self._made = journal.UnitFolder(self._work_root, uuid.uuid4().hex)
            except OSError as e:
                raise work_folder_error(self._work_root, e) from e
        return self._made.path

    def settle(self, last_step: Callable[[], None] | None) -> None:
        """Run the unit's last file step (undo or finish), then remove the folder; should the step fail,
        only unlock it: its journal is left for recovery."""
        try:
            if last_step is not None:
                last_step()
        except BaseException:
            if self._made is not None:
                self._made.close(remove=False)
            raise
        if self._made is not None:
            self._made.close()
