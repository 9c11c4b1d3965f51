"""Shared fixtures: a private workspace with its own config, database and folders; real CLI runs."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
import tesseract_shim
import yaml
from harness import Daemon, Daemons, Workspace
from pgserver import PgServer, start_server

from chartfile.settings import DEFAULT_CONFIG_TEXT, Settings, load_settings

PATIENTS_CSV = """mrn,last_name,first_name,middle_name,dob,sex,phone,address,city,state,zip
4471203,Whitfield,Harold,James,1957-03-04,M,555-0101,12 Elm St,Springfield,MA,01101
4471204,Okonkwo,Adaeze,,1984-11-23,F,555-0102,40 Oak Ave,Springfield,MA,01102
4471205,Lindqvist,Margaret,Anne,1949-07-15,F,555-0103,7 Pine Rd,Worcester,MA,01601
4471206,Castellano,Rafael,,1972-01-30,M,555-0104,99 Birch Ln,Boston,MA,02101
"""


def make_workspace(folder: Path, database_url: str | None = None) -> Path:
    """A folder with config.yaml (fast readiness settings) whose paths live inside it; its database is a
    SQLite file in it, or `database_url` (a PostgreSQL database of the test server)."""
    raw = yaml.safe_load(DEFAULT_CONFIG_TEXT)
    if database_url:
        raw["database"]["url"] = database_url
    raw["ingest"] |= {"stability_seconds": 0.5, "poll_interval_seconds": 0.2, "rescan_seconds": 2}
    raw["ocr"]["workers"] = 2
    (folder / "config.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    (folder / "patients.csv").write_text(PATIENTS_CSV, encoding="utf-8")
    return folder


_SHIM = Path(tesseract_shim.__file__)
_OCR_FOLDER = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """Put tesseract_shim first on PATH for the whole run (workers inherit it): each distinct page is OCR'd
    by the real Tesseract once. Set TESSERACT_SHIM_CACHE= (empty) to OCR every call."""
    if hasattr(config, "workerinput") or tesseract_shim.CACHE_ENV in os.environ:
        return
    real = shutil.which("tesseract")
    if real is None:
        return  # the OCR tests say what is missing
    folder = Path(tempfile.mkdtemp(prefix="chartfile-test-ocr-"))
    (folder / "bin").mkdir()
    shim = folder / "bin" / "tesseract"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "{_SHIM}" "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    os.environ |= {
        tesseract_shim.CACHE_ENV: str(folder / "pages"),
        tesseract_shim.REAL_ENV: real,
        "PATH": f"{folder / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    config.stash[_OCR_FOLDER] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_OCR_FOLDER, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _real_ocr_where_ocr_is_tested(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The OCR tests and the benchmarks' smoke tests run Tesseract on every call."""
    module = request.node.module.__name__ if request.node.module else ""
    if module.startswith("test_ocr") or "bench" in module:
        monkeypatch.setenv(tesseract_shim.CACHE_ENV, "")


DATABASES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked `both_databases` run on SQLite and on PostgreSQL (the `database` fixture's value)."""
    if "database" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_databases"):
        metafunc.parametrize("database", DATABASES, indirect=True, scope="module")


@pytest.fixture(scope="module")
def database(request: pytest.FixtureRequest) -> str:
    """Which database the test's workspaces use: "sqlite" (the default) or "postgresql"."""
    return str(getattr(request, "param", "sqlite"))


def database_url_for(database: str, request: pytest.FixtureRequest) -> str | None:
    """None for SQLite (the workspace's own file); else a new PostgreSQL database, dropped afterwards."""
    if database == "sqlite":
        return None
    server: PgServer = request.getfixturevalue("pg_server")
    digest = hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:12]
    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:40] + digest
    server.drop_database(name)
    url = server.create_database(name)
    request.addfinalizer(lambda: server.drop_database(name))
    return url


@pytest.fixture
def workspace(tmp_path: Path, database: str, request: pytest.FixtureRequest) -> Iterator[Path]:
    yield make_workspace(tmp_path, database_url_for(database, request))


