"""The crash journal: every store file a unit of work writes or replaces is noted before it is touched.

A crash (kill -9, power cut) between writing the store files and committing the rows leaves the note
behind. Undoing it is one rule for every kind of work: a noted file that no document row refers to is
removed (it was never committed, or it was superseded by a committed change); a file that a row refers
to but whose bytes are not the ones the row records is put back from its noted backup.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chartfile.ledger import files

INTENT = "store-intent"
LOCK = ".lock"
UNIT_PREFIX = "unit-"

Expected = Callable[[Path], "str | None"]  # the SHA-256 a document row records for a path, or None


@dataclass(frozen=True, slots=True)
class Entry:
    """One noted store file and, when it replaced a file at the same path, where the old bytes are."""

    path: Path
    backup: Path | None = None


def note(folder: Path, entry: Entry) -> None:
    """Append `entry` to the journal in `folder`, durably, before the store file is written."""
    line = str(entry.path) if entry.backup is None else f"{entry.path}\t{entry.backup}"
    files.append_line(folder / INTENT, line)


def entries(folder: Path) -> list[Entry]:
    intent = folder / INTENT
    if not intent.is_file():
        return []
    found = []
    for line in intent.read_text(encoding="utf-8").splitlines():
        path, _, backup = line.partition("\t")
        if path.strip():
            found.append(Entry(Path(path), Path(backup) if backup else None))
    return found


def undo(folder: Path, expected: Expected) -> None:
    """Apply the rule to every noted file, newest first, then remove the folder."""
    for entry in reversed(entries(folder)):
        files.partial_path(entry.path).unlink(missing_ok=True)
        want = expected(entry.path)
        if want is None:
            entry.path.unlink(missing_ok=True)
        elif want and entry.backup is not None and entry.backup.is_file() and not _holds(entry.path, want):
            files.durable_copy(entry.backup, entry.path)
    shutil.rmtree(folder, ignore_errors=True)


def _holds(path: Path, sha256: str) -> bool:
    try:
        return files.sha256_of(path) == sha256
    except OSError:
        return False


_JUST_CREATED_SECONDS = 0.2
_NO_LOCK_SECONDS = 60.0


class UnitFolder:
    """A unit of work's own folder below the work root: its journal and scratch files, locked while open.

    The lock tells recovery (run by any later command) that the unit is still running.
    """

    def __init__(self, work_root: Path, name: str) -> None:
        # Named for its starter (host and PID): a folder whose starter is gone is swept whatever state
        # the kill left it in (made, lock created, lock held); the lock tells the rest.
        starting = work_root / f".starting-{socket.gethostname()}~{os.getpid()}~{name}"
        starting.mkdir(parents=True, mode=0o700)
        self._fd = os.open(starting / LOCK, os.O_WRONLY | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        os.write(
            self._fd, str(os.getpid()).encode()
        )  # locked: a free lock with this in it is a dead starter's
        self.path = work_root / f"{UNIT_PREFIX}{name}"
        starting.rename(self.path)

    def close(self, *, remove: bool = True) -> None:
        """Remove the folder (or, when its journal must stay for recovery, only unlock it)."""
        if remove:
            shutil.rmtree(self.path, ignore_errors=True)
        os.close(self._fd)


def abandoned_starts(work_root: Path, *, now: float | None = None) -> list[Path]:
    """Unit folders a command was killed in while opening (before its rename): nothing was journaled in
    them yet. Their starter (named in the folder's name) no longer runs on this host; or their lock is
    free and not just created (a starter locks it in the next system call), or there is no lock and the
    folder is a minute old. A lock its starter wrote its PID into was held: free, its starter is dead,
    however recently it was made (a command started at once after a kill)."""
    now = time.time() if now is None else now
    found = []
    for folder in sorted(work_root.glob(".starting-*")):
        lock = folder / LOCK
        has_lock = lock.exists()
        try:
            stat = (lock if has_lock else folder).stat()
        except OSError:
            continue  # its starter renamed or removed it meanwhile
        age = now - stat.st_mtime
        # A PID in the lock: its starter had locked it, so a free lock means it died, however young.
        dead = (has_lock and stat.st_size > 0) or _starter_gone(folder.name)
        fresh = _JUST_CREATED_SECONDS if has_lock else _NO_LOCK_SECONDS
        if folder.is_dir() and (dead or age > fresh) and not _locked(lock):
            found.append(folder)
    return found


def _starter_gone(folder_name: str) -> bool:
    """Does the ".starting-HOST~PID~..." name say its starter ran on this host and has exited? (Another
    host's, or an unnamed one, is judged by its lock alone.)"""
    host, _, rest = folder_name.removeprefix(".starting-").partition("~")
    pid, named, _ = rest.partition("~")
    if not named or host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # it runs, as another user
    return False


def abandoned_units(work_root: Path) -> list[Path]:
    """Unit folders whose owner is gone (their lock is free): a crash left them."""
    found = []
    for folder in sorted(work_root.glob(f"{UNIT_PREFIX}*")):
        if folder.is_dir() and not _locked(folder / LOCK):
            found.append(folder)
    return found


def locked(folder: Path) -> bool:
    """Whether a running command holds `folder` (a unit folder, or the claim work folder it became)."""
    return _locked(folder / LOCK)


def _locked(lock: Path) -> bool:
    try:
        fd = os.open(lock, os.O_WRONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
