"""The claim stage: copy an inbox file into its own work folder, hash it, journal it before any work."""

from __future__ import annotations

import datetime as dt
import errno
import logging
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from chartfile.errors import ChartfileError, DatabaseError, StoreError, UnreadableFileError
from chartfile.ingest.sniff import sniff
from chartfile.ledger import files
from chartfile.ledger.db import audit, transaction
from chartfile.ledger.models import Intake
from chartfile.ledger.store import FileStore
from chartfile.records import FileKind, IncomingFile
from chartfile.settings import PathSettings

log = logging.getLogger(__name__)

_SUFFIX = {FileKind.PDF: ".pdf", FileKind.TIFF: ".tif", FileKind.PNG: ".png", FileKind.JPEG: ".jpg"}
_DISK_FAULTS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)
OPEN_STATES = ("claimed", "failed")
STAGING_PREFIX = ".claim-"
STORE_INTENT = "store-intent"


class FileChangedError(ChartfileError):
    """The inbox file changed while it was being copied: it is still being written; take it later."""

    stage = "ingest"


@dataclass(frozen=True, slots=True)
class _Staged:
    folder: Path
    copy: Path
    fingerprint: str
    sha256: str
    size_bytes: int
    kind: FileKind | None


def claim(
    path: Path, *, work_root: Path, sessions: sessionmaker[Session], now: dt.datetime, consume: bool = True
) -> IncomingFile | None:
    """Journal `path` and give it a work folder; None when it was already fully processed.

    The inbox file itself is left alone: it is removed only after the result is committed.
    A file claimed before (a crash, or a machine fault) keeps its document id.
    """
    staged = _stage(path, work_root)
    try:
        incoming = _journal_claim(
            path, staged, work_root=work_root, sessions=sessions, now=now, consume=consume
        )
        if incoming is not None:
            discard_attempt(incoming.work_dir)  # an earlier, interrupted attempt: start again
            staged.folder.rename(incoming.work_dir)
        return incoming
    except OperationalError as e:
        raise DatabaseError(
            f"cannot journal an inbox file ({e.orig})",
            hint="the database is busy or not writable; chartfile retries, the file stays in the inbox",
        ) from e
    except OSError as e:
        raise _work_folder_error(work_root, e) from e
    finally:
        shutil.rmtree(staged.folder, ignore_errors=True)  # gone already once moved into place


def _stage(path: Path, work_root: Path) -> _Staged:
    """Copy the inbox file into a private staging folder; fails if it changes meanwhile."""
    folder = work_root / f"{STAGING_PREFIX}{uuid.uuid4().hex}"
    try:
        folder.mkdir(parents=True, mode=0o700)
    except OSError as e:
        raise _work_folder_error(work_root, e) from e
    try:
        before = files.fingerprint(path)
        sha256 = files.durable_copy(path, folder / "original")
        if files.fingerprint(path) != before:
            raise FileChangedError(
                f"an inbox file in {path.parent} changed while it was being copied",
                hint="it is taken once it has stopped changing",
            )
        kind = sniff(folder / "original")
        copy = folder / ("original" + (_SUFFIX[kind] if kind else ".bin"))
        (folder / "original").rename(copy)
        return _Staged(folder, copy, before, sha256, copy.stat().st_size, kind)
    except BaseException as e:
        shutil.rmtree(folder, ignore_errors=True)
        if not isinstance(e, OSError):
            raise
        if e.errno in _DISK_FAULTS or (e.filename and Path(str(e.filename)).is_relative_to(work_root)):
            raise _work_folder_error(work_root, e) from e
        raise _unreadable(path, e) from e


def _unreadable(path: Path, e: OSError) -> UnreadableFileError:
    """Names the file by folder and inode, never by its name (which may hold a patient's name)."""
    try:
        which = f"inode {path.lstat().st_ino} in {path.parent}"
    except OSError:
        which = f"a file in {path.parent} (it is gone now)"
    return UnreadableFileError(
        f"cannot read {which} ({e.strerror or type(e).__name__})",
        hint=f"`find {path.parent} -inum INODE` shows it; check its permissions; chartfile leaves it there",
    )


