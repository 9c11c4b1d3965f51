"""The outbox: what a target is told for each change of a document (pure rule), written in the same unit
of work as the outcome (a failed unit queues nothing); the post-file command (metadata in the environment,
no shell); splits and merges; and the nightly report listing deliveries failing for more than a day."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import make_workspace, run_cli
from harness import Workspace, ledger_on
from scenarios import lab_result, plain_page, text_pdf

from chartfile.ledger.documents import move_stored
from chartfile.ledger.models import Document
from chartfile.ledger.outbox import Held, Message, plan
from chartfile.records import Status
from chartfile.settings import load_settings


@pytest.mark.parametrize(
    ("holds", "now_on", "merged", "replaces", "expected"),
    [
        pytest.param(None, None, False, None, [], id="never-filed"),
        pytest.param(None, "A", False, None, [Message("filed", "A", 3)], id="first-filing"),
        pytest.param(Held(1, "A"), "A", False, None, [], id="same-chart"),
        pytest.param(
            Held(1, "A"),
            "B",
            False,
            None,
            [Message("entered-in-error", "A", 1), Message("replaced", "B", 3, (7, 1))],
            id="refile",
        ),
        pytest.param(
            Held(2, "A"), None, False, None, [Message("entered-in-error", "A", 2)], id="split-parent"
        ),
        pytest.param(Held(1, "A"), "B", True, None, [Message("merged", "B", 1)], id="merge-noted"),
        pytest.param(None, "B", False, (5, 2), [Message("replaced", "B", 3, (5, 2))], id="split-child"),
    ],
)
def test_the_rule(
    holds: Held | None,
    now_on: str | None,
    merged: bool,
    replaces: tuple[int, int] | None,
    expected: list[Message],
) -> None:
    assert plan(holds, now_on, 7, fresh=3, merged=merged, replaces=replaces) == expected


RECORDER = """
import json, os, sys
out = os.environ["RECORD_TO"]
values = {k: v for k, v in os.environ.items() if k.startswith("CHARTFILE_")}
with open(out, "a") as handle:
    handle.write(json.dumps({"argv": sys.argv[1:], "env": values}) + "\\n")