class Snapshots:
    """Workspaces built once per test module and database, then put back as built (folder and database,
    at the same path) before each test that uses one: for tests that share an expensive start (documents
    through the pipeline) but each change what it made."""

    def __init__(self, base: Path) -> None:
        self.base = base

    def restore(self, key: str, server: PgServer | None, build: Callable[[Path], object]) -> Path:
        root, kept = self.base / key / "workspace", self.base / key / "built"
        name = "s_" + hashlib.sha1(key.encode()).hexdigest()[:16]
        if kept.exists():
            shutil.rmtree(root)
            shutil.copytree(kept, root, symlinks=True)
            if server is not None:
                server.clone_database(name + "_built", name)
            return root
        shutil.rmtree(root, ignore_errors=True)  # a build that failed (its test failed) is built again
        root.mkdir(parents=True)
        url = None
        if server is not None:
            server.drop_database(name)
            url = server.create_database(name)
        build(make_workspace(root, url))
        shutil.copytree(root, kept, symlinks=True)
        if server is not None:
            server.clone_database(name, name + "_built")
        return root


@pytest.fixture(scope="session")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> Snapshots:
    return Snapshots(tmp_path_factory.mktemp("snapshots"))


def snapshot_workspace(
    request: pytest.FixtureRequest, database: str, build: Callable[[Path], object]
) -> Path:
    """The test module's workspace on `database`, as `build` left it (built by the module's first test)."""
    shots: Snapshots = request.getfixturevalue("snapshots")
    server: PgServer | None = request.getfixturevalue("pg_server") if database == "postgresql" else None
    return shots.restore(f"{request.module.__name__}-{database}", server, build)


@pytest.fixture
def settings(workspace: Path) -> Settings:
    return load_settings(workspace / "config.yaml")


def run_cli(
    workspace: Path,
    *args: str,
    check: bool = False,
    timeout: float = 600,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`chartfile --config WORKSPACE/config.yaml ARGS...` in a real subprocess (`env`: added variables)."""
    env = {k: v for k, v in os.environ.items() if k != "CHARTFILE_CONFIG"} | (env or {})
    done = subprocess.run(
        [sys.executable, "-m", "chartfile", "--config", str(workspace / "config.yaml"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"chartfile {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return done


_DAEMONS = pytest.StashKey[Daemons]()
_DAEMON_LOG_TAIL = 20_000  # characters of each daemon's log a failing test's report carries


@pytest.fixture
def daemons(request: pytest.FixtureRequest) -> Iterator[Daemons]:
    """Real `chartfile watch` processes, killed at the end of the test if still running. A failing test's
    report carries the end of each one's log (chartfile logs no patient data), which its temporary
    folder may not keep long enough to read."""
    with Daemons() as started:
        request.node.stash[_DAEMONS] = started
        yield started


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call" and report.failed and _DAEMONS in item.stash:
        for number, daemon in enumerate(item.stash[_DAEMONS].started, start=1):
            if daemon.log_path.exists():
                report.sections.append((f"daemon {number} log", daemon.log()[-_DAEMON_LOG_TAIL:]))
    return report


def started(ws: Workspace, daemons: Daemons) -> Daemon:
    """A daemon on the workspace, once it watches the inbox."""
    daemon = daemons.start(ws.config)
    daemon.wait_for_log("watching the inbox", timeout=60)
    return daemon


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest test files first (by the `slow` marker's `minutes` estimate), so that the workers of
    `pytest -n N --dist loadfile --no-loadscope-reorder` (make test) finish together instead of one
    starting the longest file last (xdist would otherwise send files with the most tests first)."""
    cost: dict[Path, float] = {}
    for item in items:
        marker = item.get_closest_marker("slow")
        minutes = float(marker.kwargs.get("minutes", 0.5)) if marker else 0.0
        cost[item.path] = max(cost.get(item.path, 0.0), minutes)
    items.sort(key=lambda item: -cost[item.path])


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One throw-away PostgreSQL server per test process (started as `postgres` under root)."""
    server = start_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer, request: pytest.FixtureRequest) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test; its SQLAlchemy URL."""
    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:50]
    pg_server.drop_database(name)
    yield pg_server.create_database(name)
    pg_server.drop_database(name)
