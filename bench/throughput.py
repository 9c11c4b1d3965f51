"""Throughput of the whole pipeline against the floor, side by side, in one run.

    python -m bench.throughput 120            # about 120 pages
    python -m bench.throughput 120 --write    # also write bench/RESULTS.md

Generates a mixed corpus of faxes and scans (1-20 pages a document), then measures
(a) plain `tesseract` run serially, single-threaded, on the same page images (the floor),
(b) `chartfile process` on the documents with 1 worker (ocr.workers: one Tesseract at a time), (c) with the
default workers (one per core);
prints pages/minute and the ratios b/a (target <= 1.10) and c/a (target <= 0.60 on 2 cores).
Then the peak RSS of `chartfile process` on one 200-page fax (target < 600 MB), and the latency from a
2-page fax landing in the inbox of a running daemon to its row being committed, beside the raw
tesseract time of those 2 pages plus the readiness delay (target: raw + delay + 1 s).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml
from PIL import Image, ImageSequence

from bench.corpus import generate_corpus
from bench.timing import page_files, per_minute, raw_tesseract_seconds
from chartfile.settings import DEFAULT_CONFIG_TEXT

FORMATS = ("fax_fine_tiff", "fax_standard_tiff", "scan_png", "scan_jpeg", "scan_pdf", "fax_pdf")
RESULTS = Path(__file__).parent / "RESULTS.md"


@dataclass(frozen=True, slots=True)
class Run:
    name: str
    seconds: float
    pages: int
    peak_rss_mb: float = 0.0


def build_corpus(root: Path, pages_wanted: int, seed: int) -> list[Path]:
    """Generated documents, with fax pages stitched into longer faxes (up to 20 pages)."""
    manifest = generate_corpus(root / "corpus", n_docs=max(4, pages_wanted // 2), seed=seed, formats=FORMATS)
    docs = [root / "corpus" / d.file for d in manifest.documents]
    rng = random.Random(seed)
    out, total, faxes = root / "docs", 0, [d for d in docs if d.suffix == ".tif"]
    out.mkdir()
    for index, doc in enumerate(docs):
        if total >= pages_wanted:
            break
        if doc.suffix == ".tif" and rng.random() < 0.3:
            total += _stitch(
                rng.sample(faxes, min(len(faxes), rng.randint(2, 6))), out / f"{index:04d}_long.tif"
            )
        else:
            total += _pages_of(doc)
            shutil.copy(doc, out / doc.name)
    return sorted(out.iterdir())


def _pages_of(doc: Path) -> int:
    if doc.suffix == ".pdf":
        info = subprocess.run(["pdfinfo", str(doc)], capture_output=True, text=True, check=True).stdout
        return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    with Image.open(doc) as image:
        return getattr(image, "n_frames", 1)


def _stitch(faxes: list[Path], target: Path, limit: int = 20) -> int:
    frames: list[Image.Image] = []
    for fax in faxes:
        with Image.open(fax) as image:
            frames += [frame.copy() for frame in ImageSequence.Iterator(image)][: limit - len(frames)]
    dpi = frames[0].info.get("dpi", (204, 196))
    frames[0].save(target, save_all=True, append_images=frames[1:], compression="group4", dpi=dpi)
    return len(frames)


def workspace(root: Path, name: str, *, workers: int, stability: float = 2.0) -> Path:
    folder = root / name
    folder.mkdir()
    raw = yaml.safe_load(DEFAULT_CONFIG_TEXT)
    raw["ocr"]["workers"] = workers  # Tesseract processes at once; documents in flight stay the default
    raw["ingest"] |= {"stability_seconds": stability, "poll_interval_seconds": 0.2}
    (folder / "config.yaml").write_text(yaml.safe_dump(raw))
    return folder


def chartfile(ws: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "chartfile", "--config", str(ws / "config.yaml"), *args]


def timed_process(ws: Path, inputs: list[Path], pages: int, name: str) -> Run:
    """`chartfile process` on copies of the inputs; wall time and the process's peak RSS (VmHWM)."""
    batch = ws / "batch"
    batch.mkdir()
    for doc in inputs:
        shutil.copy(doc, batch / doc.name)
    start = time.perf_counter()
    proc = subprocess.Popen(
        chartfile(ws, "process", "--json", str(batch)),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    peak = _watch_rss(proc)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"chartfile process failed ({proc.returncode})")
    return Run(name, seconds, pages, peak)


def _watch_rss(proc: subprocess.Popen[str]) -> float:
    peak = 0.0
    while proc.poll() is None:
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
            peak = max(
                peak, float(next(ln.split()[1] for ln in status.splitlines() if ln.startswith("VmHWM")))
            )
        except (OSError, StopIteration):
            pass
        time.sleep(0.1)
    proc.communicate()
    return peak / 1024


