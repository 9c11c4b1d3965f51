"""Hostile and heavy input against `chartfile process`: how soon bombs are refused and at what memory,
the memory of pages at the size limit going through together, and how fast the audit trail verifies.

    python -m bench.hostile [--audit-rows 20000]

Memory is the process tree's (chartfile and the tesseract and poppler it starts), sampled by
`tests.harness.TreeMemory`; the target is under 600 MB whatever the input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import ImageDraw

from bench.corpus.hostile import g4_bomb_tiff, vector_page_pdf
from bench.corpus.render import Line, PageText, render_pages
from bench.soak import write_config
from chartfile.ledger import open_ledger
from chartfile.settings import load_settings
from tests.harness import TreeMemory, cli_env

TARGET_MB = 600


def run_process(config: Path, files: list[Path]) -> tuple[float, float, dict[str, int]]:
    """Seconds, tree peak MB and the summary of one `chartfile process` run."""
    began = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "chartfile", "--config", str(config), "process", "--json", *map(str, files)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
    )
    with TreeMemory(proc.pid) as memory:
        out, err = proc.communicate(timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(err[-2000:])
    return time.monotonic() - began, memory.peak_mb, json.loads(out)


def largest_pages(folder: Path) -> list[Path]:
    """Pages just under the default limit (40 megapixels; colour counts 2.5 times): three grey, one
    colour, one 1-bit: what a 600-dpi scanner could send at once."""
    text = PageText([Line("Largest page allowed, for the memory bound."), Line("Page text, lines.")])
    base = render_pages([text])[0]
    made = []
    for number in range(3):
        grey = base.resize((5400, 7400)).convert("L")
        ImageDraw.Draw(grey).rectangle((100 + number * 60, 100, 140 + number * 60, 140), fill=0)
        made.append(grey)
    colour = base.resize((3400, 4700)).convert("RGB")
    paths = []
    for number, image in enumerate(made):
        image.save(folder / f"grey_{number}.png")
        paths.append(folder / f"grey_{number}.png")
    colour.save(folder / "colour.png")
    base.resize((5400, 7400)).convert("1").save(folder / "bw.tif", compression="group4", dpi=(600, 600))
    return [*paths, folder / "colour.png", folder / "bw.tif"]


def audit_verify_rate(folder: Path, rows: int) -> tuple[float, float]:
    """Seconds to append `rows` audit rows (in units of 500) and to verify the whole trail."""
    settings = load_settings(write_config(folder / "audit").config)
    clock = lambda: dt.datetime.now(dt.UTC)  # noqa: E731
    with open_ledger(settings.paths, settings.database, clock=clock, actor="bench") as ledger:
        began = time.monotonic()
        for start in range(0, rows, 500):
            with ledger.unit() as unit:
                for number in range(start, min(rows, start + 500)):
                    unit.audit("viewed", number, command="bench", note=f"row {number}")
        appended = time.monotonic() - began
        began = time.monotonic()
        report = ledger.verify_audit()
        verified = time.monotonic() - began
    assert report.ok and report.chained == rows
    return appended, verified


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audit-rows", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chartfile-hostile-") as tmp:
        root = Path(tmp)
        bombs = [vector_page_pdf(root / "vector_page_7200pt.pdf"), g4_bomb_tiff(root / "fax_25000x25000.tif")]
        for bomb in bombs:
            size = bomb.stat().st_size  # the file goes to quarantine
            seconds, peak, summary = run_process(write_config(root / bomb.stem).config, [bomb])
            print(
                f"{bomb.name} ({size} bytes): {summary['quarantined']} quarantined in "
                f"{seconds:.1f} s, tree peak {peak:.0f} MB (target < {TARGET_MB})"
            )
        pages = largest_pages(root)
        seconds, peak, summary = run_process(write_config(root / "largest").config, pages)
        done = sum(summary[k] for k in ("filed", "review", "unmatched"))
        print(
            f"{len(pages)} pages at the size limit at once: {done} read in {seconds:.1f} s, "
            f"tree peak {peak:.0f} MB (target < {TARGET_MB})"
        )
        appended, verified = audit_verify_rate(root, args.audit_rows)
        print(
            f"audit trail: {args.audit_rows} rows appended in {appended:.1f} s, verified in {verified:.2f} s "
            f"({args.audit_rows / verified:,.0f} rows/s)"
        )


if __name__ == "__main__":
    main()
