"""Smoke run of bench.scale (bench.scale_queue and bench.scale_db in one run) as a real subprocess (its
own PostgreSQL servers, real workers): it runs and prints every figure it promises. Speed is measured by
the benchmark itself, never asserted here."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench  # run by CI after `make test` (Makefile: test-endurance)

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow(minutes=1.5)
def test_scale_prints_rates_for_each_worker_count_the_overheads_and_the_database_bound() -> None:
    small = ["--pages", "2", "--repeat", "1", "--workers", "1,2", "--cost-jobs", "20"]
    small += ["--documents", "200", "--runs", "1", "--commits", "4"]
    done = subprocess.run(
        [sys.executable, "-m", "bench.scale", *small],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = dict(re.findall(r"^\| ([^|]+?) \| [\d.]+ \| ([\d.]+) \|", done.stdout, re.MULTILINE))
    assert set(rows) == {
        "plain tesseract, serial (floor)",
        "chartfile process, 1 Tesseract",
        "1 worker (drain)",
        "2 workers (drain)",
    }
    assert all(float(rate) > 0 for rate in rows.values())
    cost = re.search(r"enqueue ([\d.]+) ms \+ run ([\d.]+) ms = ([\d.]+)% of the floor", done.stdout)
    assert cost is not None and float(cost.group(2)) > 0, done.stdout
    assert "end to end, per job" in done.stdout and "end to end, CPU" in done.stdout
    for engine in ("sqlite", "postgresql"):
        assert re.search(rf"^{engine} +rare +[\d.]+ +[\d.]+$", done.stdout, re.MULTILINE), done.stdout
    bound = re.search(r"add up linearly to about (\d+) cores of OCR", done.stdout)
    assert bound is not None and int(bound.group(1)) > 0, done.stdout
