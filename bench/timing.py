"""Shared benchmark helpers: raw single-threaded tesseract as the floor, and page files as received."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from PIL import Image, ImageSequence

from chartfile.ingest.sniff import sniff
from chartfile.records import IncomingFile

FLOOR_ENV = os.environ | {"OMP_THREAD_LIMIT": "1"}


def page_files(documents: Iterable[Path], out_dir: Path) -> Iterator[Path]:
    """Each page of each document as its own file, as received (faxes at native resolution)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for doc in documents:
        if doc.suffix.lower() in (".png", ".jpg", ".jpeg"):
            yield doc
        elif doc.suffix.lower() in (".tif", ".tiff"):
            yield from _tiff_pages(doc, out_dir)
        elif doc.suffix.lower() == ".pdf":
            yield from _pdf_pages(doc, out_dir)


def _tiff_pages(doc: Path, out_dir: Path) -> Iterator[Path]:
    with Image.open(doc) as image:
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            target = out_dir / f"{doc.stem}-{index + 1}.tif"
            frame.save(
                target, compression="group4" if frame.mode == "1" else "tiff_lzw", dpi=frame.info["dpi"]
            )
            yield target


def _pdf_pages(doc: Path, out_dir: Path) -> Iterator[Path]:
    """Image PDFs: the page's own embedded image (what a person would OCR); text PDFs: none."""
    text = subprocess.run(["pdftotext", str(doc), "-"], capture_output=True, text=True, check=True).stdout
    if len(text.strip()) > 20:
        return
    prefix = out_dir / doc.stem
    subprocess.run(["pdfimages", "-all", str(doc), str(prefix)], check=True)
    extracted = sorted(out_dir.glob(f"{doc.stem}-*"))
    if any(path.suffix in (".ccitt", ".params") for path in extracted):
        # raw CCITT streams are no image file tesseract reads: take those pages as (G4) TIFF instead
        for path in extracted:
            path.unlink()
        subprocess.run(["pdfimages", "-tiff", str(doc), str(prefix)], check=True)
        extracted = sorted(out_dir.glob(f"{doc.stem}-*"))
    yield from extracted


def raw_tesseract_seconds(pages: list[Path], *, language: str = "eng") -> float:
    """Wall time of plain `tesseract PAGE OUT` run serially, single-threaded: the floor."""
    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        for index, page in enumerate(pages):
            subprocess.run(
                ["tesseract", str(page), str(Path(scratch) / str(index)), "-l", language],
                env=FLOOR_ENV,
                check=True,
                capture_output=True,
            )
        return time.perf_counter() - start


def per_minute(count: int, seconds: float) -> float:
    return 60.0 * count / seconds if seconds > 0 else float("inf")


def incoming_copy(document: Path, work: Path, *, intake_id: int = 1) -> IncomingFile:
    """A document as the OCR stage receives it: copied into its own work folder (the file is not touched)."""
    work.mkdir(parents=True, exist_ok=True)
    copy = work / f"original{document.suffix}"
    shutil.copy(document, copy)
    return IncomingFile(
        intake_id=intake_id,
        source_path=document,
        source_name=document.name,
        work_copy=copy,
        work_dir=work,
        sha256="",
        size_bytes=copy.stat().st_size,
        kind=sniff(copy),
        received_at=dt.datetime.now(dt.UTC),
    )
