"""A throw-away PostgreSQL server for the tests: the Debian package's binaries, a cluster in a temp folder,
listening on 127.0.0.1 with its socket in that folder. PostgreSQL refuses to run as root, so under root
(as in CI) the cluster belongs to, and runs as, the `postgres` user the Debian package creates."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

SUPERUSER = "chartfile_test"


@dataclass(frozen=True)
class PgServer:
    """A running cluster: its folder (data/, socket, log) and port on 127.0.0.1."""

    folder: Path
    port: int
    bin_dir: Path
    run_as: str | None  # the OS user running it (None: this process's user)

    def url(self, database: str = "postgres", *, driver: str = "postgresql+psycopg") -> str:
        """A SQLAlchemy URL (or, with driver="postgresql", a libpq one) for `database`."""
        return f"{driver}://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new, empty database; returns its SQLAlchemy URL."""
        with psycopg.connect(self.url(driver="postgresql"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def clone_database(self, template: str, name: str) -> str:
        """A new database copied from `template` (which nobody may be connected to); its URL."""
        self.drop_database(name)
        with psycopg.connect(self.url(driver="postgresql"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.url(driver="postgresql"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        _run(self, "pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def server_bin_dir() -> Path:
    """The newest installed server's bin folder (/usr/lib/postgresql/N/bin)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if not found:
        raise RuntimeError(
            "PostgreSQL server binaries not found: `make test` installs the postgresql package"
        )
    return found[-1].parent


def start_server(*, durable: bool = False) -> PgServer:
    """initdb + pg_ctl start in a new temp folder; trust authentication on 127.0.0.1 only. Tests run
    without fsync (nothing to keep); `durable` keeps PostgreSQL's own defaults (benchmarks of commits)."""
    run_as = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="chartfile-pg-"))
    if run_as is not None:
        account = pwd.getpwnam(run_as)
        os.chown(folder, account.pw_uid, account.pw_gid)
    server = PgServer(folder, _free_port(), server_bin_dir(), run_as)
    _run(
        server,
        "initdb",
        "-D",
        str(folder / "data"),
        "-U",
        SUPERUSER,
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--no-sync",
        "--locale=C.UTF-8",
    )
    options = f"-h 127.0.0.1 -p {server.port} -k {folder}"
    if not durable:
        options += " -c fsync=off -c full_page_writes=off"
    _run(
        server,
        "pg_ctl",
        "-D",
        str(folder / "data"),
        "-l",
        str(folder / "log"),
        "-o",
        options,
        "-w",
        "-t",
        "60",
        "start",
    )
    _wait_ready(server)
    return server


def _run(server: PgServer, program: str, *args: str, check: bool = True) -> None:
    command = [str(server.bin_dir / program), *args]
    if server.run_as is not None:
        command = ["runuser", "-u", server.run_as, "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if check and done.returncode != 0:
        log = server.folder / "log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr[-2000:]}\n{tail}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(server: PgServer, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(server.url(driver="postgresql"), connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
