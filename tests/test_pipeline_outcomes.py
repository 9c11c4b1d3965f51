"""End to end through the real CLI: every outcome, on real scans, faxes and PDFs, with real Tesseract."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from conftest import make_workspace, run_cli
from scenarios import fax_tiff, image_pdf, lab_result, scan_png, text_pdf

pytestmark = pytest.mark.slow

LIST_FIELDS = {
    "id",
    "source_name",
    "sha256",
    "status",
    "patient_mrn",
    "score",
    "candidates",
    "doc_type",
    "doc_date",
    "page_count",
    "stored_path",
    "received_at",
}


def make_inbox(inbox: Path) -> dict[str, str]:
    """One file per scenario; returns file name -> the status it must end in."""
    inbox.mkdir(parents=True, exist_ok=True)
    scan_png(lab_result("WHITFIELD, HAROLD J", "03/04/1957", "4471203"), inbox / "scan_300dpi_filed.png")
    fax_tiff([lab_result("Adaeze Okonkwo", "11/23/1984", "4471204")], inbox / "fax_fine_g4_filed.tif")
    fax_tiff(
        [lab_result("Margaret Lindqvist", "07/15/1949", "4471205")],
        inbox / "fax_standard_g4_filed.tif",
        mode="standard",
    )
    text_pdf([lab_result("Rafael Castellano", "01/30/1972", "4471206")], inbox / "born_digital_filed.pdf")
    image_pdf([lab_result("Harold Whitfield", None, None)], inbox / "name_only_review.pdf")
    scan_png(
        lab_result("Zebulon Quartermaine", "02/29/1988", "9999999"), inbox / "unknown_patient_unmatched.png"
    )
    (inbox / "letter_quarantined.docx").write_bytes(b"PK\x03\x04" + bytes(200))
    good = (inbox / "born_digital_filed.pdf").read_bytes()
    (inbox / "truncated_quarantined.pdf").write_bytes(good[: len(good) // 3])
    return {
        "scan_300dpi_filed.png": "filed",
        "fax_fine_g4_filed.tif": "filed",
        "fax_standard_g4_filed.tif": "filed",
        "born_digital_filed.pdf": "filed",
        "name_only_review.pdf": "review",
        "unknown_patient_unmatched.png": "unmatched",
        "letter_quarantined.docx": "quarantined",
        "truncated_quarantined.pdf": "quarantined",
    }


def documents(workspace: Path, *args: str) -> list[dict[str, Any]]:
    done = run_cli(workspace, "documents", "list", "--json", *args, check=True)
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], str, str]:
    ws = make_workspace(tmp_path_factory.mktemp("ws"))
    run_cli(ws, "patients", "import", str(ws / "patients.csv"), check=True)
    batch = ws / "batch"
    expected = make_inbox(batch)
    done = run_cli(ws, "process", str(batch), "--json")
    return ws, expected, done.stdout, done.stderr


def test_every_scenario_ends_in_its_status(processed: tuple[Path, dict[str, str], str, str]) -> None:
    ws, expected, stdout, _ = processed
    summary = json.loads(stdout)
    assert summary == {
        "filed": 4,
        "review": 1,
        "unmatched": 1,
        "quarantined": 2,
        "duplicate": 0,
        "already-done": 0,
        "failed": 0,
        "total": 8,
    }
    rows = {row["source_name"]: row for row in documents(ws)}
    assert {name: row["status"] for name, row in rows.items()} == expected
    for row in rows.values():
        assert row.keys() >= LIST_FIELDS


def test_filed_documents_go_to_the_right_patient_with_a_searchable_pdf(
    processed: tuple[Path, dict[str, str], str, str],
) -> None:
    ws, _, _, _ = processed
    rows = {row["source_name"]: row for row in documents(ws, "--status", "filed")}
    assert {name: row["patient_mrn"] for name, row in rows.items()} == {
        "scan_300dpi_filed.png": "4471203",
        "fax_fine_g4_filed.tif": "4471204",
        "fax_standard_g4_filed.tif": "4471205",
        "born_digital_filed.pdf": "4471206",
    }
    for row in rows.values():
        stored = Path(row["stored_path"])
        assert stored.is_relative_to(ws / "data" / "store" / "patients" / row["patient_mrn"])
        text = subprocess.run(
            ["pdftotext", "-layout", str(stored), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "LABORATORY REPORT" in " ".join(text.split())
        assert row["doc_type"] == "lab_result"
        assert row["doc_date"] == "2026-10-02"
        assert row["score"] >= 0.995
        assert row["candidates"][0]["mrn"] == row["patient_mrn"]
        with pikepdf.open(stored) as pdf:
            assert str(pdf.docinfo["/Title"]).startswith("Lab result")
            assert "Whitfield" not in str(pdf.docinfo) and "1957" not in str(pdf.docinfo)
        assert stored.stat().st_mode & 0o077 == 0


def test_originals_are_kept_byte_for_byte_and_inbox_is_emptied(
    processed: tuple[Path, dict[str, str], str, str],
) -> None:
    ws, _, _, _ = processed
    assert list((ws / "batch").iterdir()) == []
    for row in documents(ws):
        detail = json.loads(run_cli(ws, "documents", "show", str(row["id"]), "--json", check=True).stdout)
        kept = Path(detail["original_path"])
        assert hashlib.sha256(kept.read_bytes()).hexdigest() == row["sha256"]


def test_review_has_ranked_candidates_and_reasons(processed: tuple[Path, dict[str, str], str, str]) -> None:
    ws, _, _, _ = processed
    (row,) = documents(ws, "--status", "review")
    assert row["patient_mrn"] is None
    assert row["candidates"][0]["mrn"] == "4471203"
    assert [c["score"] for c in row["candidates"]] == sorted(
        (c["score"] for c in row["candidates"]), reverse=True
    )
    shown = run_cli(ws, "documents", "show", str(row["id"]), check=True).stdout
    assert "why" in shown and "candidates" in shown
    assert Path(row["stored_path"]).is_relative_to(ws / "data" / "store" / "review")


def test_quarantined_files_have_a_sidecar_saying_why(
    processed: tuple[Path, dict[str, str], str, str],
) -> None:
    ws, _, _, _ = processed
    rows = documents(ws, "--status", "quarantined")
    assert len(rows) == 2
    for row in rows:
        detail = json.loads(run_cli(ws, "documents", "show", str(row["id"]), "--json", check=True).stdout)
        kept = Path(detail["quarantine_path"])
        assert kept.is_file() and kept.parent == ws / "data" / "quarantine"
        note = json.loads(kept.with_suffix(".json").read_text())
        assert note["source_name"] == row["source_name"]
        assert note["stage"] in ("ingest", "ocr")
        assert note["reason"] and note["hint"] and note["next_step"]


def test_the_same_bytes_again_are_a_duplicate_not_filed_twice(
    processed: tuple[Path, dict[str, str], str, str],
    tmp_path: Path,
) -> None:
    ws, _, _, _ = processed
    first = next(r for r in documents(ws) if r["source_name"] == "fax_fine_g4_filed.tif")
    again = tmp_path / "resent.tif"
    shutil.copy(
        Path(
            json.loads(run_cli(ws, "documents", "show", str(first["id"]), "--json").stdout)["original_path"]
        ),
        again,
    )
    done = run_cli(ws, "process", str(again), "--json", check=True)
    assert json.loads(done.stdout)["duplicate"] == 1
    dup = documents(ws, "--status", "duplicate")[-1]
    assert dup["duplicate_of"] == first["id"] and dup["stored_path"] == first["stored_path"]
    assert len([r for r in documents(ws, "--status", "filed") if r["sha256"] == first["sha256"]]) == 1


def test_no_patient_data_in_logs_or_messages(processed: tuple[Path, dict[str, str], str, str]) -> None:
    ws, _, _, stderr = processed
    for secret in (
        "Whitfield",
        "WHITFIELD",
        "Okonkwo",
        "Lindqvist",
        "Castellano",
        "1957",
        "4471203",
        "Harold",
    ):
        assert secret not in stderr
    for row in documents(ws, "--status", "review"):
        detail = json.loads(run_cli(ws, "documents", "show", str(row["id"]), "--json").stdout)
        assert not any("Whitfield" in reason or "1957" in reason for reason in detail["reasons"])