def import_patients(ws: Path, master: Path) -> None:
    subprocess.run(chartfile(ws, "patients", "import", str(master)), check=True, capture_output=True)


def long_fax(root: Path, docs: list[Path], pages: int = 200) -> Path:
    """A 200-page fax made of the corpus's fax pages, repeated."""
    frames: list[Image.Image] = []
    faxes = [d for d in docs if d.suffix == ".tif"]
    while len(frames) < pages:
        for fax in faxes:
            with Image.open(fax) as image:
                frames += [frame.copy() for frame in ImageSequence.Iterator(image)]
    target = root / "fax_200_pages.tif"
    frames[0].save(
        target,
        save_all=True,
        append_images=frames[1:pages],
        compression="group4",
        dpi=frames[0].info.get("dpi", (204, 196)),
    )
    return target


def latency(root: Path, fax: Path, master: Path) -> tuple[float, float, float]:
    """(drop-to-commit seconds, raw tesseract seconds of its pages, readiness delay) on a running daemon."""
    ws = workspace(root, "latency", workers=os.cpu_count() or 1)
    import_patients(ws, master)
    daemon = subprocess.Popen(chartfile(ws, "watch"), stderr=subprocess.DEVNULL)
    try:
        inbox, db = ws / "data" / "inbox", ws / "data" / "chartfile.db"
        while not inbox.is_dir() or not db.exists():
            time.sleep(0.1)
        time.sleep(1.0)  # let the daemon settle into its loop
        shutil.copy(fax, ws / "staged.tif")
        start = time.perf_counter()
        os.replace(ws / "staged.tif", inbox / fax.name)
        while not _committed(db):
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)
    pages = list(page_files([fax], root / "latency_pages"))
    return elapsed, raw_tesseract_seconds(pages), 2.0


def _committed(db: Path) -> bool:
    try:
        with sqlite3.connect(db) as connection:
            return bool(connection.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.Error:
        return False


def machine() -> str:
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    tess = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=True).stdout
    tess = tess.splitlines()[0]
    return f"{os.cpu_count()} cores, {cpu}; {platform.platform()}; Python {platform.python_version()}; {tess}"


def report(runs: list[Run], long_run: Run, lat: tuple[float, float, float], pages: int, docs: int) -> str:
    floor = runs[0].seconds
    lines = [
        f"{docs} documents, {pages} pages; {machine()}",
        "",
        "| run | seconds | pages/min | ratio to floor | peak RSS MB |",
        "|---|---|---|---|---|",
    ]
    for run in runs:
        lines.append(
            f"| {run.name} | {run.seconds:.1f} | {per_minute(run.pages, run.seconds):.1f} | "
            f"{run.seconds / floor:.2f} | {run.peak_rss_mb:.0f} |"
        )
    elapsed, raw, delay = lat
    lines += [
        "",
        f"targets: 1 worker <= 1.10 (got {runs[1].seconds / floor:.2f}); "
        f"{runs[2].name} <= 0.60 (got {runs[2].seconds / floor:.2f})",
        f"200-page fax: {long_run.seconds:.0f} s, peak RSS {long_run.peak_rss_mb:.0f} MB (target < 600 MB)",
        f"2-page fax, drop to committed row: {elapsed:.1f} s; raw tesseract {raw:.1f} s + readiness "
        f"{delay:.1f} s + 1 s = {raw + delay + 1:.1f} s (target)",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("pages", type=int, nargs="?", default=120)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--write", action="store_true", help=f"write the results to {RESULTS}")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chartfile-throughput-") as tmp:
        root = Path(tmp)
        docs = build_corpus(root, args.pages, args.seed)
        master = root / "corpus" / "master.csv"
        pages = list(page_files(docs, root / "pages"))
        runs = [Run("plain tesseract, serial (floor)", raw_tesseract_seconds(pages), len(pages))]
        for name, workers in (
            ("chartfile process, 1 worker", 1),
            (f"chartfile process, {os.cpu_count()} workers", os.cpu_count() or 1),
        ):
            ws = workspace(root, f"w{workers}", workers=workers)
            import_patients(ws, master)
            runs.append(timed_process(ws, docs, len(pages), name))
        ws = workspace(root, "long", workers=os.cpu_count() or 1)
        long_run = timed_process(ws, [long_fax(root, docs)], 200, "200-page fax")
        two_page = root / "fax_2_pages.tif"
        _stitch([d for d in docs if d.suffix == ".tif"], two_page, limit=2)
        text = report(runs, long_run, latency(root, two_page, master), len(pages), len(docs))
    print(text)
    if args.write:
        RESULTS.write_text(
            f"# bench results\n\nLatest `python -m bench.throughput {args.pages}`:\n\n{text}\n"
        )


if __name__ == "__main__":
    main()
