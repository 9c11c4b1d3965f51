"""Filed documents delivered as MDM over MLLP to a real test interface engine (a socket, hl7apy's parser):
the PDF decoded from OBX is the stored file; with the engine down messages wait and are retried, and none is
lost or sent twice; a daemon killed between commit and send sends after restart, once; a re-file sends the
cancel (T11) and the replacement (T10); a refusal (AE) is shown on the document and can be sent again."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import make_workspace, run_cli, started
from ehr_peers import MllpEngine, free_port
from harness import Daemons, Workspace, wait_until
from scenarios import lab_result, text_pdf

pytestmark = pytest.mark.slow(minutes=1.5)

PEOPLE = [
    ("Harold Whitfield", "03/04/1957", "4471203"),
    ("Adaeze Okonkwo", "11/23/1984", "4471204"),
    ("Rafael Castellano", "01/30/1972", "4471206"),
]


def mdm_workspace(root: Path, port: int, **mdm: Any) -> Workspace:
    ws = Workspace(make_workspace(root))
    run_cli(ws.root, "patients", "import", str(ws.root / "patients.csv"), check=True)
    target = {"enabled": True, "host": "127.0.0.1", "port": port} | mdm
    delivery = {"retry_min_seconds": 0.5, "retry_max_seconds": 1, "poll_seconds": 0.2, "timeout_seconds": 2}
    ws.configure(ehr={"mdm": target, "delivery": delivery, "mrn_assigning_authority": "HOSP"})
    return ws


def labs(folder: Path, count: int, *, tag: str = "") -> list[Path]:
    folder.mkdir(exist_ok=True)
    made = []
    for index in range(count):
        name, dob, mrn = PEOPLE[index % len(PEOPLE)]
        page = lab_result(name, dob, mrn, doc_date=f"10/{index + 1:02d}/2026")
        made.append(text_pdf([page], folder / f"lab{tag}_{index}.pdf"))
    return made


def drop(ws: Workspace, files: list[Path]) -> None:
    for path in files:
        shutil.copy(path, ws.folder("inbox") / path.name)


def deliveries(ws: Workspace) -> list[dict[str, Any]]:
    return ws.rows("SELECT * FROM deliveries ORDER BY id")


def all_delivered(ws: Workspace, count: int) -> list[dict[str, Any]] | None:
    rows = deliveries(ws)
    return rows if len(rows) == count and all(r["state"] == "delivered" for r in rows) else None


def test_filed_documents_arrive_as_mdm_t02_carrying_the_stored_pdf(tmp_path: Path, daemons: Daemons) -> None:
    port = free_port()
    ws = mdm_workspace(tmp_path, port)
    engine = MllpEngine(port).start()
    try:
        started(ws, daemons)
        drop(ws, labs(tmp_path / "batch", 2))
        wait_until(lambda: all_delivered(ws, 2), timeout=120, what="two deliveries")
    finally:
        engine.stop()
    docs = {doc["id"]: doc for doc in ws.documents()}
    assert {doc["status"] for doc in docs.values()} == {"filed"}
    assert sorted(engine.control_ids()) == sorted(f"CF{i}-1" for i in docs)
    for got in engine.received:
        doc = docs[int(got.unique_id.split("-")[0])]
        (patient,) = ws.rows("SELECT * FROM patients WHERE mrn = ?", doc["patient_mrn"])
        assert (got.trigger, got.mrn, got.last_name, got.first_name) == (
            "T02",
            doc["patient_mrn"],
            patient["last_name"],
            patient["first_name"],
        )
        assert (got.doc_type, got.unique_id, got.availability, got.value_type) == (
            "LAB",
            f"{doc['id']}-1",
            "AV",
            "ED",
        )
        assert got.content == Path(doc["stored_path"]).read_bytes()
    shown = json.loads(run_cli(ws.root, "documents", "show", str(min(docs)), "--json", check=True).stdout)
    (delivery,) = shown["deliveries"]
    assert delivery["state"] == "delivered" and delivery["receipt"] == f"ACK AA CF{min(docs)}-1"
    status = json.loads(run_cli(ws.root, "status", "--json", check=True).stdout)
    assert status["deliveries"] == {"delivered": 2} and status["deliveries_failing"] == 0
    audit = run_cli(ws.root, "audit", "--action", "delivered", "--json", check=True).stdout.splitlines()
    assert len(audit) == 2


def test_with_the_engine_down_messages_wait_and_none_is_lost_or_sent_twice(
    tmp_path: Path, daemons: Daemons
) -> None:
    port = free_port()
    ws = mdm_workspace(tmp_path, port)
    started(ws, daemons)
    drop(ws, labs(tmp_path / "batch", 3))

    def retried() -> list[dict[str, Any]] | None:
        rows = deliveries(ws)
        return rows if len(rows) == 3 and all(r["attempts"] >= 2 for r in rows) else None

    waiting = wait_until(retried, timeout=120, what="three deliveries tried twice")
    assert {r["state"] for r in waiting} <= {"pending", "sending"}
    assert all(
        "cannot reach the interface engine" in r["last_error"] for r in waiting if r["state"] == "pending"
    )
    status = json.loads(run_cli(ws.root, "status", "--json", check=True).stdout)
    assert status["deliveries_failing"] == 3
    engine = MllpEngine(port).start()
    try:
        done = wait_until(lambda: all_delivered(ws, 3), timeout=120, what="three deliveries once back")
    finally:
        engine.stop()
    assert Counter(engine.control_ids()) == Counter(f"CF{r['document_id']}-1" for r in done)  # each once


def test_killed_between_commit_and_send_it_is_sent_after_restart_once(
    tmp_path: Path, daemons: Daemons
) -> None:
    port = free_port()
    ws = mdm_workspace(tmp_path, port)
    daemon = started(ws, daemons)
    drop(ws, labs(tmp_path / "batch", 1))
    (row,) = wait_until(
        lambda: deliveries(ws), timeout=120, what="the outbox row, committed with the outcome"
    )
    daemon.crash()  # kill -9: the outcome and its message are committed, the message never left
    (row,) = deliveries(ws)
    assert row["state"] in ("pending", "sending") and row["delivered_at"] is None
    engine = MllpEngine(port).start()
    try:
        started(ws, daemons)
        wait_until(lambda: all_delivered(ws, 1), timeout=120, what="the delivery after restart")
    finally:
        engine.stop()
    assert engine.control_ids() == [f"CF{row['document_id']}-1"]


def test_an_engine_that_cannot_take_it_now_gets_it_again_under_the_same_id(tmp_path: Path) -> None:
    port = free_port()
    ws = mdm_workspace(tmp_path, port)
    run_cli(ws.root, "process", *map(str, labs(tmp_path / "batch", 1)), check=True)
    engine = MllpEngine(port, answer=lambda r: "AR" if len(engine.received) == 1 else "AA").start()
    try:
        first = run_cli(ws.root, "deliver", "--json")
        assert first.returncode == 1 and json.loads(first.stdout)["retry"] == 1
        wait_until(
            lambda: run_cli(ws.root, "deliver").returncode == 0 and all_delivered(ws, 1),
            timeout=60,
            what="a retry",
        )
    finally:
        engine.stop()
    ids = engine.control_ids()
    assert len(ids) == 2 and len(set(ids)) == 1  # at least once, and the same id: the receiver keeps one
    assert [r["state"] for r in deliveries(ws)] == ["delivered"]


def test_a_refile_cancels_the_wrong_charts_copy_then_sends_the_replacement(tmp_path: Path) -> None:
    port = free_port()
    ws = mdm_workspace(tmp_path, port)
    run_cli(ws.root, "process", *map(str, labs(tmp_path / "batch", 1)), check=True)
    (doc,) = ws.documents()
    engine = MllpEngine(port).start()
    try:
        run_cli(ws.root, "deliver", check=True)
        run_cli(
            ws.root, "documents", "refile", str(doc["id"]), "4471205", "--reason", "wrong chart", check=True
        )
        run_cli(ws.root, "deliver", check=True)
    finally:
        engine.stop()
    filed, cancel, replacement = engine.received
    assert (filed.trigger, filed.mrn, filed.unique_id) == ("T02", "4471203", f"{doc['id']}-1")
    assert (cancel.trigger, cancel.mrn, cancel.unique_id, cancel.availability) == (
        "T11",
        "4471203",
        f"{doc['id']}-1",
        "CA",
    )
    assert cancel.control_id == f"CF{doc['id']}-1X" and cancel.content is None
    assert (replacement.trigger, replacement.mrn, replacement.unique_id, replacement.parent_id) == (
        "T10",
        "4471205",
        f"{doc['id']}-2",
        f"{doc['id']}-1",
    )
    (after,) = ws.documents()
    assert replacement.content == Path(after["stored_path"]).read_bytes()
    assert [(r["event"], r["state"]) for r in deliveries(ws)] == [
        ("filed", "delivered"),
        ("entered-in-error", "delivered"),
        ("replaced", "delivered"),
    ]


def test_a_refusal_is_shown_on_the_document_and_can_be_sent_again(tmp_path: Path) -> None:
    port = free_port()
    ws = mdm_workspace(tmp_path, port, content="reference", reference_base="https://chartfile.example/store/")
    run_cli(ws.root, "process", *map(str, labs(tmp_path / "batch", 1)), check=True)
    (doc,) = ws.documents()
    verdicts = iter(["AE", "AA"])
    engine = MllpEngine(port, answer=lambda _r: next(verdicts)).start()
    try:
        refused = run_cli(ws.root, "deliver", "--json")
        assert refused.returncode == 1 and json.loads(refused.stdout)["rejected"] == 1
        shown = run_cli(ws.root, "documents", "show", str(doc["id"]), check=True).stdout
        assert "rejected" in shown and "refused the document" in shown
        assert json.loads(run_cli(ws.root, "status", "--json", check=True).stdout)["deliveries_failing"] == 1
        assert run_cli(ws.root, "deliver").returncode == 0  # nothing due: a rejection waits for a person
        again = run_cli(ws.root, "deliver", "--retry", str(doc["id"]), "--json", check=True)
        assert json.loads(again.stdout)["delivered"] == 1 and json.loads(again.stdout)["requeued"] == 1
    finally:
        engine.stop()
    first, second = engine.received
    assert first.control_id == second.control_id and second.value_type == "RP" and second.content is None
    relative = Path(doc["stored_path"]).relative_to(ws.folder("store")).as_posix()
    assert second.pointer == f"https://chartfile.example/store/{relative}"
