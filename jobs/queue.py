"""The job queue's side that enqueues and watches: its schema on first use, jobs for files and documents,
and job counts by state (for `status` and `--wait`)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import procrastinate
import psycopg
from procrastinate.schema import SchemaManager
from psycopg.conninfo import conninfo_to_dict

from chartfile.errors import MachineError
from chartfile.settings import QueueSettings

PROCESS_TASK = "chartfile.process"
REPROCESS_TASK = "chartfile.reprocess"
FINISHED = ("succeeded", "failed", "cancelled", "aborted")
SHOWN = {"todo": "queued", "doing": "running", "succeeded": "done"}  # Procrastinate's names, as shown
_SCHEMA_LOCK = 0x63686172  # an advisory lock: one process applies the schema at first use
_BATCH = 1000


class QueueError(MachineError):
    """The job queue's database could not be used (down, unreachable, refused)."""

    stage = "queue"


def where(queue: QueueSettings) -> str:
    """The queue's database for messages: host, port and name, never the user's password."""
    try:
        found = conninfo_to_dict(queue.conninfo())
    except psycopg.ProgrammingError:
        return "queue.url"
    return f"{found.get('host', 'localhost')}:{found.get('port', 5432)}/{found.get('dbname', '')}"


@contextmanager
def reached(queue: QueueSettings) -> Iterator[None]:
    """Turns the database's errors into one QueueError naming the queue's database and what to do."""
    try:
        yield
    except (psycopg.Error, procrastinate.exceptions.ConnectorException) as e:
        raise QueueError(
            f"the job queue at {where(queue)} could not be used ({type(e).__name__})",
            hint="check queue.url in config.yaml and that PostgreSQL is running and reachable",
        ) from e


def ensure_schema(queue: QueueSettings) -> bool:
    """Apply Procrastinate's schema if the database has none yet (at first use, by whichever process
    comes first: the others wait on the lock); True if it was applied now."""
    with reached(queue), psycopg.connect(queue.conninfo(), connect_timeout=10) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        row = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
        if row is not None and row[0]:
            return False
        conn.execute(SchemaManager.get_schema())
        return True


def path_args(path: Path) -> dict[str, str]:
    """A file's path as job arguments (JSON): as text, or as hex bytes when its name is not UTF-8."""
    raw = os.fsencode(path)
    try:
        return {"path": raw.decode("utf-8")}
    except UnicodeDecodeError:
        return {"path_hex": raw.hex()}


def path_of(path: str = "", path_hex: str = "") -> Path:
    return Path(os.fsdecode(bytes.fromhex(path_hex))) if path_hex else Path(path)


class JobQueue:
    """Enqueue jobs and count them, synchronously (the CLI's side of the queue)."""

    def __init__(self, queue: QueueSettings) -> None:
        self.settings = queue
        ensure_schema(queue)

    def enqueue_files(self, paths: list[Path], *, consume: bool) -> list[int]:
        """One job per file: the worker claims it from its path, exactly as `process` does."""
        return self.defer(PROCESS_TASK, ({**path_args(p), "consume": consume} for p in paths))

    def enqueue_documents(self, document_ids: list[int]) -> list[int]:
        """One job per document to run again from its kept original, exactly as `reprocess` does."""
        return self.defer(REPROCESS_TASK, ({"document_id": i} for i in document_ids))

    def defer(self, task: str, arguments: Iterable[dict[str, Any]]) -> list[int]:
        """One job of `task` per set of arguments, in batches (one round trip per thousand jobs)."""
        connector = procrastinate.SyncPsycopgConnector(conninfo=self.settings.conninfo())
        app = procrastinate.App(connector=connector)
        ids: list[int] = []
        with reached(self.settings):
            app.open()
            try:
                deferrer = app.configure_task(task, queue=self.settings.name)
                batch: list[dict[str, Any]] = []
                for args in arguments:
                    batch.append(args)
                    if len(batch) == _BATCH:
                        ids += deferrer.batch_defer(*batch)
                        batch = []
                if batch:
                    ids += deferrer.batch_defer(*batch)
            finally:
                app.close()
        return ids

    def counts(self, job_ids: list[int] | None = None) -> dict[str, int]:
        """Jobs of this queue by state (queued, running, done, failed, ...); only `job_ids` if given."""
        sql = "SELECT status::text, count(*) FROM procrastinate_jobs WHERE queue_name = %s"
        params: tuple[Any, ...] = (self.settings.name,)
        if job_ids is not None:
            sql, params = sql + " AND id = ANY(%s)", (*params, job_ids)
        with reached(self.settings), psycopg.connect(self.settings.conninfo(), connect_timeout=10) as conn:
            rows = conn.execute(sql + " GROUP BY 1", params).fetchall()
        found: dict[str, int] = {SHOWN.get(str(status), str(status)): int(count) for status, count in rows}
        return {name: found.get(name, 0) for name in ("queued", "running", "done", "failed")} | found

    def wait(
        self, job_ids: list[int], *, on_progress: Callable[[int], None], poll_seconds: float = 0.5
    ) -> dict[str, int]:
        """Until every job in `job_ids` is finished (done, failed, cancelled); their counts by state."""
        finished_names = [SHOWN.get(name, name) for name in FINISHED]
        while True:
            counts = self.counts(job_ids)
            finished = sum(counts.get(name, 0) for name in finished_names)
            on_progress(finished)
            if finished >= len(job_ids):
                return counts
            time.sleep(poll_seconds)


def status_of(queue: QueueSettings) -> dict[str, Any]:
    """For `chartfile status`: the queue's jobs by state, or why the queue could not be read."""
    try:
        return {"queue": queue.name} | JobQueue(queue).counts()
    except QueueError as e:
        return {"queue": queue.name, "error": e.message}
