"""`chartfile reprocess` through the real CLI: new patients change outcomes, a second run changes nothing,
clerks' decisions are kept, unreadable files stay quarantined."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import make_workspace, run_cli
from scenarios import lab_result, text_pdf

NEW_PATIENT = "mrn,last_name,first_name,dob\n9999999,Quartermaine,Zebulon,1988-02-29\n"


def state(ws: Path) -> dict[str, Any]:
    """Everything a rerun could duplicate: rows, pages, the full-text index, audit actions, store files."""
    with sqlite3.connect(ws / "data" / "chartfile.db") as db:
        docs = {name: (status, mrn, path) for name, status, mrn, path in db.execute(
            "SELECT source_name, status, patient_mrn, stored_path FROM documents")}  # fmt: skip
        counts = {
            t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("documents", "pages", "pages_fts")
        }
        actions = [a for (a,) in db.execute("SELECT action FROM audit_events ORDER BY id")]
    files = sorted(str(p.relative_to(ws)) for p in (ws / "data" / "store").rglob("*") if p.is_file())
    return {"documents": docs, "counts": counts, "actions": actions, "files": files}


def run_json(ws: Path, *args: str) -> dict[str, Any]:
    done = run_cli(ws, "reprocess", "--json", *args, check=True)
    assert "reprocessing" not in done.stderr  # no progress bar with --json
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = make_workspace(tmp_path_factory.mktemp("reprocess"))
    run_cli(ws, "patients", "import", str(ws / "patients.csv"), check=True)
    batch = ws / "batch"
    batch.mkdir()
    text_pdf([lab_result("Zebulon Quartermaine", "02/29/1988", "9999999")], batch / "stranger.pdf")
    text_pdf([lab_result("Harold Whitfield", None, None)], batch / "name_only.pdf")
    text_pdf([lab_result("Rafael Castellano", "01/30/1972", "4471206")], batch / "castellano.pdf")
    (batch / "letter.docx").write_bytes(b"PK\x03\x04" + bytes(200))
    good = (batch / "castellano.pdf").read_bytes()
    (batch / "truncated.pdf").write_bytes(good[: len(good) // 3])
    run_cli(ws, "process", str(batch), check=True)
    name_only = state(ws)["documents"]["name_only.pdf"]
    assert name_only[0] == "review"
    ids = dict(sqlite3.connect(ws / "data" / "chartfile.db").execute("SELECT source_name, id FROM documents"))
    run_cli(ws, "review", "assign", str(ids["name_only.pdf"]), "4471203", check=True)
    return ws


def test_new_patients_change_the_outcome_and_a_second_run_changes_nothing(ws: Path) -> None:
    before = state(ws)
    assert before["documents"]["stranger.pdf"][0] == "unmatched"
    (ws / "new.csv").write_text(NEW_PATIENT, encoding="utf-8")
    run_cli(ws, "patients", "import", str(ws / "new.csv"), check=True)

    first = run_json(ws)
    assert (first["changed"], first["unchanged"], first["failed"]) == (1, 0, 0)
    (changed,) = first["documents"]
    assert changed["before"]["status"] == "unmatched" and changed["after"]["status"] == "filed"
    assert changed["after"]["mrn"] == "9999999"
    after = state(ws)
    status, mrn, stored = after["documents"]["stranger.pdf"]
    assert (status, mrn) == ("filed", "9999999")
    assert Path(stored).is_file() and "/patients/9999999/" in stored
    assert not Path(before["documents"]["stranger.pdf"][2]).exists()
    assert after["counts"] == before["counts"]
    assert after["actions"][len(before["actions"]) :] == ["reprocessed"]

    again = run_json(ws, "--status", "filed", "--status", "review", "--status", "unmatched")
    assert again["changed"] == 0 and again["failed"] == 0
    assert again["unchanged"] == 2 and again["skipped"] == 1  # the clerk's assignment is left alone
    final = state(ws)
    assert final["documents"] == after["documents"]
    assert final["counts"] == after["counts"] and final["files"] == after["files"]


def test_a_clerks_decision_is_kept_unless_include_decided(ws: Path) -> None:
    assigned = state(ws)["documents"]["name_only.pdf"]
    assert assigned[:2] == ("filed", "4471203")
    ids = dict(sqlite3.connect(ws / "data" / "chartfile.db").execute("SELECT source_name, id FROM documents"))
    kept = run_json(ws, "--ids", str(ids["name_only.pdf"]))
    assert kept["documents"][0]["outcome"] == "skipped" and "decided" in kept["documents"][0]["note"]
    assert state(ws)["documents"]["name_only.pdf"] == assigned
    redone = run_json(ws, "--ids", str(ids["name_only.pdf"]), "--include-decided")
    assert redone["documents"][0]["after"]["status"] == "review"  # what the matcher alone decides


def test_unreadable_files_stay_quarantined_with_a_progress_bar_on_stderr(ws: Path) -> None:
    before = state(ws)
    done = run_cli(ws, "reprocess", "--status", "quarantined", check=True)
    assert "reprocessing" in done.stderr and "2 unchanged" in done.stdout
    assert state(ws)["documents"] == before["documents"]
    assert all(Path(p).is_file() for p in (ws / "data" / "quarantine").glob("*.json"))


def test_a_batch_folder_selects_the_documents_taken_from_it(ws: Path) -> None:
    (ws / "elsewhere").mkdir(exist_ok=True)
    none = run_json(ws, "--batch", str(ws / "elsewhere"), "--status", "quarantined")
    assert none["documents"] == [] and none["unchanged"] == 0
    prefix_only = run_json(ws, "--batch", str(ws / "bat"), "--status", "quarantined")
    assert prefix_only["documents"] == []  # a folder, not a string prefix
    batch = run_json(ws, "--batch", str(ws / "batch"), "--status", "quarantined")
    assert batch["unchanged"] == 2 and len(batch["documents"]) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("--ids", "1,x"), "--ids must be numbers", id="ids-not-numbers"),
        pytest.param(("--ids", "999"), "no document with id 999", id="unknown-id"),
        pytest.param(("--since", "2026-13-01"), "Invalid value", id="bad-date"),
    ],
)
def test_bad_arguments_are_usage_errors(ws: Path, args: tuple[str, ...], message: str) -> None:
    done = run_cli(ws, "reprocess", *args)
    assert done.returncode == 2 and message in done.stderr
