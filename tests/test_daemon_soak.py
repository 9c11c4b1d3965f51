"""A thousand small files dropped at once: all processed, the work folder and memory stay bounded.

The files are what a fax server's inbox holds: one in ten a scanned slip (a PNG, read by Tesseract), the
rest born-digital one-page PDFs (their text layer read, no OCR). What is under test is the flood (the
watcher, the bounded queue, claims, the work folder, memory), so most files cost Tesseract nothing and the
suite stays within its time. `CHARTFILE_SOAK_FILES` (read here, by the test only) scales the count; the
default is 1000.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest
from conftest import run_cli
from harness import Daemons, Workspace, wait_until
from PIL import Image, ImageDraw, ImageFont

from bench.corpus.fonts import font_path
from bench.corpus.writers import write_png

# Its own deadline (wait_until below) is the limit: pytest's global 600 s cuts it short on a busy machine.
pytestmark = [pytest.mark.slow(minutes=1), pytest.mark.timeout(1800), pytest.mark.endurance]

FILES = int(os.environ.get("CHARTFILE_SOAK_FILES", "1000"))
# The daemon's own memory (tesseract runs as separate processes): Python, SQLAlchemy, pikepdf, Pillow and
# watchdog take ~150-200 MB; the bound leaves room for a queue of `queue_size` paths, a few documents in
# flight and allocator slack. Anything that held every file (or every page image) would blow through it.
PEAK_RSS_BOUND_MB = 400
QUEUE_SIZE = 16
SCANNED_EVERY = 10  # one file in ten is an image Tesseract reads (100 pages of OCR in the flood)


def tiny_note(number: int, path: Path, font: ImageFont.FreeTypeFont) -> Path:
    """A 1-line slip of paper (a few words, not blank), unique per number, at 300 dpi."""
    image = Image.new("L", (900, 110), 255)
    ImageDraw.Draw(image).text((30, 30), f"Routing slip {number:04d} for the front desk", font=font, fill=0)
    return write_png(image, path, 300)


def born_digital_template() -> bytes:
    """A one-page PDF whose text layer reads "Routing slip NNNN for the front desk", with NNNN as the bytes
    XXXX in an uncompressed content stream: each slip is the template with its number put in (the same
    length, so the cross-reference table stays right), made in microseconds instead of fpdf's 90 ms."""
    from fpdf import FPDF  # noqa: PLC0415 - a test dependency

    pdf = FPDF(unit="pt", format=(612, 792))
    pdf.set_compression(False)
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.text(72, 72, "Routing slip XXXX for the front desk")
    made = bytes(pdf.output())
    assert made.count(b"XXXX") == 1
    return made


def slip(number: int, folder: Path, font: ImageFont.FreeTypeFont, template: bytes) -> Path:
    """Slip `number`: a scanned PNG for every SCANNED_EVERY-th, else a born-digital PDF."""
    if number % SCANNED_EVERY == 0:
        return tiny_note(number, folder / f"slip_{number:04d}.png", font)
    path = folder / f"slip_{number:04d}.pdf"
    path.write_bytes(template.replace(b"XXXX", f"{number:04d}".encode()))
    return path


def test_a_thousand_files_dropped_at_once_are_all_processed_in_bounded_memory(
    workspace: Path, daemons: Daemons
) -> None:
    ws = Workspace(workspace)
    ws.configure(ingest={"queue_size": QUEUE_SIZE, "rescan_seconds": 5})
    run_cli(workspace, "patients", "import", str(workspace / "patients.csv"), check=True)
    font = ImageFont.truetype(str(font_path()), 36)
    staging = workspace / "staging"
    staging.mkdir()
    template = born_digital_template()
    digests = {
        hashlib.sha256(slip(n, staging, font, template).read_bytes()).hexdigest() for n in range(FILES)
    }
    assert len(digests) == FILES
    daemon = daemons.start(ws.config)
    daemon.wait_for_log("watching the inbox", timeout=60)
    started_at = time.monotonic()
    for path in sorted(staging.iterdir()):
        os.replace(path, ws.folder("inbox") / path.name)
    most_work_folders = 0

    def all_done() -> bool:
        nonlocal most_work_folders
        most_work_folders = max(most_work_folders, sum(1 for _ in ws.folder("work").iterdir()) - 1)
        return len(ws.rows("SELECT id FROM documents")) == FILES

    wait_until(all_done, timeout=1800, what=f"{FILES} documents committed", interval=1.0)
    seconds = time.monotonic() - started_at
    peak_mb = daemon.peak_rss_mb()
    print(f"{FILES} files in {seconds:.0f} s ({FILES / seconds * 60:.0f}/min); peak RSS {peak_mb:.0f} MB")
    assert daemon.stop() == 0
    docs = ws.rows("SELECT sha256, status FROM documents")
    assert {doc["sha256"] for doc in docs} == digests and len(docs) == FILES
    assert {doc["status"] for doc in docs} == {"unmatched"}
    assert not any(ws.folder("inbox").iterdir())
    assert most_work_folders <= 4  # 2 document workers: files are claimed as a worker takes them
    assert peak_mb < PEAK_RSS_BOUND_MB
