"""Hostile input is bad input, refused before it costs anything: decompression bombs (a 700-byte PDF with
a 100-inch vector page, a 3-KB 25000 x 25000 fax TIFF) within seconds and far under 600 MB; truncated
and empty files with a clear reason; a name that is not text quarantined once (not retried for ever);
a link in the inbox never followed."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from conftest import run_cli, started
from harness import Daemons, TreeMemory, Workspace, wait_until
from hostile_files import g4_bomb_tiff, truncated_fax, vector_page_pdf
from PIL import Image
from scenarios import fax_tiff, lab_result, plain_page

from chartfile.ocr.limits import folder_bytes

pytestmark = pytest.mark.slow(minutes=2)
TREE_LIMIT_MB = 600


@pytest.fixture
def ws(workspace: Path) -> Workspace:
    run_cli(workspace, "patients", "import", str(workspace / "patients.csv"), check=True)
    return Workspace(workspace)


def notes(ws: Workspace) -> dict[str, dict[str, str]]:
    """Quarantine notes by the document's source name."""
    found = [json.loads(p.read_text()) for p in ws.folder("quarantine").glob("*.json")]
    return {note["source_name"]: note for note in found}


def test_decompression_bombs_are_refused_before_decoding_with_the_daemon_under_600_mb(
    ws: Workspace, daemons: Daemons
) -> None:
    daemon = started(ws, daemons)
    staging = ws.root / "staging"
    staging.mkdir()
    bombs = [
        vector_page_pdf(staging / "vector_page_7200pt.pdf"),
        g4_bomb_tiff(staging / "fax_25000x25000.tif"),
    ]
    assert all(bomb.stat().st_size < 4000 for bomb in bombs)
    work_peak, began = 0, time.monotonic()
    with TreeMemory(daemon.pid) as memory:
        for bomb in bombs:
            os.replace(bomb, ws.folder("inbox") / bomb.name)

        def both_quarantined() -> bool:
            nonlocal work_peak
            work_peak = max(work_peak, folder_bytes(ws.folder("work")))
            return len([d for d in ws.documents() if d["status"] == "quarantined"]) == 2

        wait_until(both_quarantined, timeout=120, what="both bombs quarantined", interval=0.05)
    elapsed = time.monotonic() - began
    print(
        f"bombs refused in {elapsed:.1f} s; daemon tree peak {memory.peak_mb:.0f} MB; work {work_peak} bytes"
    )
    assert memory.peak_mb < TREE_LIMIT_MB
    assert work_peak < 1_000_000  # nothing was rasterised or decoded into the work folder
    said = notes(ws)
    pdf, tiff = said["vector_page_7200pt.pdf"], said["fax_25000x25000.tif"]
    assert "30000 x 30000 pixels at 300 dpi (900.0 megapixels)" in pdf["reason"]
    assert "25000 x 25000 pixels (625.0 megapixels)" in tiff["reason"]
    for note in (pdf, tiff):
        assert "ocr.max_page_megapixels" in note["reason"] and "it was not decoded" in note["reason"]
        assert note["stage"] == "ocr" and "internal" not in note["stage"]
    assert "unexpected" not in daemon.log() and daemon.running()


def test_truncated_empty_misnamed_and_linked_files_each_get_their_reason(
    ws: Workspace, daemons: Daemons
) -> None:
    daemon = started(ws, daemons)
    staging = ws.root / "staging"
    staging.mkdir()
    truncated_fax(staging / "cut_short.tif")
    (staging / "empty.pdf").write_bytes(b"")
    fax_tiff([lab_result("Rafael Castellano", "01/30/1972", "4471206")], staging / "good.tif")
    raw_name = os.fsencode(ws.folder("inbox")) + b"/fax-\xff\xfe-Castellano.tif"  # not UTF-8
    os.replace(staging / "good.tif", os.fsdecode(raw_name))
    for path in staging.iterdir():
        os.replace(path, ws.folder("inbox") / path.name)
    link = ws.folder("inbox") / "passwd.pdf"
    link.symlink_to("/etc/passwd")
    wait_until(lambda: len(ws.documents()) == 3, timeout=180, what="three documents recorded")
    wait_until(lambda: set(os.listdir(ws.folder("inbox"))) == {"passwd.pdf"}, timeout=60, what="inbox done")
    said = notes(ws)
    assert "the TIFF is truncated or damaged" in said["cut_short.tif"]["reason"]
    assert "an empty file (0 bytes)" in said["empty.pdf"]["reason"]
    misnamed = said["fax-\\xff\\xfe-Castellano.tif"]  # the name's bytes, escaped, in the note only
    assert "not valid UTF-8" in misnamed["reason"] and "Castellano" not in misnamed["reason"]
    assert {d["status"] for d in ws.documents()} == {"quarantined"} and len(ws.intake()) == 3
    assert not any(Path(p).read_bytes().startswith(b"root:") for p in ws.folder("quarantine").iterdir())
    log = daemon.log()
    assert f"skipping inode {link.lstat().st_ino} in the inbox: a symbolic link" in log
    assert "Castellano" not in log and "passwd" not in log and "unexpected" not in log
    status = json.loads(run_cli(ws.root, "status", "--json", check=True).stdout)
    assert status["documents"] == {"quarantined": 3} and status["failed_intake"] == 0


def test_process_skips_a_link_with_a_note_naming_its_inode(ws: Workspace) -> None:
    batch = ws.root / "batch"
    batch.mkdir()
    (batch / "passwd.tif").symlink_to("/etc/passwd")
    done = run_cli(ws.root, "process", str(batch), "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["skipped"] == 1
    inode = (batch / "passwd.tif").lstat().st_ino
    assert f"skipped: skipped inode {inode} in {batch}: a symbolic link" in done.stderr
    assert ws.documents() == [] and list(ws.folder("quarantine").iterdir()) == []


def test_the_page_and_work_folder_budgets_refuse_a_document_as_bad_input(ws: Workspace) -> None:
    ws.configure(ocr={"max_pages": 2, "max_work_mb": 16})
    batch = ws.root / "batch"
    batch.mkdir()
    fax_tiff([plain_page(f"Page {n} of a long fax.") for n in range(1, 4)], batch / "three_pages.tif")
    noise = [os.urandom(2000 * 2000) for _ in range(2)]  # grey pages that compress to nothing less
    frames = [Image.frombytes("L", (2000, 2000), page) for page in noise]
    frames[0].save(batch / "heavy.tif", save_all=True, append_images=frames[1:], dpi=(300, 300))
    done = run_cli(ws.root, "process", str(batch), "--json", check=True)
    assert json.loads(done.stdout)["quarantined"] == 2
    said = notes(ws)
    assert (
        "the document has 3 pages, over the limit of 2 (ocr.max_pages)" in said["three_pages.tif"]["reason"]
    )
    assert "needs more than 16 MB of work space (ocr.max_work_mb)" in said["heavy.tif"]["reason"]
