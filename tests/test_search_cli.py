"""`chartfile search` over the stored page texts: ranked, grouped per document, filtered, with snippets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import database_url_for, make_workspace, run_cli
from harness import connect_database
from scenarios import lab_result, plain_page, text_pdf

pytestmark = [pytest.mark.slow, pytest.mark.both_databases]  # real CLI processes end to end (still run in CI)

CHEST = """Valley Imaging Center
RADIOLOGY REPORT
Patient: Harold Whitfield
DOB: 03/04/1957
MRN: 4471203
Exam date: 09/14/2026
Chest x-ray, two views. No pneumothorax. Mild cardiomegaly.
Impression: stable chest."""

ECHO = """Springfield Heart Associates
CONSULTATION REPORT
Patient: Adaeze Okonkwo
DOB: 11/23/1984
MRN: 4471204
Visit date: 10/20/2026
Echocardiogram reviewed for cardiomegaly. Cardiomegaly confirmed; cardiomegaly is moderate.
Plan: follow up in six months."""

FOLLOW_UP = """Follow-up note, page 2
Incidental cardiomegaly noted on prior imaging.
Continue current medications."""

UNSURE = """Valley Imaging Center
RADIOLOGY REPORT
Patient: Harold Whitfield
Exam date: 09/15/2026
Small apical pneumothorax on the left."""


def search(ws: Path, *args: str) -> list[dict[str, Any]]:
    done = run_cli(ws, "search", *args, "--json", check=True)
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, database: str, request: pytest.FixtureRequest) -> Path:
    ws = make_workspace(tmp_path_factory.mktemp("search"), database_url_for(database, request))
    run_cli(ws, "patients", "import", str(ws / "patients.csv"), check=True)
    batch = ws / "batch"
    batch.mkdir()
    text_pdf([plain_page(CHEST)], batch / "chest.pdf")
    text_pdf([plain_page(ECHO)], batch / "echo.pdf")
    text_pdf(
        [lab_result("Rafael Castellano", "01/30/1972", "4471206"), plain_page(FOLLOW_UP)], batch / "labs.pdf"
    )
    text_pdf([plain_page(UNSURE)], batch / "unsure.pdf")
    run_cli(ws, "process", str(batch), check=True)
    return ws


def documents(ws: Path) -> dict[str, dict[str, Any]]:
    with connect_database(ws) as db:
        return {row["source_name"]: dict(row) for row in db.execute("SELECT * FROM documents")}


def test_hits_are_ranked_and_grouped_per_document_with_snippets(ws: Path) -> None:
    docs = documents(ws)
    hits = search(ws, "cardiomegaly")
    assert hits[0]["source_name"] == "echo.pdf"  # three mentions in a short page rank first
    assert sorted(h["source_name"] for h in hits) == ["chest.pdf", "echo.pdf", "labs.pdf"]
    assert [h["rank"] for h in hits] == sorted(h["rank"] for h in hits)
    labs = next(h for h in hits if h["source_name"] == "labs.pdf")
    assert labs["id"] == docs["labs.pdf"]["id"] and [p["number"] for p in labs["pages"]] == [2]
    assert "«cardiomegaly»" in labs["pages"][0]["snippet"].lower()
    assert labs["patient_mrn"] == "4471206" and labs["status"] == "filed"
    human = run_cli(ws, "search", "cardiomegaly", check=True).stdout
    assert "document" in human and "p.2" in human and "3 document(s)" in human


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(("pneumothorax",), ["chest.pdf", "unsure.pdf"], id="word"),
        pytest.param(('"no pneumothorax"',), ["chest.pdf"], id="phrase"),
        pytest.param(("cardio*", "--patient", "4471204"), ["echo.pdf"], id="prefix-and-patient"),
        pytest.param(
            ("pneumothorax", "--from", "2026-09-15", "--to", "2026-09-30"), ["unsure.pdf"], id="dates"
        ),
        pytest.param(("pneumothorax OR echocardiogram", "--limit", "2"), 2, id="or-and-limit"),
        pytest.param(("zanzibar",), [], id="nothing"),
    ],
)
def test_filters_phrases_prefixes_and_limits(
    ws: Path, args: tuple[str, ...], expected: list[str] | int
) -> None:
    names = [h["source_name"] for h in search(ws, *args)]
    assert (len(names) if isinstance(expected, int) else sorted(names)) == expected


def test_type_filter_uses_the_documents_type(ws: Path) -> None:
    labs_type = documents(ws)["labs.pdf"]["doc_type"]
    names = {h["source_name"] for h in search(ws, "cardiomegaly", "--type", labs_type)}
    assert "labs.pdf" in names and all(documents(ws)[n]["doc_type"] == labs_type for n in names)


def test_a_query_with_nothing_to_search_is_a_usage_error(ws: Path) -> None:
    done = run_cli(ws, "search", "OR")
    assert done.returncode == 2 and "nothing to search for" in done.stderr
    assert "--patient" in run_cli(ws, "search", "--help", check=True).stdout
