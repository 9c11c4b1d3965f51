"""Machine faults in a running daemon: retried with back-off, never quarantined; a full disk pauses intake."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
from pathlib import Path

import pytest
from conftest import run_cli, started
from harness import Daemons, Workspace, wait_until
from scenarios import fax_tiff, lab_result

pytestmark = pytest.mark.slow

FAST_RETRY = {"retry_min_seconds": 1, "retry_max_seconds": 2}


@pytest.fixture
def ws(workspace: Path) -> Workspace:
    run_cli(workspace, "patients", "import", str(workspace / "patients.csv"), check=True)
    return Workspace(workspace)


def drop_fax(ws: Workspace, *, pages: int = 1) -> tuple[Path, bytes]:
    fax = fax_tiff([lab_result("Adaeze Okonkwo", "11/23/1984", "4471204")] * pages, ws.root / "fax.tif")
    data = fax.read_bytes()
    target = ws.folder("inbox") / "fax.tif"
    os.replace(fax, target)
    return target, data


def filed_once(ws: Workspace, data: bytes) -> dict[str, object]:
    """Exactly one row, filed, with the input's bytes; the inbox emptied; nothing quarantined."""
    wait_until(ws.documents, timeout=120, what="the document committed")
    wait_until(lambda: not any(ws.folder("inbox").iterdir()), timeout=60, what="the inbox emptied")
    (doc,) = ws.documents()
    assert doc["status"] == "filed" and doc["patient_mrn"] == "4471204"
    assert doc["sha256"] == hashlib.sha256(data).hexdigest()
    assert list(ws.folder("quarantine").iterdir()) == []
    return doc


def status(ws: Workspace) -> dict[str, object]:
    result: dict[str, object] = json.loads(run_cli(ws.root, "status", "--json", check=True).stdout)
    return result


def test_a_failing_store_is_retried_with_back_off_and_the_file_filed_once(
    ws: Workspace, daemons: Daemons
) -> None:
    ws.configure(ingest=FAST_RETRY)
    blocker = ws.folder("store") / "patients"
    blocker.write_text("not a folder")  # a real fault: the store tree is damaged
    daemon = started(ws, daemons)
    inbox_file, data = drop_fax(ws)
    log = daemon.wait_for_log("retrying in 2 s", timeout=120)  # two failures: 1 s, then 2 s back-off
    assert log.index("retrying in 1 s") < log.index("retrying in 2 s")
    assert "machine fault: cannot write into the store" in log
    assert inbox_file.read_bytes() == data and ws.documents() == []
    (intake,) = ws.intake()
    assert intake["state"] in ("failed", "claimed") and intake["attempts"] >= 2
    assert status(ws)["failed_intake"] in (0, 1)
    blocker.unlink()  # the fault is repaired
    doc = filed_once(ws, data)
    assert doc["id"] == intake["id"]
    assert ws.intake()[0]["state"] == "done"
    assert "Okonkwo" not in daemon.log() and "4471204" not in daemon.log()


def test_a_locked_database_is_retried_not_quarantined(ws: Workspace, daemons: Daemons) -> None:
    ws.configure(ingest=FAST_RETRY, database={"busy_timeout_seconds": 1})
    daemon = started(ws, daemons)
    _, data = drop_fax(ws, pages=2)
    wait_until(ws.intake, timeout=60, what="the claim journaled")
    with contextlib.closing(sqlite3.connect(ws.db, isolation_level=None, timeout=30)) as other:
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock, for long
        try:
            log = daemon.wait_for_log("retrying in", timeout=120)
        finally:
            other.execute("ROLLBACK")
    assert "machine fault: document 1: the database could not be used (database is locked)" in log
    doc = filed_once(ws, data)
    assert doc["id"] == 1 and ws.intake()[0]["attempts"] >= 2


def test_a_nearly_full_disk_pauses_intake_with_one_clear_line(ws: Workspace, daemons: Daemons) -> None:
    ws.configure(ingest={"min_free_mb": 10**9})  # more than any disk here has: "full"
    daemon = started(ws, daemons)
    inbox_file, data = drop_fax(ws)
    log = daemon.wait_for_log("intake paused", timeout=60)
    assert re.search(r"store disk full: \d+ MB free, intake paused", log)
    report = status(ws)  # takes a second or two: the file has long been ready by then
    assert report["paused"] is True and report["inbox_files"] == 1
    assert ws.intake() == [] and ws.documents() == [] and inbox_file.read_bytes() == data
    assert daemon.log().count("store disk full") == 1
    assert daemon.stop() == 0
    ws.configure(ingest={"min_free_mb": 200})  # space was freed (here: the threshold put back)
    started(ws, daemons)
    filed_once(ws, data)
    assert status(ws)["paused"] is False
