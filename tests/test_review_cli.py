"""The review queue through the real CLI: list, show, assign, reject, split, and `documents refile`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from conftest import database_url_for, make_workspace, run_cli
from harness import connect_database
from PIL import Image
from scenarios import image_pdf, lab_result, text_pdf

pytestmark = [pytest.mark.slow, pytest.mark.both_databases]  # real CLI processes end to end (still run in CI)


def as_json(detail: Any) -> Any:
    """A JSON column as read: text on SQLite, already parsed on PostgreSQL."""
    return json.loads(detail) if isinstance(detail, str) else detail


PHI = ("Whitfield", "WHITFIELD", "Harold", "Okonkwo", "Adaeze", "Lindqvist", "1957", "1984", "Quartermaine")


def rows(ws: Path) -> dict[str, dict[str, Any]]:
    """The documents table by source name, read straight from the database file."""
    with connect_database(ws) as db:
        return {row["source_name"]: dict(row) for row in db.execute("SELECT * FROM documents")}


def audit_of(ws: Path, document_id: int) -> list[dict[str, Any]]:
    with connect_database(ws) as db:
        found = db.execute(
            "SELECT action, detail FROM audit_events WHERE document_id = ? ORDER BY id", (document_id,)
        )
        return [{"action": action, "detail": as_json(detail)} for action, detail in found]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, database: str, request: pytest.FixtureRequest) -> Path:
    """Born-digital PDFs (fast, no OCR) plus one scanned page (OCR) for each queue situation."""
    ws = make_workspace(tmp_path_factory.mktemp("review"), database_url_for(database, request))
    run_cli(ws, "patients", "import", str(ws / "patients.csv"), check=True)
    batch = ws / "batch"
    batch.mkdir()
    text_pdf([lab_result("Harold Whitfield", None, None)], batch / "name_only.pdf")
    text_pdf(
        [
            lab_result("Harold Whitfield", "03/04/1957", "4471203"),
            lab_result("Adaeze Okonkwo", "11/23/1984", "4471204"),
        ],
        batch / "two_patients.pdf",
    )
    text_pdf([lab_result("Zebulon Quartermaine", "02/29/1988", "9999999")], batch / "stranger.pdf")
    text_pdf([lab_result("Rafael Castellano", "01/30/1972", "4471206")], batch / "castellano.pdf")
    image_pdf([lab_result("Margaret Lindqvist", None, None)], batch / "scanned_name_only.pdf")
    done = run_cli(ws, "process", str(batch), "--json", check=True)
    summary = json.loads(done.stdout)
    assert (summary["review"], summary["unmatched"], summary["filed"]) == (3, 1, 1), summary
    return ws


def test_every_clerk_command_has_help(ws: Path) -> None:
    for command in (("review", "split"), ("documents", "refile")):
        done = run_cli(ws, *command, "--help", check=True)
        assert "Usage" in done.stdout and "--json" in done.stdout and "--reason" in done.stdout


def test_review_list_is_oldest_first_with_candidates_and_scores(ws: Path) -> None:
    done = run_cli(ws, "review", "list", "--json", check=True)
    listed = [json.loads(line) for line in done.stdout.splitlines()]
    assert {row["status"] for row in listed} == {"review"}
    assert [row["received_at"] for row in listed] == sorted(row["received_at"] for row in listed)
    name_only = next(row for row in listed if row["source_name"] == "name_only.pdf")
    assert name_only["candidates"][0]["mrn"] == "4471203"
    assert 0 < name_only["candidates"][0]["score"] < 0.995
    assert name_only["reasons"] and name_only["age_hours"] >= 0
    table = run_cli(ws, "review", "list", check=True).stdout
    assert "name_only.pdf" in table and "4471203" in table and "waiting for review" in table


def test_review_show_gives_field_reasons_page_text_and_a_preview(ws: Path) -> None:
    doc = rows(ws)["name_only.pdf"]
    detail = json.loads(run_cli(ws, "review", "show", str(doc["id"]), "--json", check=True).stdout)
    levels = {f["field"]: f["level"] for f in detail["candidates"][0]["fields"]}
    assert levels["surname"] == "exact" and levels["dob"] == "null"
    (name,) = [f for identity in detail["identities"] for f in identity["fields"] if f["field"] == "name"]
    assert any("Patient: Harold Whitfield" in line for line in name["lines"])
    preview = Path(detail["preview_path"])
    assert preview.parent == ws / "data" / "store" / "previews"
    with Image.open(preview) as image:
        assert image.format == "PNG" and 300 < image.height < 1000  # a letter page at 50 dpi
    human = run_cli(ws, "review", "show", str(doc["id"]), check=True).stdout
    assert "surname" in human and "identity as read" in human and str(preview) in human
    assert [e["detail"] for e in audit_of(ws, doc["id"]) if e["action"] == "viewed"][-1] == {
        "command": "review show"
    }


def test_review_show_finds_the_identity_in_ocr_text(ws: Path) -> None:
    doc = rows(ws)["scanned_name_only.pdf"]
    detail = json.loads(run_cli(ws, "review", "show", str(doc["id"]), "--json", check=True).stdout)
    lines = [line for identity in detail["identities"] for f in identity["fields"] for line in f["lines"]]
    assert any("Lindqvist" in line for line in lines)


def test_unknown_ids_and_mrns_are_usage_errors_without_patient_data(ws: Path) -> None:
    doc = rows(ws)["stranger.pdf"]
    for args, message in (
        (("review", "show", "9999"), "no document with id 9999"),
        (("review", "assign", str(doc["id"]), "0000000"), "no patient with that MRN"),
        (("review", "split", str(doc["id"]), "--pages", "1-3", "--mrn", "4471203"), "has 1 page(s)"),
        (("review", "reject", str(doc["id"]), "--reason", " "), "--reason must not be empty"),
    ):
        done = run_cli(ws, *args)
        assert done.returncode == 2, done.stderr
        assert message in done.stderr and "what to do" in done.stderr
        assert not any(secret in done.stderr for secret in PHI)
    assert rows(ws)["stranger.pdf"]["status"] == "unmatched"


def test_assign_files_the_pdf_under_the_patient_and_audits_before_after(ws: Path) -> None:
    doc = rows(ws)["name_only.pdf"]
    old = Path(doc["stored_path"])
    done = run_cli(
        ws, "review", "assign", str(doc["id"]), "4471203", "--reason", "checked the chart", check=True
    )
    assert f"document {doc['id']} assigned: review -> filed" in done.stdout
    now = rows(ws)["name_only.pdf"]
    stored = Path(now["stored_path"])
    assert now["status"] == "filed" and now["patient_mrn"] == "4471203" and now["stored_sha256"]
    assert stored.parent.parent == ws / "data" / "store" / "patients" / "4471203" and stored.is_file()
    assert not old.exists()
    with pikepdf.open(stored) as pdf:
        assert "MRN 4471203" in str(pdf.docinfo["/Keywords"])
    event = audit_of(ws, doc["id"])[-1]
    assert event["action"] == "assigned" and event["detail"]["reason"] == "checked the chart"
    assert event["detail"]["before"] == {"status": "review", "mrn": None, "stored_path": str(old)}
    assert event["detail"]["after"] == {"status": "filed", "mrn": "4471203", "stored_path": str(stored)}
    again = run_cli(ws, "review", "assign", str(doc["id"]), "4471203")
    assert again.returncode == 2 and "only review, unmatched documents can be assigned" in again.stderr


def test_reject_needs_a_reason_and_keeps_the_file_under_rejected(ws: Path) -> None:
    doc = rows(ws)["stranger.pdf"]
    assert run_cli(ws, "review", "reject", str(doc["id"])).returncode == 2  # --reason is required
    done = run_cli(
        ws, "review", "reject", str(doc["id"]), "--reason", "misdirected fax", "--json", check=True
    )
    decision = json.loads(done.stdout)
    assert decision["before"]["status"] == "unmatched" and decision["after"]["status"] == "rejected"
    stored = Path(decision["after"]["stored_path"])
    assert stored.is_file() and stored.parent.parent == ws / "data" / "store" / "rejected"
    assert rows(ws)["stranger.pdf"]["status"] == "rejected"


def test_split_cuts_page_ranges_into_child_documents_per_patient(ws: Path) -> None:
    parent = rows(ws)["two_patients.pdf"]
    done = run_cli(
        ws, "review", "split", str(parent["id"]), "--pages", "1", "--mrn", "4471203",
        "--pages", "2", "--mrn", "4471204", "--reason", "two patients in one fax", "--json", check=True,
    )  # fmt: skip
    decisions = [json.loads(line) for line in done.stdout.splitlines()]
    children = decisions[:-1]
    assert decisions[-1]["id"] == parent["id"] and decisions[-1]["after"]["status"] == "split"
    assert [c["after"]["mrn"] for c in children] == ["4471203", "4471204"]
    now = rows(ws)
    for child, mrn in zip(children, ("4471203", "4471204"), strict=True):
        row = next(r for r in now.values() if r["id"] == child["id"])
        assert row["status"] == "filed" and row["patient_mrn"] == mrn and row["page_count"] == 1
        with pikepdf.open(row["stored_path"]) as pdf:
            assert len(pdf.pages) == 1
        text = subprocess.run(
            ["pdftotext", row["stored_path"], "-"], capture_output=True, text=True, check=True
        ).stdout
        assert ("Whitfield" in text) == (mrn == "4471203")
        assert audit_of(ws, child["id"])[-1]["detail"]["parent"] == parent["id"]
    split_parent = now["two_patients.pdf"]
    assert split_parent["status"] == "split" and Path(split_parent["stored_path"]).is_file()
    assert audit_of(ws, parent["id"])[-1]["detail"]["children"] == [
        {"id": c["id"], "pages": p} for c, p in zip(children, ("1", "2"), strict=True)
    ]


def test_refile_moves_a_filed_document_and_requires_a_reason(ws: Path) -> None:
    doc = rows(ws)["castellano.pdf"]
    missing = run_cli(ws, "documents", "refile", str(doc["id"]), "4471205")
    assert missing.returncode == 2 and "--reason" in missing.stderr
    done = run_cli(
        ws, "documents", "refile", str(doc["id"]), "4471205", "--reason", "wrong chart", check=True
    )
    assert "refiled: filed -> filed" in done.stdout
    now = rows(ws)["castellano.pdf"]
    assert now["patient_mrn"] == "4471205" and "/patients/4471205/" in now["stored_path"]
    assert Path(now["stored_path"]).is_file() and not Path(doc["stored_path"]).exists()
    event = audit_of(ws, doc["id"])[-1]
    assert event["action"] == "refiled" and event["detail"]["before"]["mrn"] == "4471206"
    same = run_cli(ws, "documents", "refile", str(doc["id"]), "4471205", "--reason", "again")
    assert same.returncode == 2 and "filed to that patient already" in same.stderr
    queued = run_cli(
        ws, "documents", "refile", str(rows(ws)["scanned_name_only.pdf"]["id"]), "4471205", "--reason", "x"
    )
    assert queued.returncode == 2 and "only filed documents can be refiled" in queued.stderr
