"""With the database locked by another program, every command says what the daemon says: one line, exit
code 3, no traceback, no SQL and none of the values it was writing (names, birth dates, MRNs, paths
below the store). --debug adds the traceback for IT, still without the SQL parameters."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

import pytest
from conftest import make_workspace, run_cli
from harness import Workspace
from scenarios import lab_result, text_pdf

pytestmark = pytest.mark.slow(minutes=1)

LOCKED = "error: the database could not be used (database is locked)"
SECRETS = ("Whitfield", "Harold", "1957-03-04", "4471203", "Thaddeus", "Pemberton", "1933-12-12", "9900001")
NEW_PATIENTS = "mrn,last_name,first_name,dob\n9900001,Pemberton,Thaddeus,1933-12-12\n"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = make_workspace(tmp_path_factory.mktemp("locked"))
    Workspace(root).configure(database={"busy_timeout_seconds": 1})
    run_cli(root, "patients", "import", str(root / "patients.csv"), check=True)
    text_pdf([lab_result("Harold Whitfield", None, None)], root / "name_only.pdf")
    run_cli(root, "process", str(root / "name_only.pdf"), check=True)
    (root / "new.csv").write_text(NEW_PATIENTS, encoding="utf-8")
    return Workspace(root)


@contextlib.contextmanager
def locked(ws: Workspace) -> Iterator[None]:
    """Another program holds the database's write lock."""
    with contextlib.closing(sqlite3.connect(ws.db, isolation_level=None, timeout=30)) as other:
        other.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")


COMMANDS = [
    pytest.param(("patients", "import", "{root}/new.csv"), id="patients-import"),
    pytest.param(("review", "assign", "1", "4471203", "--reason", "checked"), id="review-assign"),
    pytest.param(("documents", "show", "1"), id="documents-show"),
    pytest.param(("review", "show", "1"), id="review-show"),
    pytest.param(("review", "reject", "1", "--reason", "misdirected"), id="review-reject"),
    pytest.param(("reprocess", "--ids", "1", "--include-decided"), id="reprocess"),
]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_locked_database_is_one_line_and_exit_3(ws: Workspace, command: tuple[str, ...]) -> None:
    args = [part.format(root=ws.root) for part in command]
    with locked(ws):
        done = run_cli(ws.root, *args)
    said = done.stdout + done.stderr
    assert done.returncode == 3, said[-3000:]
    first = done.stderr.splitlines()[0]
    if command[0] == "reprocess":  # it goes on with the next document: one line each, naming it
        assert first.startswith("error: document 1: the database could not be used (database is locked)")
    else:
        assert first == LOCKED and done.stderr.count("error:") == 1
    assert "Traceback" not in said and "SQL" not in said and "INSERT" not in said and "UPDATE" not in said
    assert not any(secret in said for secret in SECRETS)
    assert str(ws.folder("store")) not in said


@pytest.mark.parametrize("command", COMMANDS[:2])
def test_debug_shows_the_traceback_without_the_parameters(ws: Workspace, command: tuple[str, ...]) -> None:
    args = [part.format(root=ws.root) for part in command]
    with locked(ws):
        done = run_cli(ws.root, "--debug", *args)
    said = done.stdout + done.stderr
    assert done.returncode == 3 and "Traceback (most recent call last)" in said
    assert "SQL parameters hidden" in said and LOCKED in said
    assert not any(secret in said for secret in SECRETS)


def test_nothing_was_changed_meanwhile(ws: Workspace) -> None:
    assert [doc["status"] for doc in ws.documents()] == ["review"]
    assert ws.rows("SELECT mrn FROM patients WHERE mrn = '9900001'") == []
    assert run_cli(ws.root, "audit", "verify").returncode == 0
