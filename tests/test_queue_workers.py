"""The job queue on a real PostgreSQL server: `process --queue` enqueues, real `chartfile worker`
processes drain the batch (one killed with SIGKILL mid-job: its job is retried, nothing lost or doubled),
a fault of the machine is retried with back-off and then quarantined with its reason, `--wait` follows a
batch to its end and its exit code says whether every job succeeded.

The ledger is on PostgreSQL too (the `ledger_url` fixture: the queue's database, as a site with workers on
several machines runs it); every check reads it through SQLAlchemy."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy
from conftest import run_cli
from harness import Daemon, Daemons, Workspace, cli_env, wait_until
from test_daemon_crash import make_faxes, sha256

from chartfile.jobs.queue import JobQueue
from chartfile.settings import load_settings

DRIVER = Path(__file__).with_name("fault_driver.py")
DRIVER_ENV = {"PYTHONPATH": str(Path(__file__).parents[2])}


@pytest.fixture
def ledger_url(pg_url: str) -> str:
    """The ledger's database: the queue's own PostgreSQL database, as a site running workers on several
    machines has it (one server, chartfile's tables beside Procrastinate's)."""
    return pg_url


@pytest.fixture
def queued(workspace: Path, ledger_url: str, pg_url: str) -> Workspace:
    """A workspace whose job queue is a fresh PostgreSQL database, with quick heartbeats and retries."""
    ws = Workspace(workspace)
    ws.configure(
        database={"url": ledger_url},
        ocr={"workers": 1},
        queue={
            "url": pg_url,
            "heartbeat_seconds": 0.5,
            "stalled_seconds": 3,
            "poll_seconds": 0.5,
            "retry_min_seconds": 1,
            "retry_max_seconds": 2,
            "max_attempts": 3,
        },
    )
    run_cli(workspace, "patients", "import", str(workspace / "patients.csv"), check=True)
    return ws


@pytest.fixture
def workers() -> Iterator[Daemons]:
    with Daemons() as started:
        yield started


def start_worker(ws: Workspace, workers: Daemons, name: str, *, fault: tuple[str, ...] = ()) -> Daemon:
    """`chartfile worker --concurrency 1`, or the same under tests/fault_driver.py with a fault armed."""
    program = (str(DRIVER), *fault, "--") if fault else ("-m", "chartfile")
    return workers.start(
        ws.config,
        command=("worker", "--concurrency", "1"),
        log_name=f"{name}.log",
        program=program,
        env=DRIVER_ENV,
    )


def ledger_rows(url: str, sql: str) -> list[dict[str, Any]]:
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(sqlalchemy.text(sql))]
    finally:
        engine.dispose()


def job_rows(pg_url: str) -> list[dict[str, Any]]:
    conninfo = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo) as conn, conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        if cur.execute("SELECT to_regclass('procrastinate_jobs') AS jobs").fetchone() == {"jobs": None}:
            return []  # its schema is not there yet
        return cur.execute("SELECT id, status::text, attempts FROM procrastinate_jobs ORDER BY id").fetchall()


def jobs_done(ws: Workspace, total: int) -> dict[str, int] | None:
    counts = JobQueue(load_settings(ws.config).queue).counts()
    return counts if counts["done"] + counts["failed"] == total else None


@pytest.mark.slow(minutes=2)
def test_workers_drain_a_batch_and_a_killed_workers_job_is_retried(
    queued: Workspace, workers: Daemons, ledger_url: str, pg_url: str
) -> None:
    batch = queued.root / "batch"
    inputs = make_faxes(batch, 8, pages=1)
    enqueued = run_cli(queued.root, "process", str(batch), "--queue", "--json", check=True)
    assert json.loads(enqueued.stdout)["queued"] == 8
    assert sorted(p.name for p in batch.iterdir()) == sorted(inputs)  # nothing moves until it is filed

    doomed = start_worker(queued, workers, "doomed", fault=("ocr", "kill"))  # SIGKILLs itself mid-job
    assert doomed.proc is not None and doomed.proc.wait(timeout=120) == -signal.SIGKILL
    running = [row for row in job_rows(pg_url) if row["status"] == "doing"]
    assert running, "the killed worker left no job in progress"
    helpers = [start_worker(queued, workers, f"worker{n}") for n in (1, 2)]
    counts = wait_until(lambda: jobs_done(queued, 8), timeout=300, what="the batch drained")
    assert counts["done"] == 8 and counts["failed"] == 0

    docs = ledger_rows(ledger_url, "SELECT * FROM documents")
    assert Counter(doc["sha256"] for doc in docs) == Counter(inputs.values())  # each file exactly once
    assert {doc["status"] for doc in docs} <= {"filed", "review"}
    for doc in docs:
        assert sha256(Path(doc["original_path"])) == doc["sha256"]
        assert sha256(Path(doc["stored_path"])) == doc["stored_sha256"]
    assert list(batch.iterdir()) == [] and list(queued.folder("quarantine").iterdir()) == []
    assert {row["state"] for row in ledger_rows(ledger_url, "SELECT state FROM intake")} == {"done"}
    assert ledger_rows(ledger_url, "SELECT * FROM claims") == []
    retried = {row["id"] for row in job_rows(pg_url) if row["attempts"] >= 1}
    assert {row["id"] for row in running} <= retried  # the killed job ran again, elsewhere
    logs = "".join(worker.log() for worker in helpers)
    assert "its worker stopped" in logs and "Traceback" not in logs
    names = {doc["source_name"] for doc in docs}
    assert not any(name in logs for name in names)  # jobs are named by id, never by file

    redo = run_cli(queued.root, "reprocess", "--queue", "--wait", "--ids", "1,2", "--json")
    assert redo.returncode == 0, redo.stderr[-2000:]
    assert json.loads(redo.stdout) | {"jobs": ""} == {
        "queued": 2,
        "queue": "chartfile",
        "jobs": "",
        "done": 2,
        "failed": 0,
    }
    assert len(ledger_rows(ledger_url, "SELECT id FROM documents")) == 8  # run again, nothing added
    verified = run_cli(queued.root, "audit", "verify", "--json")
    assert verified.returncode == 0, verified.stdout


@pytest.mark.slow(minutes=1)
def test_a_lasting_fault_is_retried_then_quarantined_and_wait_reports_failures(
    queued: Workspace, workers: Daemons, ledger_url: str, pg_url: str
) -> None:
    batch = queued.root / "batch"
    inputs = make_faxes(batch, 2, pages=1)
    gone = batch / "fax_01.tif"
    command = ["process", str(batch), "--queue", "--wait"]
    following = subprocess.Popen(
        [sys.executable, "-m", "chartfile", "--config", str(queued.config), *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
    )
    wait_until(lambda: len(job_rows(pg_url)) == 2 or None, timeout=60, what="two jobs queued")
    gone.unlink()  # its job cannot find it, and the ledger never saw it: the job fails
    worker = start_worker(queued, workers, "faulty", fault=("ocr", "fail-always"))  # Tesseract never starts
    out, err = following.communicate(timeout=240)
    assert following.returncode == 3, err[-2000:]  # a job failed
    assert "2 queued" in out and "1 done, 1 failed" in out
    assert "waiting for the workers" in err

    (doc,) = ledger_rows(ledger_url, "SELECT * FROM documents")
    assert doc["status"] == "quarantined" and doc["sha256"] == inputs["fax_00.tif"]
    note = json.loads(Path(doc["quarantine_path"]).with_suffix(".json").read_text(encoding="utf-8"))
    assert "not processed after its last attempt" in note["reason"]
    assert "short of memory or processes" in note["reason"]
    assert {row["attempts"] for row in job_rows(pg_url)} == {3}  # three runs each (two retries)
    log = worker.log()
    assert log.count("attempt 1 failed") == 2 and log.count("attempt 2 failed") == 2
    assert "Traceback" not in log

    status = json.loads(run_cli(queued.root, "status", "--json", check=True).stdout)
    assert status["jobs"] | {"queue": "chartfile"} == status["jobs"]
    assert (status["jobs"]["done"], status["jobs"]["failed"], status["jobs"]["queued"]) == (1, 1, 0)


def test_worker_without_a_queue_says_what_to_set(workspace: Path) -> None:
    done = run_cli(workspace, "worker")
    assert done.returncode == 2
    assert "queue.url is not set" in done.stderr and "what to do" in done.stderr


def test_a_queue_that_cannot_be_reached_is_one_error_line(workspace: Path) -> None:
    Workspace(workspace).configure(queue={"url": "postgresql://nobody@127.0.0.1:9/none"})
    done = run_cli(workspace, "process", str(workspace), "--queue")
    assert done.returncode == 3, done.stderr
    assert "the job queue at 127.0.0.1:9/none could not be used" in done.stderr
    assert "Traceback" not in done.stderr
    status = json.loads(run_cli(workspace, "status", "--json", check=True).stdout)
    assert "could not be used" in status["jobs"]["error"]


@pytest.mark.parametrize(
    ("queue", "expected"),
    [
        pytest.param({"url": "sqlite:///x.db"}, "must be a PostgreSQL URL", id="not-postgresql"),
        pytest.param({"heartbeat_seconds": 30, "stalled_seconds": 40}, "at least twice", id="stall-too-soon"),
        pytest.param({"max_attempts": 0}, "max_attempts", id="no-attempt"),
    ],
)
def test_bad_queue_settings_are_refused_with_the_field(
    workspace: Path, queue: dict[str, Any], expected: str
) -> None:
    Workspace(workspace).configure(queue=queue)
    done = run_cli(workspace, "status")
    assert done.returncode == 2 and expected in done.stderr, done.stderr


def test_wait_without_queue_is_a_usage_error(workspace: Path) -> None:
    done = run_cli(workspace, "process", str(workspace), "--wait")
    assert done.returncode == 2 and "--wait follows queued jobs" in done.stderr
