"""Memory stays bounded on a long fax: pages are decoded one at a time, at most workers + 1 in flight."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import make_workspace

from bench.corpus import Line, PageText, render_pages, to_fax, write_tiff

pytestmark = [pytest.mark.slow, pytest.mark.endurance]


def fax(path: Path, pages: int) -> Path:
    images = render_pages(
        [
            PageText(
                [
                    Line(f"Continuation page {n} of the faxed record, lines of text."),
                    Line("Signed and faxed by the records department."),
                ]
            )
            for n in range(1, 4)
        ]
    )
    frames = [to_fax(images[n % 3], mode="fine") for n in range(pages)]
    return write_tiff(frames, path, compression="group4", dpi=(204, 196))


def peak_rss_mb(workspace: Path, document: Path) -> float:
    """VmHWM of `chartfile process` on one document (read while it runs; it is a real subprocess)."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "chartfile",
            "--config",
            str(workspace / "config.yaml"),
            "process",
            "--json",
            str(document),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    peak = 0
    while proc.poll() is None:
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
            peak = max(peak, int(next(ln.split()[1] for ln in status.splitlines() if ln.startswith("VmHWM"))))
        except (OSError, StopIteration):
            pass
        time.sleep(0.05)
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    return peak / 1024


def test_a_120_page_fax_needs_little_more_memory_than_a_4_page_one(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    short_ws, long_ws = make_workspace(tmp_path / "a"), make_workspace(tmp_path / "b")
    short = peak_rss_mb(short_ws, fax(tmp_path / "fax_4_pages.tif", 4))
    long = peak_rss_mb(long_ws, fax(tmp_path / "fax_120_pages.tif", 120))
    assert long - short < 80, (short, long)  # 120 decoded 1728x2156 pages alone would be > 400 MB
