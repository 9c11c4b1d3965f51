"""The test harness: a workspace's folders and index, real `chartfile watch` daemons, polling with a timeout.

Used by the tests and by the benchmarks (`bench.soak`), which import it as `tests.harness`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import psycopg
import yaml

from chartfile.commands.common import os_user, utc_clock
from chartfile.ledger import Ledger, journal, ledger_for
from chartfile.ledger.guards import PG_GUARDS
from chartfile.ledger.store import FileStore
from chartfile.runtime import Runtime, open_runtime
from chartfile.settings import Settings

T = TypeVar("T")


def cli_env() -> dict[str, str]:
    """The environment of a `chartfile` subprocess: this one's, without a config path of its own."""
    return {k: v for k, v in os.environ.items() if k != "CHARTFILE_CONFIG"}


@dataclass(frozen=True, slots=True)
class Workspace:
    """A folder with config.yaml whose data (inbox, store, work, quarantine, database) is in data/."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "config.yaml"

    def folder(self, name: str) -> Path:
        """inbox, store, work or quarantine."""
        return self.root / "data" / name

    @property
    def db(self) -> Path:
        return self.root / "data" / "chartfile.db"

    def configure(self, **sections: dict[str, Any]) -> None:
        """Merge settings into config.yaml, section by section."""
        raw = yaml.safe_load(self.config.read_text(encoding="utf-8"))
        for name, values in sections.items():
            raw[name] = (raw.get(name) or {}) | values
        self.config.write_text(yaml.safe_dump(raw), encoding="utf-8")

    @property
    def database_url(self) -> str:
        """The configured database URL (a PostgreSQL one, or "" for the workspace's SQLite file)."""
        raw = yaml.safe_load(self.config.read_text(encoding="utf-8"))
        url = str((raw.get("database") or {}).get("url") or "")
        return url if url.startswith("postgresql") else ""

    def rows(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        url = self.database_url
        if url:
            with connect_database(self.root) as conn:
                return [dict(row) for row in conn.execute(sql, params)]
        return rows(self.db, sql, params)

    def execute(self, sql: str, *params: Any) -> None:
        """Change the index as another program (or station) would: one committed statement."""
        with connect_database(self.root) as conn:
            conn.execute(sql, params)

    def drop_trigger(self, name: str) -> None:
        """Drop one of the audit trail's guard triggers, as someone with the database's keys could."""
        if self.database_url:
            table = PG_GUARDS[name][0]
            self.execute(f"DROP TRIGGER {name} ON {table}")
        else:
            self.execute(f"DROP TRIGGER {name}")

    def documents(self) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM documents ORDER BY id")

    def intake(self) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM intake ORDER BY id")


class Daemon:
    """`chartfile --config CONFIG watch` in its own process group, logging into CONFIG's folder.

    `command`: another long-running command (`worker --concurrency 1`), logging into `log_name`;
    `program`: what runs it instead of `python -m chartfile` (e.g. tests/fault_driver.py with its fault)."""

    def __init__(
        self,
        config: Path,
        *,
        command: tuple[str, ...] = ("watch",),
        log_name: str = "daemon.log",
        program: tuple[str, ...] = ("-m", "chartfile"),
        env: dict[str, str] | None = None,
    ) -> None:
        self.config = config
        self.log_path = config.parent / log_name
        self.command, self.program, self.env = command, program, env or {}
        self.proc: subprocess.Popen[bytes] | None = None
        self._log_from = 0

    def start(self) -> Daemon:
        self._log_from = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, *self.program, "--config", str(self.config), *self.command],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=cli_env() | self.env,
                start_new_session=True,  # its own process group: Ctrl-C and crashes hit it alone
            )
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None, "not started"
        return self.proc.pid

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log(self) -> str:
        """What this run has logged so far."""
        with self.log_path.open("rb") as handle:
            handle.seek(self._log_from)
            return handle.read().decode("utf-8", errors="replace")

    def wait_for_log(self, text: str, *, timeout: float) -> str:
        return wait_until(lambda: self.log() if text in self.log() else None, timeout=timeout, what=text)

    def peak_rss_mb(self) -> float:
        """The daemon process's peak resident memory (VmHWM), read while it runs."""
        status = Path(f"/proc/{self.pid}/status").read_text(encoding="ascii")
        kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
        return kb / 1024

    def children(self, program: str) -> list[int]:
        """Process ids of the daemon's running child processes whose command line names `program`."""
        found = []
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                parent = (proc / "stat").read_text(encoding="utf-8", errors="replace").rsplit(")", 1)[1]
                if int(parent.split()[1]) == self.pid and program.encode() in (proc / "cmdline").read_bytes():
                    found.append(int(proc.name))
        return found

    def stop(self, signum: int = signal.SIGTERM, *, group: bool = False, timeout: float = 300) -> int:
        """Send `signum` (to the whole process group, as a terminal's Ctrl-C does); the exit code."""
        (os.killpg if group else os.kill)(self.pid, signum)
        assert self.proc is not None
        return self.proc.wait(timeout=timeout)

    def crash(self) -> None:
        """SIGKILL the daemon and everything it started, like a power cut for the process tree."""
        if self.running():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            assert self.proc is not None
            self.proc.wait(timeout=30)


