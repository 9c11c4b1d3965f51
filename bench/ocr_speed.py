"""OCR stage speed against the floor: plain single-threaded tesseract run serially on the same pages.

    python -m bench.ocr_speed [--docs 16] [--seed 3]

Prints pages per minute for raw tesseract, the OCR stage with 1 worker and with one worker per core,
and the ratios (targets on 2 cores: 1 worker <= 1.10x, all cores <= 0.65x of the serial raw time).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.corpus import generate_corpus
from bench.timing import incoming_copy, page_files, per_minute, raw_tesseract_seconds
from chartfile.ocr.pool import OcrPool
from chartfile.ocr.recognize import recognize
from chartfile.ocr.tesseract import TesseractEngine
from chartfile.settings import OcrSettings

IMAGE_FORMATS = ("scan_png", "scan_jpeg", "fax_fine_tiff", "fax_standard_tiff", "scan_pdf", "fax_pdf")


def stage_seconds(documents: list[Path], workers: int, scratch: Path) -> tuple[float, int]:
    """Wall time of the OCR stage over the documents: `workers` pages in Tesseract at once, and one more
    document in flight than that (as `chartfile process` runs them)."""
    settings = OcrSettings(workers=workers)
    engine = TesseractEngine(language="eng", timeout_seconds=300)
    incoming = [
        incoming_copy(doc, scratch / f"w{workers}" / str(index), intake_id=index)
        for index, doc in enumerate(documents)
    ]
    start = time.perf_counter()
    with OcrPool(workers) as pages, ThreadPoolExecutor(workers + 1) as docs:
        results = list(docs.map(lambda i: recognize(i, settings, engine=engine, pool=pages), incoming))
    elapsed = time.perf_counter() - start
    return elapsed, sum(len(r.pages) for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=16)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chartfile-ocr-speed-") as tmp:
        root = Path(tmp)
        manifest = generate_corpus(root / "corpus", n_docs=args.docs, seed=args.seed, formats=IMAGE_FORMATS)
        documents = [root / "corpus" / d.file for d in manifest.documents]
        pages = list(page_files(documents, root / "pages"))
        raw = raw_tesseract_seconds(pages)
        one, count1 = stage_seconds(documents, 1, root)
        cores = os.cpu_count() or 1
        many, count_n = stage_seconds(documents, cores, root)
    print(f"{len(documents)} documents, {len(pages)} pages (raw) / {count1} pages (stage), {cores} cores")
    print(f"{'run':<34}{'seconds':>9}{'pages/min':>11}{'ratio':>8}")
    for name, seconds, count in (
        ("raw tesseract, serial", raw, len(pages)),
        ("OCR stage, 1 worker", one, count1),
        (f"OCR stage, {cores} workers", many, count_n),
    ):
        print(f"{name:<34}{seconds:>9.1f}{per_minute(count, seconds):>11.1f}{seconds / raw:>8.2f}")
    print(f"targets: 1 worker <= 1.10 (got {one / raw:.2f}); {cores} workers <= 0.65 (got {many / raw:.2f})")


if __name__ == "__main__":
    main()
