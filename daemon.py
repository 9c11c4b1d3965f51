"""The scan-station daemon: watch the inbox, take each file once it is ready, run the pipeline."""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from chartfile.errors import ChartfileError, MachineError
from chartfile.ingest.watch import InboxFilter, StabilityTracker, scan, start_observer
from chartfile.pipeline import Runtime, process_path

log = logging.getLogger(__name__)

_RETRY_SECONDS = (30.0, 60.0, 120.0, 300.0, 900.0)


@dataclass(slots=True)
class DaemonState:
    """What the loop knows between ticks."""

    tracker: StabilityTracker
    in_flight: dict[Path, Future[object]] = field(default_factory=dict)
    retry_after: dict[Path, tuple[dt.datetime, int]] = field(default_factory=dict)
    processed: int = 0
    failed: int = 0


def run_daemon(rt: Runtime, stop: threading.Event) -> DaemonState:
    """Run until `stop` is set; files being processed then are finished before returning."""
    ingest, inbox = rt.settings.ingest, rt.settings.paths.inbox
    accept = InboxFilter(ingest.ignore_patterns)
    state = DaemonState(StabilityTracker(ingest.stability_seconds))
    hints: queue.SimpleQueue[Path] = queue.SimpleQueue()
    observer = start_observer(
        inbox, hints, polling=ingest.use_polling, poll_seconds=ingest.poll_interval_seconds
    )
    workers = ingest.workers or rt.settings.workers()
    log.info("watching the inbox %s with %d document workers", inbox, workers)
    next_rescan = rt.clock()
    try:
        with ThreadPoolExecutor(workers, thread_name_prefix="doc") as documents:
            while not stop.is_set():
                now = rt.clock()
                if now >= next_rescan:
                    _observe_all(state, scan(inbox, accept), now)
                    next_rescan = now + dt.timedelta(seconds=ingest.rescan_seconds)
                _observe_all(state, _drain(hints, inbox, accept), now)
                _reap(state, rt)
                _submit_ready(state, documents, rt, limit=ingest.queue_size)
                stop.wait(ingest.poll_interval_seconds)
            log.info("stopping: finishing %d document(s) in progress", len(state.in_flight))
    finally:
        observer.stop()
        observer.join(timeout=10)
    _reap(state, rt)
    return state


def _drain(hints: queue.SimpleQueue[Path], inbox: Path, accept: InboxFilter) -> list[Path]:
    paths = set()
    while not hints.empty():
        path = hints.get_nowait()
        if path.is_relative_to(inbox) and accept.accepts(path):
            paths.add(path)
    return sorted(paths)


def _observe_all(state: DaemonState, paths: object, now: dt.datetime) -> None:
    for path in paths:  # type: ignore[attr-defined]
        if path in state.in_flight:
            continue
        try:
            st = path.stat()
        except OSError:
            state.tracker.forget(path)
            continue
        state.tracker.observe(path, st.st_size, st.st_mtime_ns, now)


def _submit_ready(state: DaemonState, pool: ThreadPoolExecutor, rt: Runtime, *, limit: int) -> None:
    now = rt.clock()
    for path in state.tracker.ready(now):
        if len(state.in_flight) >= limit:
            return
        retry = state.retry_after.get(path)
        if path in state.in_flight or (retry and retry[0] > now) or not _can_open(path):
            continue
        state.tracker.forget(path)
        state.in_flight[path] = pool.submit(process_path, path, rt)


def _can_open(path: Path) -> bool:
    try:
        with path.open("rb"):
            return True
    except OSError:
        return False


def _reap(state: DaemonState, rt: Runtime) -> None:
    for path, job in list(state.in_flight.items()):
        if not job.done():
            continue
        del state.in_flight[path]
        error = job.exception()
        if error is None:
            state.processed += 1
            state.retry_after.pop(path, None)
        else:
            state.failed += 1
            _schedule_retry(state, path, error, rt.clock())


def _schedule_retry(state: DaemonState, path: Path, error: BaseException, now: dt.datetime) -> None:
    attempts = state.retry_after.get(path, (now, 0))[1] + 1
    delay = _RETRY_SECONDS[min(attempts, len(_RETRY_SECONDS)) - 1]
    state.retry_after[path] = (now + dt.timedelta(seconds=delay), attempts)
    kind = "machine fault" if isinstance(error, MachineError) else type(error).__name__
    message = str(error) if isinstance(error, ChartfileError) else "see the intake journal"
    log.error("an inbox file failed (%s: %s); retrying in %.0f s", kind, message, delay)