def _work_folder_error(work_root: Path, e: OSError) -> StoreError:
    return StoreError(
        f"cannot write into the work folder {work_root} ({e.strerror or type(e).__name__})",
        hint="check free disk space and that the work folder is writable; the input is kept",
    )


def _journal_claim(
    path: Path,
    staged: _Staged,
    *,
    work_root: Path,
    sessions: sessionmaker[Session],
    now: dt.datetime,
    consume: bool,
) -> IncomingFile | None:
    with transaction(sessions) as session:
        prior = _prior_claim(session, path, staged)
        if prior is not None and prior.state == "done" and consume and prior.sha256 == staged.sha256:
            log.info("document %d: already committed; removing its leftover inbox file", prior.id)
            files.remove_durably(path)
            return None
        intake = _journal(session, prior, path, staged, now=now)
        session.flush()
        intake.work_path = str(work_root / str(intake.id))
        audit(session, "received", intake.id, sha256=staged.sha256, attempt=intake.attempts)
        return _incoming(intake, staged)


def _prior_claim(session: Session, path: Path, staged: _Staged) -> Intake | None:
    """The claim of this very file; else an unfinished claim of the same bytes at the same path."""
    same_path = select(Intake).where(Intake.source_path == str(path)).order_by(Intake.id.desc())
    exact = session.scalars(same_path.where(Intake.source_fingerprint == staged.fingerprint)).first()
    if exact is not None:
        return exact
    unfinished = same_path.where(Intake.sha256 == staged.sha256, Intake.state.in_(OPEN_STATES))
    return session.scalars(unfinished).first()


def _journal(
    session: Session, prior: Intake | None, path: Path, staged: _Staged, *, now: dt.datetime
) -> Intake:
    kind = staged.kind.value if staged.kind else "unknown"
    if prior is not None and prior.state in OPEN_STATES and prior.sha256 == staged.sha256:
        prior.state, prior.attempts = "claimed", prior.attempts + 1
        prior.source_fingerprint, prior.kind = staged.fingerprint, kind
        return prior
    intake = Intake(
        source_path=str(path),
        source_name=path.name,
        source_fingerprint=staged.fingerprint,
        sha256=staged.sha256,
        size_bytes=staged.size_bytes,
        kind=kind,
        work_path="",
        state="claimed",
        attempts=1,
        last_error="",
        claimed_at=now,
    )
    session.add(intake)
    return intake


def _incoming(intake: Intake, staged: _Staged) -> IncomingFile:
    work_dir = Path(intake.work_path)
    return IncomingFile(
        intake_id=intake.id,
        source_path=Path(intake.source_path),
        source_name=intake.source_name,
        work_copy=work_dir / staged.copy.name,
        work_dir=work_dir,
        sha256=intake.sha256,
        size_bytes=intake.size_bytes,
        kind=staged.kind,
        received_at=intake.claimed_at,
    )


def release_source(incoming: IncomingFile) -> None:
    """Remove the inbox file: call only after the outcome is committed.

    Only a file that still holds the claimed bytes is removed; one rewritten since is taken again later.
    """
    source = incoming.source_path
    if files.holds(source, sha256=incoming.sha256, size_bytes=incoming.size_bytes):
        files.remove_durably(source)
    elif source.exists():
        log.warning(
            "document %d: its inbox file changed since it was claimed; taken again", incoming.intake_id
        )


class JournaledStore(FileStore):
    """Notes each store path in the document's work folder before writing it.

    A crash between writing the store files and committing the row leaves that note behind, so start-up
    (or the next claim of the same file) can remove the half-filed files: the store holds no orphans.
    """

    def __init__(self, root: Path, *, work_root: Path) -> None:
        super().__init__(root)
        self.work_root = work_root

    def put(self, src: Path, dst: Path) -> str:
        if src.is_relative_to(self.work_root):
            work_dir = self.work_root / src.relative_to(self.work_root).parts[0]
            try:
                files.append_line(work_dir / STORE_INTENT, str(dst))
            except OSError as e:
                raise _work_folder_error(self.work_root, e) from e
        return super().put(src, dst)


