"""`chartfile patients merge OLD NEW`: the old record's documents move (rows, files, duplicates), audited;
the old MRN is no longer matched nor accepted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import database_url_for, make_workspace, run_cli
from harness import connect_database
from scenarios import lab_result, text_pdf

SECOND_RECORD = "mrn,last_name,first_name,middle_name,dob\n4471299,Lindqvist,Margaret,Anne,1949-07-15\n"

pytestmark = pytest.mark.both_databases


def documents(ws: Path) -> dict[str, dict[str, Any]]:
    with connect_database(ws) as db:
        return {row["source_name"]: dict(row) for row in db.execute("SELECT * FROM documents")}


@pytest.fixture(scope="module")
def merged(
    tmp_path_factory: pytest.TempPathFactory, database: str, request: pytest.FixtureRequest
) -> tuple[Path, dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Two documents filed to 4471205 (and a duplicate of one), then 4471205 merged into 4471299."""
    ws = make_workspace(tmp_path_factory.mktemp("merge"), database_url_for(database, request))
    run_cli(ws, "patients", "import", str(ws / "patients.csv"), check=True)
    batch = ws / "batch"
    batch.mkdir()
    text_pdf([lab_result("Margaret Lindqvist", "07/15/1949", "4471205")], batch / "labs_october.pdf")
    text_pdf(
        [lab_result("Margaret Lindqvist", "07/15/1949", "4471205", doc_date="11/02/2026")],
        batch / "labs_nov.pdf",
    )
    shutil.copy(batch / "labs_nov.pdf", ws / "resent.pdf")
    run_cli(ws, "process", str(batch), check=True)
    run_cli(ws, "process", str(ws / "resent.pdf"), check=True)  # a duplicate of labs_nov.pdf
    (ws / "second.csv").write_text(SECOND_RECORD, encoding="utf-8")
    run_cli(ws, "patients", "import", str(ws / "second.csv"), check=True)
    before = documents(ws)
    done = run_cli(
        ws, "patients", "merge", "4471205", "4471299", "--reason", "duplicate chart", "--json", check=True
    )
    return ws, before, [json.loads(line) for line in done.stdout.splitlines()]


def test_merge_moves_every_document_file_and_duplicate(
    merged: tuple[Path, dict[str, dict[str, Any]], list[dict[str, Any]]],
) -> None:
    ws, before, decisions = merged
    assert {d["before"]["mrn"] for d in decisions} == {"4471205"}
    assert {d["after"]["mrn"] for d in decisions} == {"4471299"} and len(decisions) == 2
    after = documents(ws)
    for name in ("labs_october.pdf", "labs_nov.pdf"):
        assert before[name]["patient_mrn"] == "4471205" and after[name]["patient_mrn"] == "4471299"
        assert not Path(before[name]["stored_path"]).exists() and Path(after[name]["stored_path"]).is_file()
        assert Path(after[name]["stored_path"]).is_relative_to(ws / "data" / "store" / "patients" / "4471299")
    duplicate = after["resent.pdf"]
    assert duplicate["status"] == "duplicate" and duplicate["patient_mrn"] == "4471299"
    assert duplicate["stored_path"] == after["labs_nov.pdf"]["stored_path"]
    assert not (ws / "data" / "store" / "patients" / "4471205").exists() or not any(
        p.is_file() for p in (ws / "data" / "store" / "patients" / "4471205").rglob("*")
    )


def test_merge_is_audited_per_document_and_for_the_patient(
    merged: tuple[Path, dict[str, dict[str, Any]], list[dict[str, Any]]],
) -> None:
    ws, _, decisions = merged
    done = run_cli(ws, "audit", "--action", "patient-merged", "--json", check=True)
    (event,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert event["document_id"] is None
    assert event["detail"] | {"documents": sorted(event["detail"]["documents"])} == {
        "old_mrn": "4471205",
        "new_mrn": "4471299",
        "documents": sorted(d["id"] for d in decisions),
        "reason": "duplicate chart",
    }
    with connect_database(ws) as db:
        moved = db.execute("SELECT document_id FROM audit_events WHERE action = 'merged'").fetchall()
    assert sorted(i for (i,) in moved) == sorted(d["id"] for d in decisions)


def test_the_old_mrn_is_neither_matched_nor_accepted(
    merged: tuple[Path, dict[str, dict[str, Any]], list[dict[str, Any]]],
) -> None:
    ws, _, _ = merged
    text_pdf(
        [lab_result("Margaret Lindqvist", "07/15/1949", "4471205", doc_date="11/09/2026")], ws / "new.pdf"
    )
    run_cli(ws, "process", str(ws / "new.pdf"), check=True)
    new = documents(ws)["new.pdf"]
    assert new["patient_mrn"] != "4471205"
    assert "4471205" not in {c["mrn"] for c in json.loads(new["candidates"])}
    for args, message in (
        (("review", "assign", str(new["id"]), "4471205"), "merged into another patient"),
        (("patients", "merge", "4471205", "4471299"), "merged into another patient"),
        (("patients", "merge", "4471299", "4471299"), "the two MRNs are the same"),
        (("patients", "merge", "0000000", "4471299"), "no patient with that MRN"),
    ):
        done = run_cli(ws, *args)
        assert done.returncode == 2 and message in done.stderr, done.stderr
        assert "Lindqvist" not in done.stderr


def test_a_reimported_list_with_merged_into_moves_the_documents(tmp_path: Path) -> None:
    """The EHR's export names merged records: re-importing it merges them, audited, and reports bad rows."""
    ws = make_workspace(tmp_path)
    run_cli(ws, "patients", "import", str(ws / "patients.csv"), check=True)
    text_pdf([lab_result("Harold Whitfield", "03/04/1957", "4471203")], ws / "labs.pdf")
    run_cli(ws, "process", str(ws / "labs.pdf"), check=True)
    assert documents(ws)["labs.pdf"]["patient_mrn"] == "4471203"
    (ws / "export.csv").write_text(
        "mrn,last_name,first_name,dob,merged_into\n"
        "4471288,Whitfield,Harold,1957-03-04,\n"
        "4471203,Whitfield,Harold,1957-03-04,4471288\n"
        "4471204,Okonkwo,Adaeze,1984-11-23,9999999\n",
        encoding="utf-8",
    )
    done = run_cli(ws, "patients", "import", str(ws / "export.csv"), "--json", check=True)
    report = json.loads(done.stdout)
    assert (report["inserted"], report["merged"], report["documents_moved"]) == (1, 1, 1)
    assert report["rejected"] == [{"line": 4, "reasons": ["merged_into: no patient with that MRN"]}]
    moved = documents(ws)["labs.pdf"]
    assert moved["patient_mrn"] == "4471288" and "/patients/4471288/" in moved["stored_path"]
    audit = run_cli(ws, "audit", "--document", str(moved["id"]), "--json", check=True).stdout
    assert '"merged"' in audit and "export.csv, line 3" in audit
    again = json.loads(run_cli(ws, "patients", "import", str(ws / "export.csv"), "--json").stdout)
    assert again["merged"] == 0 and again["documents_moved"] == 0  # already merged: nothing to do
