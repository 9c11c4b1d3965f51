"""The scan-station daemon: watch the inbox, take each file once it is ready, run the pipeline.

It owns the inbox loop (readiness, retries with back-off, the free-disk pause, the station's lease in the
database (one daemon per station, on any machine) and the work folder's lock, start-up recovery) and runs
the EHR delivery worker beside it. It may import the pipeline and what is below it; not the clerk's wing:
the nightly report is the caller's hook (`nightly`), the daemon only says when a minute has passed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import queue
import shutil
import signal
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from chartfile.errors import MachineError, UsageError, explain
from chartfile.ingest.claim import FileChangedError, NotRegularFileError, SourceGoneError
from chartfile.ingest.watch import InboxFilter, StabilityTracker, scan, start_observer
from chartfile.ledger import files
from chartfile.ledger.claims import ClaimedElsewhereError
from chartfile.ledger.recovery import Recovery, recover
from chartfile.ledger.stations import StationLease
from chartfile.settings import IngestSettings, PathSettings

if TYPE_CHECKING:  # `chartfile status` imports this module (free_mb, is_running): not the pipeline's stages
    from chartfile.runtime import Runtime

log = logging.getLogger(__name__)

LOCK_NAME = ".daemon.lock"
Nightly = Callable[[dt.datetime], object]  # writes the reports due at a time; never raises
_SPECIAL = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
}


@dataclass(slots=True)
class DaemonState:
    """What the loop knows between ticks."""

    tracker: StabilityTracker
    in_flight: dict[Path, Future[object]] = field(default_factory=dict)
    retry_after: dict[Path, tuple[dt.datetime, int]] = field(default_factory=dict)
    not_regular: set[tuple[int, int]] = field(default_factory=set)
    paused: bool = False
    report: threading.Thread | None = None
    next_report_check: dt.datetime | None = None
    processed: int = 0
    failed: int = 0


def run_daemon(rt: Runtime, stop: threading.Event, *, nightly: Nightly | None = None) -> DaemonState:
    """Run until `stop` is set; documents being processed then are finished before returning.

    Start-up first verifies the audit trail (its chain and guard triggers: a broken one refuses to run,
    AuditTrailError), then finishes or undoes what a crash left behind (`ledger.recovery.recover`).
    """
    station = StationLease(
        rt.ledger.sessions,
        name=rt.ledger.station or rt.settings.station.resolved_name(),
        holder=rt.ledger.claims.holder,
        lease_seconds=rt.settings.station.lease_seconds,
        clock=rt.clock,
    )
    if station.acquire(str(rt.settings.paths.inbox)):
        log.warning(
            "station %s: its last daemon stopped without letting go (a crash); taken over", station.name
        )
    log.info("station %s: lease held (renewed every %.0f s)", station.name, _beat_seconds(rt))
    try:
        with _single_instance(rt.settings.paths.work):
            return _run(rt, stop, nightly, station)
    finally:
        with contextlib.suppress(SQLAlchemyError):  # else its lease runs out by itself
            station.release()


def _run(rt: Runtime, stop: threading.Event, nightly: Nightly | None, station: StationLease) -> DaemonState:
    trail = rt.ledger.require_intact_audit()
    log.info(
        "audit trail verified: %d row(s), chain from row %s (%d sealed before it), guards in place",
        trail.rows,
        trail.start_id,
        trail.sealed,
    )
    _log_recovery(recover(rt.ledger))
    with _deliveries(rt):
        return _watch(rt, stop, nightly, station)


@contextmanager
def _deliveries(rt: Runtime) -> Iterator[None]:
    """With delivery targets enabled, the outbox is sent by a background thread, stopped on the way out."""
    from chartfile.ehr.deliver import DeliveryWorker  # noqa: PLC0415 - HL7, FHIR: see TYPE_CHECKING above

    if not rt.settings.ehr.targets():
        yield
        return
    done = threading.Event()
    worker = DeliveryWorker(rt.ledger, rt.settings.ehr, done)
    worker.start()
    try:
        yield
    finally:
        done.set()
        worker.join()


def free_mb(paths: PathSettings) -> int:
    """Free space in MB on the fuller of the store's and the work folder's disks."""
    return min(shutil.disk_usage(folder).free for folder in (paths.store, paths.work)) // 2**20


def is_running(work: Path) -> bool:
    """Whether a daemon watches the inbox of this work folder now (it holds the folder's lock)."""
    lock = work / LOCK_NAME
    if not lock.exists():
        return False
    with lock.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


@contextmanager
def _single_instance(work: Path) -> Iterator[None]:
    """One daemon per work folder: a second one would claim the same files and clear the first's work."""
    with (work / LOCK_NAME).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise UsageError(
                f"another `chartfile watch` is already running on the work folder {work}",
                hint="only one daemon may watch an inbox; stop the other one first",
            ) from e
        yield


def _log_recovery(found: Recovery) -> None:
    if found:
        log.warning("start-up recovery after an unclean stop: %s", found.counts())
    else:
        log.info("start-up recovery: nothing left half done")
    for intake_id in found.restored:
        log.warning(
            "document %d: its inbox file was gone; its work copy was put back into the inbox", intake_id
        )
    for intake_id in found.withdrawn:
        log.error(
            "document %d: its inbox file was removed before it was processed; no copy is left", intake_id
        )
    if found.cleared:
        log.info("start-up: cleared %d work folder(s) left by an earlier run", found.cleared)


def _watch(rt: Runtime, stop: threading.Event, nightly: Nightly | None, station: StationLease) -> DaemonState:
    ingest, inbox = rt.settings.ingest, rt.settings.paths.inbox
    state = DaemonState(StabilityTracker(ingest.stability_seconds))
    hints: queue.SimpleQueue[Path] = queue.SimpleQueue()
    observer = start_observer(
        inbox, hints, polling=ingest.use_polling, poll_seconds=ingest.poll_interval_seconds
    )
    workers = rt.settings.document_workers()
    log.info("watching the inbox %s with %d document workers", inbox, workers)
    try:
        with ThreadPoolExecutor(workers, thread_name_prefix="doc", initializer=_shield_children) as pool:
            _loop(state, pool, rt, hints=hints, stop=stop, nightly=nightly, station=station)
            running = sum(job.running() for job in state.in_flight.values())
            log.info("stopping: finishing %d document(s) in progress", running)
            pool.shutdown(wait=True, cancel_futures=True)  # files not started yet stay in the inbox
    finally:
        observer.stop()
        observer.join(timeout=10)
    _reap(state, rt)
    return state


def _shield_children() -> None:
    """Document threads block SIGINT and SIGTERM, and so do the OCR threads and programs they start.

    Ctrl-C reaches the whole process group (and systemd may signal the whole cgroup): tesseract must
    finish its page. The main thread alone takes the signal, and stops the daemon cleanly.
    """
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


def _loop(
    state: DaemonState,
    pool: ThreadPoolExecutor,
    rt: Runtime,
    *,
    hints: queue.SimpleQueue[Path],
    stop: threading.Event,
    nightly: Nightly | None,
    station: StationLease,
) -> None:
    ingest, inbox = rt.settings.ingest, rt.settings.paths.inbox
    accept = InboxFilter(ingest.ignore_patterns)
    next_rescan = next_beat = rt.clock()
    while not stop.is_set():
        now = rt.clock()
        if now >= next_beat:
            _beat(state, rt, station, stop, inbox_files=sum(1 for _ in scan(inbox, accept)))
            next_beat = now + dt.timedelta(seconds=_beat_seconds(rt))
        if now >= next_rescan:
            _observe_all(state, scan(inbox, accept, regular_only=False), now)
            next_rescan = now + dt.timedelta(seconds=ingest.rescan_seconds)
        _observe_all(state, [*_drain(hints, inbox, accept), *state.tracker.pending()], now)
        _reap(state, rt)
        if _intake_open(state, rt):
            _submit_ready(state, pool, rt, limit=ingest.queue_size)
        if nightly is not None:
            _nightly_report(state, rt, nightly, now)
        stop.wait(ingest.poll_interval_seconds)
    if state.report is not None:
        state.report.join()


def _beat_seconds(rt: Runtime) -> float:
    return rt.settings.station.lease_seconds / 4


def _beat(
    state: DaemonState, rt: Runtime, station: StationLease, stop: threading.Event, *, inbox_files: int
) -> None:
    """Renew the station's lease and say how it is (status shows it); a lost lease stops this daemon."""
    try:
        held = station.beat(inbox_files=inbox_files, in_progress=len(state.in_flight), paused=state.paused)
    except SQLAlchemyError as e:
        log.warning(
            "station %s: its lease could not be renewed now (%s)", station.name, explain(e).log_line()
        )
        return
    if not held:
        log.error(
            "station %s: its lease was taken over by another daemon (this one was not heard from for "
            "longer than station.lease_seconds); stopping",
            station.name,
        )
        stop.set()


REPORT_CHECK = dt.timedelta(minutes=1)


def _nightly_report(state: DaemonState, rt: Runtime, nightly: Nightly, now: dt.datetime) -> None:
    """At most once a minute, write (in the background) every nightly report that is due, missed ones too."""
    if not rt.settings.report.enabled or (state.report is not None and state.report.is_alive()):
        return
    if state.next_report_check is not None and now < state.next_report_check:
        return
    state.next_report_check = now + REPORT_CHECK
    state.report = threading.Thread(
        target=nightly,
        args=(now,),
        name="nightly-report",
        daemon=False,
    )
    state.report.start()


def _drain(hints: queue.SimpleQueue[Path], inbox: Path, accept: InboxFilter) -> list[Path]:
    paths = set()
    while not hints.empty():
        path = hints.get_nowait()
        if path.is_relative_to(inbox) and accept.accepts(path):
            paths.add(path)
    return sorted(paths)


def _observe_all(state: DaemonState, paths: Iterable[Path], now: dt.datetime) -> None:
    for path in paths:
        if path in state.in_flight:
            continue
        try:
            st = path.lstat()  # a link is not followed: it may point anywhere (/etc/passwd)
        except OSError:
            state.tracker.forget(path)
            state.retry_after.pop(path, None)
            continue
        if stat.S_ISREG(st.st_mode):
            state.tracker.observe(path, st.st_size, st.st_mtime_ns, now)
            continue
        state.tracker.forget(path)
        if not stat.S_ISDIR(st.st_mode) and (st.st_dev, st.st_ino) not in state.not_regular:
            state.not_regular.add((st.st_dev, st.st_ino))
            log.warning(
                "skipping inode %d in the inbox: %s, not a regular file; chartfile never reads it: remove it",
                st.st_ino,
                _SPECIAL.get(stat.S_IFMT(st.st_mode), "a special file"),
            )


def _intake_open(state: DaemonState, rt: Runtime) -> bool:
    """False while the store's or work folder's disk is nearly full; one log line on each change."""
    minimum = rt.settings.ingest.min_free_mb
    try:
        free = free_mb(rt.settings.paths)
    except OSError:
        return True  # the store folder itself is gone: filing says so, and the file is retried
    if free < minimum and not state.paused:
        log.error("store disk full: %d MB free, intake paused until %d MB are free", free, minimum)
    elif free >= minimum and state.paused:
        log.warning("store disk has %d MB free again, intake resumed", free)
    state.paused = free < minimum
    return not state.paused


def _submit_ready(state: DaemonState, pool: ThreadPoolExecutor, rt: Runtime, *, limit: int) -> None:
    from chartfile.pipeline import process_path  # noqa: PLC0415 - see TYPE_CHECKING above

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
    """Openable for reading now (never blocks: a FIFO swapped in is refused, not waited on)."""
    try:
        files.open_regular(path).close()
        return True
    except OSError:
        return False


def _reap(state: DaemonState, rt: Runtime) -> None:
    now = rt.clock()
    for path, job in list(state.in_flight.items()):
        if not job.done():
            continue
        del state.in_flight[path]
        if job.cancelled():
            continue
        error = job.exception()
        if error is None:
            state.processed += 1
            state.retry_after.pop(path, None)
        elif isinstance(error, ClaimedElsewhereError | SourceGoneError | NotRegularFileError):
            log.info("an inbox file was skipped: %s", explain(error).message)
        elif isinstance(error, FileChangedError):
            log.info("an inbox file changed while it was being copied; it is taken once it stops changing")
        elif not isinstance(error, MachineError) and not path.exists():
            log.info("an inbox file was removed before it could be claimed")
        else:
            state.failed += 1
            _schedule_retry(state, path, error, now, rt.settings.ingest)
        _observe_all(state, [path], now)  # still there (kept, changed, retried): watch it again


def _schedule_retry(
    state: DaemonState, path: Path, error: BaseException, now: dt.datetime, ingest: IngestSettings
) -> None:
    attempts = state.retry_after.get(path, (now, 0))[1] + 1
    delay = min(ingest.retry_max_seconds, ingest.retry_min_seconds * 2 ** min(attempts - 1, 30))
    state.retry_after[path] = (now + dt.timedelta(seconds=delay), attempts)
    why = explain(error).log_line()
    log.error("an inbox file failed (%s); it stays in the inbox, retrying in %.0f s", why, delay)
