"""Inbox watching: which files count, when a file is ready, and the watchdog hint queue."""

from __future__ import annotations

import datetime as dt
import fnmatch
import logging
import queue
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver


@dataclass(frozen=True, slots=True)
class InboxFilter:
    """Skips temp, hidden and junk files that scanners and fax servers leave behind."""

    ignore_patterns: tuple[str, ...]

    def accepts(self, path: Path) -> bool:
        return not any(fnmatch.fnmatch(path.name, pattern) for pattern in self.ignore_patterns)


def scan(inbox: Path, accept: InboxFilter, *, regular_only: bool = True) -> Iterator[Path]:
    """Every candidate file below the inbox (hidden folders skipped; links never followed). With
    `regular_only=False` also links, FIFOs, sockets and devices, for the caller to say it skips them."""
    for path in sorted(inbox.rglob("*")):
        relative = path.relative_to(inbox)
        if any(part.startswith(".") for part in relative.parts[:-1]):
            continue
        try:
            mode = path.lstat().st_mode
        except OSError:
            continue  # gone meanwhile
        if stat.S_ISDIR(mode) or not accept.accepts(path):
            continue
        if stat.S_ISREG(mode) or not regular_only:
            yield path


@dataclass(frozen=True, slots=True)
class _Seen:
    size: int
    mtime_ns: int
    since: dt.datetime


class StabilityTracker:
    """A file is ready once its size and mtime have not changed for `stability_seconds` (pure: time given).

    The caller observes every pending file on every tick, so a writer that goes on writing without
    delivering events (network shares, a replaced inbox) still resets the clock.
    """

    def __init__(self, stability_seconds: float) -> None:
        self._stable_for = dt.timedelta(seconds=stability_seconds)
        self._seen: dict[Path, _Seen] = {}

    def observe(self, path: Path, size: int, mtime_ns: int, now: dt.datetime) -> None:
        seen = self._seen.get(path)
        if seen is None or (seen.size, seen.mtime_ns) != (size, mtime_ns):
            self._seen[path] = _Seen(size, mtime_ns, now)

    def forget(self, path: Path) -> None:
        self._seen.pop(path, None)

    def pending(self) -> list[Path]:
        """The files being watched: each is stat-ed again every tick, events or not."""
        return list(self._seen)

    def ready(self, now: dt.datetime) -> list[Path]:
        return [path for path, seen in self._seen.items() if now - seen.since >= self._stable_for]

    def __len__(self) -> int:
        return len(self._seen)


class _Enqueue(FileSystemEventHandler):
    """Only puts paths on a queue: events are a hint, the rescan is the truth."""

    def __init__(self, hints: queue.SimpleQueue[Path]) -> None:
        self._hints = hints

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        target = getattr(event, "dest_path", "") or event.src_path
        self._hints.put(Path(str(target)))


class _StopRace(logging.Filter):
    """watchdog logs a harmless race of its own as an ERROR whenever an inotify observer stops."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "called when the thread is inactive" not in record.getMessage()


def start_observer(
    inbox: Path, hints: queue.SimpleQueue[Path], *, polling: bool, poll_seconds: float
) -> BaseObserver:
    inotify_log = logging.getLogger("watchdog.observers.inotify")
    if not any(isinstance(f, _StopRace) for f in inotify_log.filters):
        inotify_log.addFilter(_StopRace())
    make: Callable[[], BaseObserver] = (
        (lambda: PollingObserver(timeout=poll_seconds)) if polling else Observer
    )
    observer = make()
    observer.schedule(_Enqueue(hints), str(inbox), recursive=True)
    observer.start()
    return observer
