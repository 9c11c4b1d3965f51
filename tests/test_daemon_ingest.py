"""The daemon takes a file only once it is complete, whether events arrive, are polled, or are lost."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from harness import Daemon, Daemons, Workspace, wait_until
from scenarios import fax_tiff, lab_result

pytestmark = pytest.mark.slow

MODES = {
    "events": {},  # inotify events, plus the periodic rescan
    "polling": {"use_polling": True, "rescan_seconds": 3600},  # watchdog's PollingObserver alone
    "rescan-only": {"rescan_seconds": 1},  # the inbox is replaced once running: no event ever arrives
}


def start(workspace: Path, daemons: Daemons, mode: str) -> tuple[Workspace, Daemon]:
    ws = Workspace(workspace)
    ws.configure(ingest=MODES[mode])
    run_cli(workspace, "patients", "import", str(workspace / "patients.csv"), check=True)
    daemon = daemons.start(ws.config)
    daemon.wait_for_log("watching the inbox", timeout=60)
    if mode == "rescan-only":
        replace_inbox(ws.folder("inbox"))
    return ws, daemon


def replace_inbox(inbox: Path) -> None:
    """What a remounted share looks like to inotify: the watched folder is gone, a new one took its place."""
    inbox.rename(inbox.with_name("inbox-before-remount"))
    inbox.mkdir(mode=0o700)


def write_slowly(data: bytes, target: Path, *, chunks: int = 10, pause_seconds: float = 0.3) -> None:
    """A fax server writing straight into the inbox under the final name, chunk by chunk."""
    size = -(-len(data) // chunks)
    with target.open("wb") as out:
        for start_at in range(0, len(data), size):
            out.write(data[start_at : start_at + size])
            out.flush()
            time.sleep(pause_seconds)


def one_document(ws: Workspace) -> dict[str, Any]:
    """The one row, once the inbox is empty (a torn early copy would have left the file, or a 2nd row)."""
    wait_until(ws.documents, timeout=120, what="a committed document")
    wait_until(lambda: not any(ws.folder("inbox").iterdir()), timeout=60, what="the inbox emptied")
    rows = ws.documents()
    assert len(rows) == 1, [row["status"] for row in rows]
    return rows[0]


@pytest.mark.parametrize("mode", list(MODES))
def test_a_slowly_written_fax_is_taken_only_once_complete(
    workspace: Path, daemons: Daemons, mode: str
) -> None:
    ws, daemon = start(workspace, daemons, mode)
    fax = fax_tiff(
        [lab_result("Adaeze Okonkwo", "11/23/1984", "4471204")] * 2, workspace / "fax.tif", mode="standard"
    )
    data = fax.read_bytes()
    write_slowly(data, ws.folder("inbox") / "incoming_fax.tif")
    row = one_document(ws)
    assert row["status"] == "filed" and row["patient_mrn"] == "4471204"
    assert row["sha256"] == hashlib.sha256(data).hexdigest()
    assert row["page_count"] == 2
    assert len(ws.intake()) == 1
    assert list(ws.folder("quarantine").iterdir()) == []
    assert daemon.running()


@pytest.mark.parametrize("mode", ["polling", "rescan-only"])
def test_a_file_moved_in_from_outside_is_found_without_inotify(
    workspace: Path, daemons: Daemons, mode: str
) -> None:
    ws, _ = start(workspace, daemons, mode)
    fax = fax_tiff([lab_result("Rafael Castellano", "01/30/1972", "4471206")], workspace / "fax.tif")
    os.replace(fax, ws.folder("inbox") / "fax.tif")
    row = one_document(ws)
    assert row["status"] == "filed" and row["patient_mrn"] == "4471206"
