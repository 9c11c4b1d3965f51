"""A smoke run of bench.scale_db on the test server: both engines searched and committed to, the figures
shaped as the lead's combined bench reads them, and the table printed. Speed is never asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench  # run by CI after `make test` (Makefile: test-endurance)

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_run_measures_search_and_commits_on_both_engines(pg_url: str) -> None:
    """`run(...)` as the combined bench calls it (in its own process, as the bench imports tests.*)."""
    code = (
        "import json, sys; from bench.scale_db import run; "
        "print(json.dumps(run(documents=300, runs=2, commits=12, writers=(1, 3), pg_url=sys.argv[1])))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, pg_url],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout)
    assert found["documents"] == 300 and found["pages"] >= 300
    for engine in ("sqlite", "postgresql"):
        for kind in ("rare", "common"):
            figures = found["search"][engine][kind]
            assert 0 < figures["p50_ms"] <= figures["p99_ms"]
        assert set(found["commits_per_second"][engine]) == {"1", "3"}
        assert all(rate > 0 for rate in found["commits_per_second"][engine].values())


def test_the_command_prints_both_tables() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.scale_db", "--documents", "200", "--runs", "1", "--commits", "4"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("# 200 documents,")
    assert sum(line.startswith(("sqlite ", "postgresql ")) for line in lines) == 8  # 4 search + 4 commits
