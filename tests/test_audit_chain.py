"""The audit trail is tamper-evident: a keyed hash chain (site key outside the database) over every row.
A forged, edited or deleted row and a dropped guard trigger are each found by `audit verify`, by
`db check`, and at daemon start, which refuses to run; IT repairs the guards and reseals a break."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from conftest import run_cli, snapshot_workspace
from harness import Daemons, Workspace
from scenarios import lab_result, text_pdf
from sqlalchemy import create_engine

from chartfile.ledger.db import MIGRATIONS

pytestmark = pytest.mark.slow(minutes=1)
AUDIT_BROKEN = 5


def one_document_viewed(workspace: Path) -> None:
    run_cli(workspace, "patients", "import", str(workspace / "patients.csv"), check=True)
    text_pdf([lab_result("Harold Whitfield", "03/04/1957", "4471203")], workspace / "lab.pdf")
    run_cli(workspace, "process", str(workspace / "lab.pdf"), check=True)
    run_cli(workspace, "documents", "show", "1", check=True)


@pytest.fixture
def ws(request: pytest.FixtureRequest, database: str) -> Workspace:
    """A workspace with one document through the pipeline and viewed: eight audit rows (built once per
    database for the module, put back as built before each test)."""
    return Workspace(snapshot_workspace(request, database, one_document_viewed))


def verify(ws: Workspace) -> tuple[int, dict[str, object]]:
    done = run_cli(ws.root, "audit", "verify", "--json")
    return done.returncode, json.loads(done.stdout)


def refused_at_start(ws: Workspace, daemons: Daemons) -> str:
    daemon = daemons.start(ws.config)
    assert daemon.proc is not None and daemon.proc.wait(timeout=120) == AUDIT_BROKEN
    log = daemon.log()
    assert "watching the inbox" not in log and "Traceback" not in log
    return log


@pytest.mark.both_databases
def test_an_untouched_trail_verifies_and_its_key_is_private(ws: Workspace) -> None:
    code, report = verify(ws)
    assert code == 0 and report["ok"] is True and report["first_break"] is None
    assert report["rows"] == report["chained"] == len(ws.rows("SELECT id FROM audit_events")) >= 5
    key = ws.root / "data" / "audit.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(bytes.fromhex(key.read_text())) == 32
    assert all(row["chain"] for row in ws.rows("SELECT chain FROM audit_events"))
    check = run_cli(ws.root, "db", "check", "--json")
    assert check.returncode == 0 and json.loads(check.stdout)["ok"] is True


def test_a_forged_back_dated_row_is_found_and_the_daemon_refuses_to_start(
    ws: Workspace, daemons: Daemons
) -> None:
    ws.execute(
        "INSERT INTO audit_events (at, actor, action, document_id, detail) "
        "VALUES ('2025-01-01 09:00:00.000000', 'someone', 'viewed', 1, '{}')"
    )
    (forged,) = ws.rows("SELECT id FROM audit_events WHERE actor = 'someone'")
    code, report = verify(ws)
    assert code == AUDIT_BROKEN and report["first_break"]["row_id"] == forged["id"]  # type: ignore[index]
    assert "forged or back-dated" in report["first_break"]["reason"]  # type: ignore[index]
    log = refused_at_start(ws, daemons)
    assert f"error: the audit trail is broken at row {forged['id']}" in log
    assert "what to do: IT: run `chartfile audit verify`" in log
    check = run_cli(ws.root, "db", "check")
    assert check.returncode == AUDIT_BROKEN and f"broken at row {forged['id']}" in check.stderr


@pytest.mark.both_databases
def test_an_edited_row_after_its_guard_was_dropped_is_found(ws: Workspace, daemons: Daemons) -> None:
    ws.drop_trigger("audit_events_no_update")
    ws.execute("UPDATE audit_events SET actor = 'someone else' WHERE id = 3")
    code, report = verify(ws)
    assert code == AUDIT_BROKEN and report["first_break"]["row_id"] == 3  # type: ignore[index]
    assert report["missing_guards"] == ["audit_events_no_update"]
    assert "broken at row 3" in refused_at_start(ws, daemons)


@pytest.mark.both_databases
def test_a_dropped_trigger_is_found_and_put_back_by_db_check_repair(ws: Workspace, daemons: Daemons) -> None:
    ws.drop_trigger("audit_events_no_delete")
    code, report = verify(ws)
    assert code == AUDIT_BROKEN and report["first_break"] is None
    assert report["missing_guards"] == ["audit_events_no_delete"]
    log = refused_at_start(ws, daemons)
    assert "guard triggers are missing or altered: audit_events_no_delete" in log
    assert "db check --repair" in log
    repaired = run_cli(ws.root, "db", "check", "--repair", "--json")
    assert repaired.returncode == 0 and json.loads(repaired.stdout)["repaired_guards"] == [
        "audit_events_no_delete"
    ]
    assert verify(ws)[0] == 0
    events = [
        json.loads(line) for line in run_cli(ws.root, "audit", "--json", check=True).stdout.splitlines()
    ]
    assert events[-1]["action"] == "guards-restored"
    assert events[-1]["detail"] == {"triggers": ["audit_events_no_delete"]}
    daemon = daemons.start(ws.config)
    daemon.wait_for_log("watching the inbox", timeout=120)
    assert "audit trail verified" in daemon.log()


@pytest.mark.both_databases
@pytest.mark.parametrize(
    ("row", "where"),
    [pytest.param(4, "row 4 is missing", id="middle"), pytest.param(-1, "newest", id="newest")],
)
def test_a_deleted_row_is_found(ws: Workspace, row: int, where: str) -> None:
    newest = ws.rows("SELECT max(id) AS id FROM audit_events")[0]["id"]
    ws.drop_trigger("audit_events_no_delete")
    ws.execute("DELETE FROM audit_events WHERE id = ?", newest if row == -1 else row)
    code, report = verify(ws)
    assert code == AUDIT_BROKEN and where in report["first_break"]["reason"]  # type: ignore[index]


@pytest.mark.both_databases
def test_a_break_resealed_by_it_is_recorded_and_later_tampering_still_shows(ws: Workspace) -> None:
    ws.drop_trigger("audit_events_no_update")
    ws.execute("UPDATE audit_events SET detail = '{}' WHERE id = 2")
    run_cli(ws.root, "db", "check", "--repair")
    resealed = run_cli(ws.root, "audit", "reseal", "--reason", "ticket 42: restored from backup", "--json")
    assert resealed.returncode == 0
    assert json.loads(resealed.stdout)["before"]["first_break"]["row_id"] == 2
    code, report = verify(ws)
    assert code == 0 and report["restarts"] == 1
    events = [
        json.loads(line) for line in run_cli(ws.root, "audit", "--json", check=True).stdout.splitlines()
    ]
    assert events[-1]["action"] == "audit-resealed" and events[-1]["detail"]["broken_at"] == 2
    assert events[-1]["detail"]["reason"] == "ticket 42: restored from backup"
    ws.drop_trigger("audit_events_no_update")
    ws.execute("UPDATE audit_events SET actor = 'x' WHERE id = 1")  # before the new start: sealed
    code, report = verify(ws)
    assert code == AUDIT_BROKEN and "older than the chain's start" in report["first_break"]["reason"]  # type: ignore[index]


def test_without_its_site_key_nothing_runs_and_a_new_key_is_never_made_silently(ws: Workspace) -> None:
    key = ws.root / "data" / "audit.key"
    kept = key.read_bytes()
    key.unlink()
    done = run_cli(ws.root, "documents", "list")
    assert done.returncode == AUDIT_BROKEN and "audit site key" in done.stderr and "is missing" in done.stderr
    assert not key.exists()
    key.write_text(os.urandom(32).hex() + "\n")  # another site's key
    key.chmod(0o600)
    code, report = verify(ws)
    assert code == AUDIT_BROKEN and "site key is not this database's" in report["first_break"]["reason"]  # type: ignore[index]
    key.write_bytes(kept)
    assert verify(ws)[0] == 0


def test_rows_written_before_the_chain_are_sealed_when_it_starts(workspace: Path) -> None:
    ws = Workspace(workspace)
    ws.db.parent.mkdir(parents=True)
    engine = create_engine(f"sqlite:///{ws.db}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:  # a database from before the chain (revision 0002)
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    engine.dispose()
    for number in range(3):
        ws.execute(
            "INSERT INTO audit_events (at, actor, action, document_id, detail) "
            "VALUES (?, 'clerk', 'viewed', ?, '{}')",
            f"2026-01-0{number + 1} 10:00:00.000000",
            number,
        )
    code, report = verify(ws)  # the first command migrates, makes the key and starts the chain
    assert code == 0 and (report["sealed"], report["start_id"]) == (3, 4)
    ws.drop_trigger("audit_events_no_update")
    ws.execute("UPDATE audit_events SET actor = 'nobody' WHERE id = 2")
    code, report = verify(ws)
    assert code == AUDIT_BROKEN and "older than the chain's start (row 4)" in report["first_break"]["reason"]  # type: ignore[index]


@pytest.mark.both_databases
def test_db_check_says_when_the_site_key_can_be_read_by_others(ws: Workspace) -> None:
    (ws.root / "data" / "audit.key").chmod(0o644)
    done = run_cli(ws.root, "db", "check")
    assert done.returncode == 1 and "error: the audit site key file can be read by other users" in done.stderr
    assert "what to do: chmod 600 it" in done.stderr
