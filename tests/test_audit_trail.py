"""The audit trail: one document's whole life through the real CLI, and rows that cannot be changed."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml
from conftest import database_url_for, make_workspace, run_cli
from harness import connect_database
from scenarios import lab_result, text_pdf

pytestmark = [pytest.mark.slow, pytest.mark.both_databases]  # real CLI processes end to end (still run in CI)


def db_events(ws: Path, document_id: int) -> list[tuple[str, dt.datetime]]:
    with connect_database(ws) as db:
        rows = db.execute(
            "SELECT action, at FROM audit_events WHERE document_id = ? ORDER BY id", (document_id,)
        )
        return [
            (action, at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(at))
            for action, at in rows
        ]


@pytest.fixture(scope="module")
def lifecycle(
    tmp_path_factory: pytest.TempPathFactory, database: str, request: pytest.FixtureRequest
) -> tuple[Path, int, list[dict[str, Any]]]:
    """received -> review -> viewed -> assigned -> refiled -> reprocessed (no change) -> exported."""
    ws = make_workspace(tmp_path_factory.mktemp("audit"), database_url_for(database, request))
    raw = yaml.safe_load((ws / "config.yaml").read_text(encoding="utf-8"))
    (ws / "config.yaml").write_text(yaml.safe_dump(raw | {"report": {"timezone": "UTC"}}), encoding="utf-8")
    run_cli(ws, "patients", "import", str(ws / "patients.csv"), check=True)
    text_pdf([lab_result("Harold Whitfield", None, None)], ws / "name_only.pdf")
    run_cli(ws, "process", str(ws / "name_only.pdf"), check=True)
    with connect_database(ws) as db:
        (document_id,) = db.execute("SELECT id FROM documents").fetchone()
    doc = str(document_id)
    run_cli(ws, "review", "show", doc, check=True)
    run_cli(ws, "review", "assign", doc, "4471203", "--reason", "chart checked", check=True)
    run_cli(ws, "documents", "refile", doc, "4471205", "--reason", "wrong patient", check=True)
    reprocessed = json.loads(run_cli(ws, "reprocess", "--ids", doc, "--json", check=True).stdout)
    assert reprocessed["documents"][0]["outcome"] == "skipped"
    # The nightly report written late (after downtime) for a time the document was still waiting:
    times = dict(db_events(ws, document_id))
    waiting_then = times["review"] + (times["assigned"] - times["review"]) / 2
    moment = waiting_then.strftime("%Y-%m-%dT%H:%M:%S.%f")
    report = run_cli(
        ws, "report", "unmatched", "--out", str(ws / "out"), "--as-of", moment, "--json", check=True
    )
    assert json.loads(report.stdout)["statuses"]["review"]["total"] == 1
    events = run_cli(ws, "audit", "--document", doc, "--json", check=True).stdout.splitlines()
    return ws, document_id, [json.loads(line) for line in events]


def test_every_step_of_a_documents_life_is_one_audit_row(
    lifecycle: tuple[Path, int, list[dict[str, Any]]],
) -> None:
    _, document_id, events = lifecycle
    assert [e["action"] for e in events] == [
        "received",
        "ocr",
        "matched",
        "review",
        "viewed",
        "assigned",
        "refiled",
        "exported",
    ]
    assert {e["actor"] for e in events} == {getpass.getuser()}
    assert {e["document_id"] for e in events} == {document_id}
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    by_action = {e["action"]: e["detail"] for e in events}
    assert by_action["viewed"] == {"command": "review show"}
    assert (
        by_action["assigned"]["before"]["status"] == "review"
        and by_action["assigned"]["after"]["mrn"] == "4471203"
    )
    assert by_action["assigned"]["reason"] == "chart checked"
    assert (
        by_action["refiled"]["before"]["mrn"] == "4471203"
        and by_action["refiled"]["after"]["mrn"] == "4471205"
    )
    assert by_action["refiled"]["before"]["stored_path"] == by_action["assigned"]["after"]["stored_path"]
    assert by_action["exported"]["report"].endswith(".html")


def test_audit_lists_by_document_and_time_with_usage_errors(
    lifecycle: tuple[Path, int, list[dict[str, Any]]],
) -> None:
    ws, document_id, events = lifecycle
    table = run_cli(ws, "audit", "--document", str(document_id), check=True).stdout
    assert "refiled" in table and f"{len(events)} event(s)" in table
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).date().isoformat()
    assert run_cli(ws, "audit", "--since", tomorrow, "--json", check=True).stdout == ""
    unknown = run_cli(ws, "audit", "--document", "999")
    assert unknown.returncode == 2 and "no document with id 999" in unknown.stderr


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("UPDATE audit_events SET actor = 'someone else'", id="update"),
        pytest.param("DELETE FROM audit_events", id="delete"),
    ],
)
def test_audit_rows_cannot_be_changed_or_removed(
    lifecycle: tuple[Path, int, list[dict[str, Any]]], statement: str
) -> None:
    ws, _, events = lifecycle
    with (
        connect_database(ws) as db,
        pytest.raises((sqlite3.IntegrityError, psycopg.Error), match="append-only"),
    ):
        db.execute(statement)
    with connect_database(ws) as db:
        assert db.execute("SELECT count(*) FROM audit_events").fetchone()[0] >= len(events)
