"""The claim stage: copy an inbox file into a private staging folder and hash it; the ledger journals it
before any work. The inbox file is removed only after its outcome is committed (`release_source`)."""

from __future__ import annotations

import errno
import logging
import stat
from pathlib import Path

from sqlalchemy.exc import OperationalError

from chartfile.errors import ChartfileError, InputError, UnreadableFileError
from chartfile.ingest.sniff import sniff
from chartfile.ledger import Ledger, files
from chartfile.ledger.claims import ClaimedElsewhereError
from chartfile.ledger.db import database_fault
from chartfile.ledger.intake import Staged, open_claim
from chartfile.ledger.unit import work_folder_error
from chartfile.records import FileKind, IncomingFile

log = logging.getLogger(__name__)

_SUFFIX = {FileKind.PDF: ".pdf", FileKind.TIFF: ".tif", FileKind.PNG: ".png", FileKind.JPEG: ".jpg"}
_DISK_FAULTS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)


class FileChangedError(ChartfileError):
    """The inbox file changed while it was being copied: it is still being written; take it later."""

    stage = "ingest"


class SourceGoneError(ChartfileError):
    """The inbox file went before it could be claimed: another run took it, or its sender removed it."""

    stage = "ingest"


class UnsafeNameError(InputError):
    """The inbox file's name is not valid UTF-8: it is quarantined under its document id (the note keeps
    the name's bytes, escaped) instead of being retried for ever."""


class NotRegularFileError(UnreadableFileError):
    """A symbolic link, FIFO, socket or device in the inbox: never followed nor read; skipped (it is
    never claimed, so never quarantined: a link may point at any file on the machine)."""


def claim(
    path: Path, ledger: Ledger, *, consume: bool = True, folder: Path | None = None
) -> IncomingFile | None:
    """Journal `path` and give it a work folder; None when it was already fully processed.

    The inbox file itself is left alone: it is removed only after the result is committed.
    A file claimed before (a crash, or a machine fault) keeps its document id.
    `folder`: a locked folder (`Ledger.work_folder`) that the caller holds until the outcome is
    committed; it becomes the claim's work folder, so that no other command's recovery touches the
    claim meanwhile. Without it the claim's folder is unlocked once this returns.
    """
    if folder is None:
        with ledger.work_folder() as own:
            return claim(path, ledger, consume=consume, folder=own)
    work_root = ledger.paths.work
    try:
        _not_taken(path, ledger)
        staged = _stage(path, folder, work_root)
        return open_claim(ledger, path, staged, consume=consume)
    except OperationalError as e:
        raise database_fault(e, subject="cannot journal an inbox file: ") from e
    except OSError as e:
        raise work_folder_error(work_root, e) from e


def _not_taken(path: Path, ledger: Ledger) -> None:
    """Before copying: another live run that holds this very file now (the database's claim) wins."""
    try:
        fingerprint = files.fingerprint(path)
    except OSError:
        return  # staging says what is wrong with it
    with ledger.reading() as session:
        holder = ledger.claims.holder_of(session, files.text_of(path), fingerprint)
    if holder is not None:
        raise ClaimedElsewhereError(
            f"already being processed by {holder}", hint="nothing to do: that run files it"
        )


def _stage(path: Path, folder: Path, work_root: Path) -> Staged:
    """Copy the inbox file into the private staging folder; fails if it changes meanwhile."""
    try:
        _regular(path)
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
        return Staged(folder, copy, before, sha256, copy.stat().st_size, kind)
    except FileNotFoundError as e:
        if e.filename and Path(str(e.filename)).is_relative_to(work_root):
            raise work_folder_error(work_root, e) from e
        raise SourceGoneError(
            f"an inbox file in {path.parent} was gone before it could be claimed",
            hint="nothing to do: another chartfile run took it, or its sender removed it",
        ) from e
    except OSError as e:
        if e.errno in _DISK_FAULTS or (e.filename and Path(str(e.filename)).is_relative_to(work_root)):
            raise work_folder_error(work_root, e) from e
        if e.errno == errno.ELOOP:  # replaced by a link since it was looked at
            raise _not_regular(path, "a symbolic link") from e
        raise _unreadable(path, e) from e


_KINDS = {stat.S_IFLNK: "a symbolic link", stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket"}


def _regular(path: Path) -> None:
    """Only a regular file is read: a link is never followed (it may point anywhere, /etc/passwd)."""
    mode = path.lstat().st_mode
    if not stat.S_ISREG(mode):
        raise _not_regular(path, _KINDS.get(stat.S_IFMT(mode), "a device or special file"))


def _not_regular(path: Path, kind: str) -> NotRegularFileError:
    try:
        which = f"inode {path.lstat().st_ino} in {path.parent}"
    except OSError:
        which = f"a file in {path.parent}"
    return NotRegularFileError(
        f"skipped {which}: {kind}, not a regular file; chartfile does not follow or read it",
        hint=f"`find {path.parent} -inum INODE` shows it; remove it, or put the file itself there",
    )


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


def check_name(incoming: IncomingFile) -> None:
    """The first step of the chain for an inbox file: a name that is not text is bad input."""
    if not files.is_text(incoming.source_path.name):
        raise UnsafeNameError(
            f"document {incoming.intake_id}: the file's name is not valid UTF-8 text",
            hint="the note's source_name gives the name's bytes (escaped); rename the file (or fix the "
            "sender's character set) and drop it into the inbox again",
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
