"""The daemon as a real process: it files dropped documents, survives bad input, and stops cleanly."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from conftest import run_cli, started
from harness import Daemons, Workspace, wait_until
from scenarios import fax_tiff, lab_result, plain_page, text_pdf

pytestmark = pytest.mark.slow


@pytest.fixture
def ws(workspace: Path) -> Workspace:
    run_cli(workspace, "patients", "import", str(workspace / "patients.csv"), check=True)
    return Workspace(workspace)


def drop(source: Path, inbox: Path) -> Path:
    """Move a finished file into the inbox in one step, as a fax server does."""
    target = inbox / source.name
    os.replace(source, target)
    return target


def inbox_empty(ws: Workspace) -> bool:
    return not any(path.is_file() for path in ws.folder("inbox").iterdir())


def test_daemon_files_dropped_documents_and_keeps_going_after_bad_input(
    ws: Workspace, daemons: Daemons
) -> None:
    daemon = started(ws, daemons)
    staging = ws.root / "staging"
    staging.mkdir()
    (staging / "garbage.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    fax_tiff([lab_result("Adaeze Okonkwo", "11/23/1984", "4471204")], staging / "fax.tif")
    for name in ("garbage.pdf", "fax.tif"):
        drop(staging / name, ws.folder("inbox"))
    wait_until(lambda: len(ws.documents()) == 2 and inbox_empty(ws), timeout=120, what="both committed")
    rows = {row["source_name"]: row for row in ws.documents()}
    assert rows["garbage.pdf"]["status"] == "quarantined"
    assert rows["fax.tif"]["status"] == "filed"
    assert rows["fax.tif"]["patient_mrn"] == "4471204"
    assert daemon.stop(signal.SIGTERM) == 0
    log = daemon.log()
    assert "quarantined" in log
    assert "Okonkwo" not in log and "4471204" not in log and "1984" not in log
    assert "garbage" not in log and "fax.tif" not in log  # file names may carry patient names


def test_unreadable_files_are_quarantined_or_skipped_and_the_daemon_goes_on(
    ws: Workspace, daemons: Daemons
) -> None:
    inbox = ws.folder("inbox")
    daemon = started(ws, daemons)
    good_pdf = text_pdf([lab_result("Rafael Castellano", "01/30/1972", "4471206")], ws.root / "good.pdf")
    (inbox / "truncated.pdf").write_bytes(good_pdf.read_bytes()[:1500])
    (inbox / "letter.docx").write_bytes(b"PK\x03\x04" + bytes(300))
    (inbox / "empty.pdf").write_bytes(b"")
    os.mkfifo(inbox / "fax_line2.tif")  # a FIFO: opening it for reading would block forever
    (inbox / "folder_named.pdf").mkdir()
    wait_until(lambda: len(ws.documents()) == 3, timeout=120, what="three bad files quarantined")
    fax = fax_tiff([lab_result("Adaeze Okonkwo", "11/23/1984", "4471204")], ws.root / "after.tif")
    drop(fax, inbox)
    wait_until(  # the inbox file goes only after its row is committed: wait for both
        lambda: len(ws.documents()) == 4 and not (inbox / "after.tif").exists(),
        timeout=120,
        what="the good fax after them",
    )
    rows = {row["source_name"]: row for row in ws.documents()}
    for name in ("truncated.pdf", "letter.docx", "empty.pdf"):
        assert rows[name]["status"] == "quarantined", name
        note = json.loads(Path(rows[name]["quarantine_path"]).with_suffix(".json").read_text())
        assert note["reason"] and note["next_step"]
    assert rows["after.tif"]["status"] == "filed"
    assert sorted(path.name for path in inbox.iterdir()) == ["fax_line2.tif", "folder_named.pdf"]
    log = daemon.log()
    assert log.count("not a regular file") == 1
    assert f"skipping inode {(inbox / 'fax_line2.tif').stat().st_ino} in the inbox: a FIFO" in log
    assert daemon.running()


@pytest.mark.parametrize(
    ("signum", "group"),
    [
        pytest.param(signal.SIGTERM, False, id="systemctl-stop-SIGTERM"),
        pytest.param(signal.SIGINT, True, id="ctrl-c-SIGINT-to-the-process-group"),
    ],
)
def test_stop_signal_finishes_the_document_in_progress(
    ws: Workspace, daemons: Daemons, signum: int, group: bool
) -> None:
    daemon = started(ws, daemons)
    pages = [lab_result("Margaret Lindqvist", "07/15/1949", "4471205")]
    pages += [plain_page(f"Continuation sheet {n}\nResults reviewed with the patient.") for n in range(2, 7)]
    drop(fax_tiff(pages, ws.root / "six_pages.tif"), ws.folder("inbox"))
    wait_until(
        lambda: daemon.children("tesseract"), timeout=60, what="tesseract reading a page", interval=0.02
    )
    assert daemon.stop(signum, group=group, timeout=180) == 0
    (row,) = ws.documents()
    assert row["status"] == "filed" and row["page_count"] == 6
    sources = {r["source"] for r in ws.rows("SELECT source FROM pages WHERE document_id = ?", row["id"])}
    assert "unreadable" not in sources  # tesseract was not killed by the signal
    assert inbox_empty(ws)
    assert "stopping: finishing 1 document(s) in progress" in daemon.log()


def test_a_second_daemon_on_the_same_work_folder_refuses_to_start(ws: Workspace, daemons: Daemons) -> None:
    first = started(ws, daemons)
    second = daemons.start(ws.config)
    assert second.proc is not None and second.proc.wait(timeout=60) == 2
    assert "already running" in second.log()
    assert first.running()


def test_daemon_writes_the_nightly_report_once_per_night(ws: Workspace, daemons: Daemons) -> None:
    """A daemon started after the nightly time writes that night's report at once (a missed night)."""
    reports = ws.root / "data" / "reports"
    daemon = started(ws, daemons)
    wait_until(lambda: any(reports.glob("unmatched-*.html")), timeout=60, what="the nightly report")
    written = sorted(path.name for path in reports.iterdir())
    assert len(written) == 2 and written[0].endswith(".csv") and written[1].endswith(".html")
    assert daemon.stop(signal.SIGTERM) == 0
    daemon = started(ws, daemons)  # restarted the same night: nothing more is due
    assert daemon.stop(signal.SIGTERM) == 0
    assert sorted(path.name for path in reports.iterdir()) == written
    assert daemon.log_path.read_text().count("nightly report for") == 1