sys.exit(int(os.environ.get("EXIT_WITH", "0")))
"""


def command_workspace(root: Path) -> Workspace:
    ws = Workspace(make_workspace(root))
    run_cli(ws.root, "patients", "import", str(ws.root / "patients.csv"), check=True)
    (root / "recorder.py").write_text(RECORDER, encoding="utf-8")
    command = {"enabled": True, "argv": [sys.executable, str(root / "recorder.py"), "$(touch pwned); `id`"]}
    delivery = {"retry_min_seconds": 0.5, "retry_max_seconds": 1}
    ws.configure(ehr={"command": command, "delivery": delivery})
    return ws


def recorded(ws: Workspace) -> list[dict[str, Any]]:
    path = ws.root / "record.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def deliver(ws: Workspace, *, exit_with: int = 0) -> int:
    env = {"RECORD_TO": str(ws.root / "record.jsonl"), "EXIT_WITH": str(exit_with)}
    os.environ.update(env)
    try:
        return run_cli(ws.root, "deliver").returncode
    finally:
        for key in env:
            os.environ.pop(key, None)


def test_the_post_file_command_gets_metadata_in_its_environment_and_no_shell(tmp_path: Path) -> None:
    ws = command_workspace(tmp_path)
    lab = text_pdf([lab_result("Harold Whitfield", "03/04/1957", "4471203")], tmp_path / "lab.pdf")
    run_cli(ws.root, "process", str(lab), check=True)
    (doc,) = ws.documents()
    assert deliver(ws) == 0
    (call,) = recorded(ws)
    assert call["argv"] == ["$(touch pwned); `id`", doc["stored_path"]]  # passed as it is, never to a shell
    assert not list(tmp_path.rglob("pwned"))
    env = call["env"]
    assert env | {"CHARTFILE_RECEIVED_AT": ""} == {
        "CHARTFILE_EVENT": "filed",
        "CHARTFILE_DOCUMENT_ID": str(doc["id"]),
        "CHARTFILE_DOCUMENT_VERSION": "1",
        "CHARTFILE_UNIQUE_ID": f"{doc['id']}-1",
        "CHARTFILE_REPLACES": "",
        "CHARTFILE_MRN": "4471203",
        "CHARTFILE_PATIENT_LAST_NAME": "Whitfield",
        "CHARTFILE_PATIENT_FIRST_NAME": "Harold",
        "CHARTFILE_PATIENT_DOB": "1957-03-04",
        "CHARTFILE_DOC_TYPE": "lab_result",
        "CHARTFILE_DOC_TYPE_LOINC": "11502-2",
        "CHARTFILE_DOC_DATE": "2026-10-02",
        "CHARTFILE_RECEIVED_AT": "",
        "CHARTFILE_PAGES": "1",
        "CHARTFILE_PDF_PATH": doc["stored_path"],
        "CHARTFILE_SHA256": doc["stored_sha256"],
    }


def test_a_failed_unit_queues_nothing_and_a_committed_one_queues_its_message(tmp_path: Path) -> None:
    ws = command_workspace(tmp_path)
    text_pdf([plain_page("Referral for a patient\nNo identifiers on this page.")], tmp_path / "anon.pdf")
    run_cli(ws.root, "process", str(tmp_path / "anon.pdf"), check=True)
    (doc,) = ws.documents()
    assert doc["status"] in ("review", "unmatched") and ws.rows("SELECT * FROM deliveries") == []
    settings = load_settings(ws.config)
    with ledger_on(settings) as ledger, pytest.raises(RuntimeError), ledger.unit() as unit:
        row = unit.session.get(Document, doc["id"])
        assert row is not None
        move_stored(unit, row, status=Status.FILED, mrn="4471204")
        unit.session.flush()
        raise RuntimeError("the unit fails before it commits")
    assert ws.rows("SELECT * FROM deliveries") == [] and ws.documents()[0]["status"] == doc["status"]
    run_cli(ws.root, "review", "assign", str(doc["id"]), "4471204", check=True)
    (queued,) = ws.rows("SELECT * FROM deliveries")
    assert (queued["event"], queued["patient_mrn"], queued["state"]) == ("filed", "4471204", "pending")


def test_a_split_replaces_the_parent_and_a_merge_sends_nothing(tmp_path: Path) -> None:
    ws = command_workspace(tmp_path)
    pages = [lab_result("Harold Whitfield", "03/04/1957", "4471203"), plain_page("Page two of the same lab.")]
    run_cli(ws.root, "process", str(text_pdf(pages, tmp_path / "two.pdf")), check=True)
    (parent,) = ws.documents()
    assert deliver(ws) == 0
    run_cli(
        ws.root,
        "review",
        "split",
        str(parent["id"]),
        "--pages",
        "1",
        "--mrn",
        "4471203",
        "--pages",
        "2",
        "--mrn",
        "4471204",
        check=True,
    )
    assert deliver(ws) == 0
    calls = recorded(ws)
    events = [
        (c["env"]["CHARTFILE_EVENT"], c["env"]["CHARTFILE_MRN"], c["env"]["CHARTFILE_REPLACES"])
        for c in calls
    ]
    assert events[0] == ("filed", "4471203", "")
    assert sorted(events[1:]) == sorted(
        [
            ("entered-in-error", "4471203", ""),
            ("replaced", "4471203", f"{parent['id']}-1"),
            ("replaced", "4471204", f"{parent['id']}-1"),
        ]
    )
    (second,) = [d for d in ws.documents() if d["patient_mrn"] == "4471204"]
    (ws.root / "more.csv").write_text("mrn,last_name,first_name,dob\n4471290,Okonkwo,Adaeze,1984-11-23\n")
    run_cli(ws.root, "patients", "import", str(ws.root / "more.csv"), check=True)
    run_cli(ws.root, "patients", "merge", "4471204", "4471290", "--reason", "duplicate", check=True)
    assert deliver(ws) == 0 and len(recorded(ws)) == len(calls)  # the EHR merged its charts itself
    shown = json.loads(run_cli(ws.root, "documents", "show", str(second["id"]), "--json", check=True).stdout)
    assert [(d["event"], d["mrn"], d["state"]) for d in shown["deliveries"]][-1] == (
        "merged",
        "4471290",
        "delivered",
    )
    run_cli(ws.root, "documents", "refile", str(second["id"]), "4471206", "--reason", "wrong", check=True)
    assert deliver(ws) == 0
    cancel, replacement = recorded(ws)[len(calls) :]
    assert (cancel["env"]["CHARTFILE_EVENT"], cancel["env"]["CHARTFILE_MRN"]) == (
        "entered-in-error",
        "4471290",
    )
    assert (replacement["env"]["CHARTFILE_EVENT"], replacement["env"]["CHARTFILE_MRN"]) == (
        "replaced",
        "4471206",
    )


def test_the_nightly_report_lists_deliveries_failing_for_more_than_a_day(tmp_path: Path) -> None:
    ws = command_workspace(tmp_path)
    lab = text_pdf([lab_result("Harold Whitfield", "03/04/1957", "4471203")], tmp_path / "lab.pdf")
    run_cli(ws.root, "process", str(lab), check=True)
    (doc,) = ws.documents()
    assert deliver(ws, exit_with=3) == 1  # the importer failed: tried again later
    (row,) = ws.rows("SELECT * FROM deliveries")
    assert row["state"] == "retrying" and "exit 3" in row["last_error"]
    failed_at = dt.datetime.fromisoformat(str(row["first_failed_at"])).replace(tzinfo=dt.UTC)
    for hours, listed in ((2, 0), (30, 1)):
        as_of = (failed_at + dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")
        out = tmp_path / f"report-{hours}"
        done = run_cli(
            ws.root, "report", "unmatched", "--out", str(out), "--as-of", as_of, "--json", check=True
        )
        data = json.loads(done.stdout)
        assert data["deliveries_failing"] == listed
        html = Path(data["html"]).read_text(encoding="utf-8")
        assert f"failing for more than a day ({listed})" in html
        assert (f'<tr data-id="{doc["id"]}"><td>{doc["id"]}</td><td>command</td>' in html) == bool(listed)