def discard_attempt(work_dir: Path) -> None:
    """Undo an unfinished attempt: the store files it noted it was writing, then its work folder."""
    intent = work_dir / STORE_INTENT
    if intent.is_file():
        for line in intent.read_text(encoding="utf-8").splitlines():
            if line.strip():
                files.partial_path(Path(line)).unlink(missing_ok=True)
                Path(line).unlink(missing_ok=True)
    shutil.rmtree(work_dir, ignore_errors=True)


@dataclass(frozen=True, slots=True)
class Recovery:
    """What start-up found: claims put back into the inbox, claims with no copy left, folders cleared."""

    restored: tuple[int, ...]
    withdrawn: tuple[int, ...]
    cleared: int


def recover(paths: PathSettings, *, sessions: sessionmaker[Session], now: dt.datetime) -> Recovery:
    """Start-up, before anything is claimed: finish or undo what a crash left half done.

    Staging folders (a crash before the journal row) are removed: their file is still in the inbox.
    An open claim whose inbox file still holds its bytes is claimed again by the scan, under its id; one
    whose inbox file is gone (or holds other bytes now) is put back into the inbox from its work copy.
    Only the one daemon that holds the work folder may call this: it removes every work folder.
    """
    outcomes: dict[str, list[int]] = {"pending": [], "restored": [], "withdrawn": []}
    with transaction(sessions) as session:
        open_ids = list(session.scalars(select(Intake.id).where(Intake.state.in_(OPEN_STATES))))
    for intake_id in open_ids:
        outcomes[_recover_claim(intake_id, paths, sessions=sessions, now=now)].append(intake_id)
    cleared = 0
    for entry in sorted(paths.work.iterdir()):
        if entry.is_dir() and (entry.name.startswith(STAGING_PREFIX) or entry.name.isdigit()):
            shutil.rmtree(entry, ignore_errors=True)  # the store files of a finished one are its row's
            cleared += 1
    return Recovery(tuple(outcomes["restored"]), tuple(outcomes["withdrawn"]), cleared)


def _recover_claim(
    intake_id: int, paths: PathSettings, *, sessions: sessionmaker[Session], now: dt.datetime
) -> str:
    work_dir = paths.work / str(intake_id)
    leftovers = sorted(paths.quarantine.glob(f"{intake_id:06d}.*"))  # quarantined, not yet committed
    with transaction(sessions) as session:
        intake = session.get(Intake, intake_id)
        assert intake is not None
        copy = _surviving_copy(intake, [*sorted(work_dir.glob("original.*")), *leftovers])
        if files.holds(Path(intake.source_path), sha256=intake.sha256, size_bytes=intake.size_bytes):
            outcome = "pending"
        elif copy is not None:
            target = _restore_target(intake, copy, paths.inbox)
            if files.durable_copy(copy, target) != intake.sha256:
                raise OSError(f"document {intake_id}: the copy put back into the inbox did not verify")
            intake.source_path, intake.source_fingerprint = str(target), files.fingerprint(target)
            audit(session, "restored", intake_id, path=str(target))
            outcome = "restored"
        else:
            intake.state, intake.finished_at = "withdrawn", now
            intake.last_error = "the inbox file was removed before it was processed and no copy is left"
            audit(session, "withdrawn", intake_id)
            outcome = "withdrawn"
    discard_attempt(work_dir)
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    return outcome


def _surviving_copy(intake: Intake, candidates: list[Path]) -> Path | None:
    for candidate in candidates:
        if candidate.suffix not in (".json", ".partial") and files.holds(
            candidate, sha256=intake.sha256, size_bytes=intake.size_bytes
        ):
            return candidate
    return None


def _restore_target(intake: Intake, copy: Path, inbox: Path) -> Path:
    """Its own inbox path when that is free; else a name of its own (never overwrite another file)."""
    source = Path(intake.source_path)
    if source.is_relative_to(inbox) and not source.exists() and not source.is_symlink():
        return source
    return inbox / f"restored-{intake.id:06d}{copy.suffix}"
