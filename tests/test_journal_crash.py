"""A command killed inside a unit of work (after its store writes, before its commit) leaves a journal;
the next chartfile command, whatever it is, applies it: the store is as the rows say, nothing is lost."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from conftest import run_cli
from harness import cli_env
from scenarios import lab_result, text_pdf

from chartfile.ledger import journal

KILLED_IN_A_UNIT = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from chartfile.commands.common import os_user, utc_clock
    from chartfile.ledger import open_ledger
    from chartfile.ledger.documents import move_stored
    from chartfile.ledger.models import Document
    from chartfile.records import Status
    from chartfile.settings import load_settings

    settings = load_settings(Path(sys.argv[1]))
    document_id, action, arg = int(sys.argv[2]), sys.argv[3], sys.argv[4]
    with open_ledger(settings.paths, settings.database, clock=utc_clock, actor=os_user()) as ledger:
        with ledger.unit() as unit:
            doc = unit.session.get(Document, document_id)
            if action == "move":
                move_stored(unit, doc, status=Status.FILED, mrn=arg)
            else:
                unit.place(Path(arg), Path(doc.stored_path))
            unit.session.flush()
            os.kill(os.getpid(), signal.SIGKILL)  # a power cut before the commit
    """
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def filed(workspace: Path) -> dict[str, object]:
    """One born-digital lab result filed to 4471205 (no OCR needed)."""
    run_cli(workspace, "patients", "import", str(workspace / "patients.csv"), check=True)
    pdf = text_pdf([lab_result("Margaret Lindqvist", "07/15/1949", "4471205")], workspace / "lab.pdf")
    run_cli(workspace, "process", str(pdf), check=True)
    (doc,) = [
        json.loads(line) for line in run_cli(workspace, "documents", "list", "--json").stdout.splitlines()
    ]
    assert doc["status"] == "filed" and doc["patient_mrn"] == "4471205"
    return dict(doc)


def killed_in_a_unit(workspace: Path, document_id: int, action: str, arg: str) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLED_IN_A_UNIT,
            str(workspace / "config.yaml"),
            str(document_id),
            action,
            arg,
        ],
        capture_output=True,
        text=True,
        env=cli_env(),
        check=False,
        timeout=120,
    )
    assert done.returncode == -9, done.stderr


def store_files(workspace: Path) -> set[Path]:
    return {p for p in (workspace / "data" / "store").rglob("*") if p.is_file() and "previews" not in p.parts}


def unit_folders(workspace: Path) -> list[str]:
    return [p.name for p in (workspace / "data" / "work").iterdir() if p.name.startswith("unit-")]


def test_a_move_killed_before_its_commit_is_undone_by_the_next_command(
    workspace: Path, filed: dict[str, object]
) -> None:
    before = store_files(workspace)
    killed_in_a_unit(workspace, int(str(filed["id"])), "move", "4471206")
    written = store_files(workspace) - before
    assert len(written) == 1 and "4471206" in str(next(iter(written)))  # the half-done move's new file
    assert len(unit_folders(workspace)) == 1
    run_cli(workspace, "documents", "list", check=True)  # any command: it applies the journal first
    assert store_files(workspace) == before and unit_folders(workspace) == []
    detail = json.loads(run_cli(workspace, "documents", "show", str(filed["id"]), "--json").stdout)
    assert detail["patient_mrn"] == "4471205" and detail["stored_path"] == filed["stored_path"]
    assert sha256(Path(str(detail["stored_path"]))) == detail["stored_sha256"]
    moved = run_cli(workspace, "documents", "refile", str(filed["id"]), "4471206", "--reason", "test")
    assert moved.returncode == 0, moved.stderr


def test_a_file_replaced_in_place_is_put_back_when_the_unit_died(
    workspace: Path, filed: dict[str, object]
) -> None:
    stored = Path(str(filed["stored_path"]))
    kept = sha256(stored)
    other = text_pdf([lab_result("Rafael Castellano", "01/30/1972", "4471206")], workspace / "other.pdf")
    killed_in_a_unit(workspace, int(str(filed["id"])), "place", str(other))
    assert sha256(stored) == sha256(other)  # overwritten, uncommitted: the row still records `kept`
    run_cli(workspace, "status", check=True)
    assert sha256(stored) == kept and unit_folders(workspace) == []


def test_a_unit_folder_killed_while_opening_is_swept_and_a_live_one_is_left(tmp_path: Path) -> None:
    """Killed between creating its ".starting-" folder and renaming it, a command leaves a folder nothing
    was journaled in: the next ledger open removes it, unless a running command still holds its lock."""
    dead, live = tmp_path / ".starting-dead", tmp_path / ".starting-live"
    for folder in (dead, live):
        folder.mkdir()
        (folder / journal.LOCK).touch()
    held = os.open(live / journal.LOCK, os.O_WRONLY)
    fcntl.flock(held, fcntl.LOCK_EX)
    try:
        later = (dead / journal.LOCK).stat().st_mtime + 5
        assert journal.abandoned_starts(tmp_path, now=later) == [dead]
        assert journal.abandoned_starts(tmp_path) == []  # a lock just created: its starter locks it next
    finally:
        os.close(held)


def test_a_starter_killed_after_locking_is_swept_at_once() -> None:
    """A starter that locked its folder wrote its PID; killed before the rename, its lock is free: a
    command started right after the kill sweeps it without waiting for the lock to age."""
    with tempfile.TemporaryDirectory() as root:
        work = Path(root)
        dead, opening = work / ".starting-dead", work / ".starting-opening"
        for folder in (dead, opening):
            folder.mkdir()
            (folder / journal.LOCK).touch()
        (dead / journal.LOCK).write_text("4242")
        assert journal.abandoned_starts(work) == [dead]  # the empty one: its starter may lock it next


def test_a_starter_killed_at_any_point_of_opening_is_swept_at_once_by_its_name(tmp_path: Path) -> None:
    """A command killed while another of its threads opened a unit folder leaves it in any state: made
    with no lock yet, with an empty lock, or locked without its PID. The folder's name says which process
    on this host made it; that process is gone, so a command started at once after the kill sweeps it.
    A folder named for a running process (this one) waits for its lock, as before."""
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    host, dead_pid = socket.gethostname(), int(gone.stdout)
    no_lock = tmp_path / f".starting-{host}~{dead_pid}~a"
    empty_lock = tmp_path / f".starting-{host}~{dead_pid}~b"
    mine = tmp_path / f".starting-{host}~{os.getpid()}~c"
    elsewhere = tmp_path / f".starting-another-host~{dead_pid}~d"
    for folder in (no_lock, empty_lock, mine, elsewhere):
        folder.mkdir()
    for folder in (empty_lock, mine, elsewhere):
        (folder / journal.LOCK).touch()
    assert journal.abandoned_starts(tmp_path) == [no_lock, empty_lock]
