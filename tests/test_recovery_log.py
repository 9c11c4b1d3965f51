"""After a crash, the daemon's start-up says what recovery did, in counts (never a name), and takes the
crashed run's file over at once: its claim's holder is gone from this machine."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import run_cli, started
from harness import Daemons, Workspace, wait_until
from scenarios import fax_tiff, lab_result
from test_stage_faults import faulty_run

pytestmark = pytest.mark.slow(minutes=1)


def test_recovery_after_a_killed_run_is_logged_with_counts(workspace: Path, daemons: Daemons) -> None:
    ws = Workspace(workspace)
    run_cli(workspace, "patients", "import", str(workspace / "patients.csv"), check=True)
    fax_tiff([lab_result("Margaret Lindqvist", "07/15/1949", "4471205")], ws.root / "fax.tif")
    batch = ws.folder("inbox") / "batch"
    batch.mkdir()
    os.replace(ws.root / "fax.tif", batch / "fax.tif")
    assert faulty_run(ws, batch, "ocr", "kill").returncode == -9  # killed while Tesseract reads
    assert len(ws.rows("SELECT * FROM claims")) == 1 and ws.intake()[0]["state"] == "claimed"
    daemon = started(ws, daemons)
    line = next(ln for ln in daemon.log().splitlines() if "start-up recovery" in ln)
    assert re.search(
        r"start-up recovery after an unclean stop: 1 unfinished claim\(s\) to take again from the inbox, "
        r"0 put back into the inbox, 0 withdrawn \(no copy left\), 0 left to the run holding them, "
        r"1 stale claim\(s\) freed, \d+ work folder\(s\) cleared",
        line,
    ), line
    wait_until(lambda: [d["status"] for d in ws.documents()] == ["filed"], timeout=120, what="filed")
    assert ws.documents()[0]["id"] == ws.intake()[0]["id"] == 1  # the same document id, once
    assert "Lindqvist" not in daemon.log() and "fax.tif" not in daemon.log()