@dataclass
class Daemons:
    """Starts daemons and kills whichever still run on exit: the finalizer of a test fixture."""

    started: list[Daemon] = field(default_factory=list)

    def start(self, config: Path, **options: Any) -> Daemon:
        """A daemon (or, with `command=...`, another long-running command: see `Daemon`)."""
        daemon = Daemon(config, **options).start()
        self.started.append(daemon)
        return daemon

    def __enter__(self) -> Daemons:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        for daemon in self.started:
            daemon.crash()


class TreeMemory:
    """The peak memory of a process and everything it starts (tesseract, poppler), sampled while it runs:
    at each sample, the peaks so far (VmHWM) of the processes alive then are added up (an upper bound of
    what they hold together); the largest such sum is the tree's peak. Each process's own peak is kept."""

    def __init__(self, root_pid: int, *, interval: float = 0.02) -> None:
        self.root_pid = root_pid
        self.peaks_kb: dict[int, int] = {}
        self.tree_kb = 0
        self._interval = interval
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="tree-memory", daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=10)

    @property
    def peak_mb(self) -> float:
        """The tree's peak resident memory (an upper bound), in MB."""
        return self.tree_kb / 1024

    def _watch(self) -> None:
        while not self._done.is_set():
            alive = 0
            for pid in [self.root_pid, *descendants(self.root_pid)]:
                kb = _vm_hwm_kb(pid)
                if kb is not None:
                    self.peaks_kb[pid] = max(self.peaks_kb.get(pid, 0), kb)
                    alive += kb
            self.tree_kb = max(self.tree_kb, alive)
            self._done.wait(self._interval)


def descendants(pid: int) -> list[int]:
    """Every living process below `pid` (children, their children, ...)."""
    parents: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (proc / "stat").read_text(encoding="utf-8", errors="replace").rsplit(")", 1)[1]
            parents.setdefault(int(stat.split()[1]), []).append(int(proc.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _vm_hwm_kb(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), None)


def rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    """Rows of a query on the index (none while the database does not exist yet)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=rw", uri=True, timeout=30)) as conn:
            conn.row_factory = sqlite3.Row
            return [dict(row) for row in conn.execute(sql, params)]
    except sqlite3.OperationalError as e:
        if "no such table" in str(e) or "unable to open" in str(e):
            return []
        raise


class Row(tuple[Any, ...]):
    """A row read by name or position, as sqlite3.Row (`dict(row)` gives its columns)."""

    names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:
        return super().__getitem__(self.names.index(key) if isinstance(key, str) else key)

    def keys(self) -> tuple[str, ...]:
        return self.names


class Rows(list[Row]):
    """Rows read at once, with a cursor's fetchone / fetchall."""

    def fetchone(self) -> Row | None:
        return self[0] if self else None

    def fetchall(self) -> list[Row]:
        return list(self)


class PgConnection:
    """A psycopg connection that takes sqlite3's `?` placeholders and gives Row-like rows."""

    def __init__(self, url: str) -> None:
        libpq = url.replace("postgresql+psycopg://", "postgresql://")
        self._conn = psycopg.connect(libpq, options="-c TimeZone=UTC")  # times written as chartfile does
        for json_type in ("json", "jsonb"):  # JSON columns read as text, as from SQLite
            self._conn.adapters.register_loader(json_type, psycopg.types.string.TextLoader)

    def execute(self, sql: str, params: Any = ()) -> Rows:
        cursor = self._conn.execute(sql.replace("?", "%s"), tuple(params))
        if cursor.description is None:
            return Rows()
        names = tuple(column.name for column in cursor.description)
        found = Rows()
        for values in cursor.fetchall():
            row = Row(values)
            row.names = names
            found.append(row)
        return found

    def commit(self) -> None:
        self._conn.commit()

    def close(self) -> None:
        self._conn.close()


@contextmanager
def connect_database(workspace: Path) -> Iterator[Any]:
    """The workspace's database as a DB-API-like connection (sqlite3, or psycopg taking `?` too); what is
    done in it is committed at the end."""
    ws = Workspace(workspace)
    url = ws.database_url
    conn: Any = PgConnection(url) if url else sqlite3.connect(ws.db, timeout=30)
    if not url:
        conn.row_factory = sqlite3.Row
    try:
        yield conn
        conn.commit()
    finally:
        conn.close()


def wait_until(check: Callable[[], T | None], *, timeout: float, what: str, interval: float = 0.2) -> T:
    """Poll `check` until it returns something true (a row, a non-empty list); fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for: {what}")
        time.sleep(interval)


@contextmanager
def ledger_on(settings: Settings, *, clock: Callable[[], dt.datetime] = utc_clock) -> Iterator[Ledger]:
    """The workspace's ledger in this process, with the CLI's actor and (unless given) its clock."""
    with ledger_for(settings, clock=clock, actor=os_user()) as ledger:
        yield ledger


@contextmanager
def runtime_on(settings: Settings) -> Iterator[Runtime]:
    """The pipeline's runtime in this process, as `chartfile process` opens it."""
    with open_runtime(settings, clock=utc_clock, actor=os_user()) as rt:
        yield rt


def half_filed(work_dir: Path, src: Path, dst: Path) -> None:
    """The state a crash leaves between a unit of work's store write and its commit: noted, written."""
    journal.note(work_dir, journal.Entry(dst))
    FileStore(dst.parent).put(src, dst)
