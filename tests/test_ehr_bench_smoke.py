"""`bench.ehr_speed` runs as a real subprocess and prints the two figures it promises (not asserted fast)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench  # run by CI after `make test` (Makefile: test-endurance)

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_ehr_speed_prints_adt_rate_and_delivery_latency() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.ehr_speed", "--adt", "120", "--connections", "3", "--docs", "3"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    adt = re.search(r"ADT in: (\d+) messages over 3 connections: (\d+) messages/s, (\d+) AA", done.stdout)
    assert adt is not None and adt[1] == adt[3] == "120" and int(adt[2]) > 0
    out = re.search(r"commit -> ACK\): (\d+) delivered, p50 (\d+) ms, p99 (\d+) ms", done.stdout)
    assert out is not None and out[1] == "3" and int(out[2]) <= int(out[3])
