"""Any mix of runs on one inbox files each document exactly once: `process` beside `watch`, two
`process` runs on one folder, a claim held by another station; the loser says who holds the file and
moves on (exit 0); no good file is quarantined."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import run_cli, started
from harness import Daemons, Workspace, cli_env, wait_until
from test_daemon_crash import make_faxes, sha256

pytestmark = pytest.mark.slow(minutes=3)


@pytest.fixture
def ws(workspace: Path) -> Workspace:
    run_cli(workspace, "patients", "import", str(workspace / "patients.csv"), check=True)
    return Workspace(workspace)


def start_process(ws: Workspace, folder: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "chartfile", "--config", str(ws.config), "process", str(folder), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
    )


def stamp(at: dt.datetime) -> str:
    """A time as chartfile's SQLite columns keep it (UTC)."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def each_filed_once(ws: Workspace, inputs: dict[str, str]) -> None:
    docs = ws.documents()
    copies = Counter(doc["sha256"] for doc in docs)
    assert sorted(copies) == sorted(inputs.values()) and set(copies.values()) == {1}, copies
    assert {doc["status"] for doc in docs} <= {"filed", "review"}
    assert list(ws.folder("quarantine").iterdir()) == []
    stored = [p for p in ws.folder("store").rglob("*.pdf") if "previews" not in p.parts]
    assert len(stored) == len(inputs)  # one stored PDF per document: none filed twice
    assert len(ws.intake()) == len(inputs) and ws.rows("SELECT * FROM claims") == []


def test_process_beside_watch_on_the_inbox_files_each_fax_once(ws: Workspace, daemons: Daemons) -> None:
    inbox = ws.folder("inbox")
    inputs = make_faxes(inbox, 8, pages=1)
    daemon = started(ws, daemons)
    run = start_process(ws, inbox)
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, err[-3000:]
    wait_until(lambda: len(ws.documents()) == len(inputs), timeout=300, what="every fax committed")
    wait_until(lambda: not any(inbox.iterdir()), timeout=120, what="the inbox emptied")
    each_filed_once(ws, inputs)
    summary = json.loads(out)
    print(summary, daemon.log().count("was skipped"))
    taken_here = sum(summary[k] for k in ("filed", "review", "already-done")) + summary.get("skipped", 0)
    assert summary["failed"] == summary["quarantined"] == 0 and taken_here == summary["total"]
    assert "FileNotFoundError" not in err + daemon.log() and "quarantined" not in daemon.log()
    assert "Traceback" not in err and daemon.running()


def test_two_process_runs_on_one_folder_file_each_fax_once(ws: Workspace) -> None:
    batch = ws.root / "batch"
    inputs = make_faxes(batch, 8, pages=1)
    runs = [start_process(ws, batch), start_process(ws, batch)]
    said = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err[-2000:] for _, err in said]
    each_filed_once(ws, inputs)
    summaries = [json.loads(out) for out, _ in said]
    print(summaries)
    filed = sum(s["filed"] + s["review"] for s in summaries)
    assert filed == len(inputs)  # between them, every fax once
    skipped = sum(s.get("skipped", 0) + s["already-done"] for s in summaries)
    assert filed + skipped == sum(s["total"] for s in summaries)
    errors = "".join(err for _, err in said)
    assert "Traceback" not in errors and "error:" not in errors
    assert errors.count("skipped: already being processed by chartfile process (pid ") == sum(
        s.get("skipped", 0) for s in summaries
    ) - errors.count("skipped: an inbox file")


@pytest.mark.both_databases  # claims across stations on the shared database
def test_a_file_another_station_holds_is_left_to_it_until_its_lease_runs_out(ws: Workspace) -> None:
    batch = ws.root / "batch"
    (name, digest), *_ = make_faxes(batch, 1, pages=1).items()
    run_cli(ws.root, "status", check=True)  # the database exists
    now = dt.datetime.now(dt.UTC)
    ws.execute(
        "INSERT INTO claims VALUES (?, NULL, ?, '', 'ticket-b', ?, 'station-b/boot/pid:[1]', 4242, 1, ?, ?)",
        digest,
        str(batch / name),
        "chartfile watch (pid 4242 on station-b, user chartfile)",
        stamp(now),
        stamp(now + dt.timedelta(minutes=10)),
    )
    held = run_cli(ws.root, "process", str(batch), "--json")
    assert held.returncode == 0 and json.loads(held.stdout)["skipped"] == 1
    assert "skipped: already being processed by chartfile watch (pid 4242 on station-b" in held.stderr
    assert (batch / name).is_file() and ws.documents() == []
    ws.execute("UPDATE claims SET expires_at = ?", stamp(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    free = run_cli(ws.root, "process", str(batch), "--json", check=True)  # its lease ran out: station gone
    assert json.loads(free.stdout)["filed"] == 1 and not (batch / name).exists()
    assert [doc["sha256"] for doc in ws.documents()] == [digest] and ws.rows("SELECT * FROM claims") == []


@pytest.mark.both_databases  # claims across stations on the shared database
def test_a_second_copy_of_a_file_being_filed_becomes_its_duplicate(ws: Workspace) -> None:
    batch = ws.root / "batch"
    (name, _), *_ = make_faxes(batch, 1, pages=2).items()
    (batch / f"copy-{name}").write_bytes((batch / name).read_bytes())
    done = json.loads(run_cli(ws.root, "process", str(batch), "--json", check=True).stdout)
    assert (done["filed"] + done["review"], done["duplicate"]) == (1, 1)
    assert sorted(doc["status"] for doc in ws.documents())[0] == "duplicate"
    assert [sha256(Path(d["stored_path"])) for d in ws.documents() if d["status"] != "duplicate"]
