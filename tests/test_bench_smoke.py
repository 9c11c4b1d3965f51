"""Smoke runs of the matching benchmarks as real subprocesses: they run, and print the tables they promise.

Speed is measured by the benchmarks themselves, never asserted here.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench  # run by CI after `make test` (Makefile: test-endurance)

REPO_ROOT = Path(__file__).resolve().parents[1]
VARIATIONS = ("exact", "surname-typo", "nickname", "no-dob", "no-mrn", "stranger")


def run_bench(module: str, *args: str) -> str:
    """`python -m bench.MODULE ARGS...` from the repository root; its stdout, after asserting exit 0."""
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"bench.{module} exited {done.returncode}:\n{done.stderr[-3000:]}"
    return done.stdout


def tables(stdout: str, first_column: str) -> list[list[dict[str, str]]]:
    """Each whitespace-aligned table whose header starts with `first_column`, as rows keyed by header.

    A first cell with spaces ("recordlinkage ECM") is rejoined: the other cells never have any.
    """
    found: list[list[dict[str, str]]] = []
    header: list[str] | None = None
    for line in stdout.splitlines():
        cells = line.split()
        if cells and cells[0] == first_column:
            header = cells
            found.append([])
        elif not cells or header is None or len(cells) < len(header):
            header = None
        else:
            extra = len(cells) - len(header)
            cells = [" ".join(cells[: extra + 1]), *cells[extra + 1 :]]
            found[-1].append(dict(zip(header, cells, strict=True)))
    return found


def test_match_speed_prints_one_row_per_size_and_variation() -> None:
    stdout = run_bench("match_speed", "--sizes", "2000", "--docs", "50")

    summary, by_variation = tables(stdout, "patients")
    assert [row["patients"] for row in summary] == ["2000"]
    row = summary[0]
    assert int(row["docs"]) == 50
    assert float(row["p50_ms"]) > 0
    assert float(row["p99_ms"]) >= float(row["p50_ms"])
    assert float(row["peak_MiB"]) > 0
    assert int(row["filed"]) + int(row["review"]) + int(row["unmatched"]) == 50
    assert int(row["wrong"]) == 0, "a generated document was filed to the wrong patient"
    assert [r["variation"] for r in by_variation] == list(VARIATIONS)
    assert all(float(r["p50_ms"]) > 0 for r in by_variation)


def test_match_paired_times_both_codes_on_the_same_documents_and_compares_their_verdicts() -> None:
    stdout = run_bench("match_paired", "--against", "HEAD", "--size", "2000", "--docs", "30", "--rounds", "2")
    (rows,) = tables(stdout, "round")
    assert [row["round"] for row in rows] == ["1", "2"]
    for row in rows:
        assert 0 < float(row["this_p50"]) <= float(row["this_p99"])
        assert 0 < float(row["that_p50"]) <= float(row["that_p99"])
        assert float(row["ratio"]) > 0
        assert row["verdicts_differ"] == "0", "HEAD's matcher decided a document differently from itself"


def refused(module: str, *args: str) -> str:
    """`python -m bench.MODULE ARGS...`, which must refuse its arguments (exit 2); its stderr."""
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, f"bench.{module} exited {done.returncode}, not 2"
    return done.stderr


def test_match_paired_names_a_commit_git_cannot_find() -> None:
    stderr = refused("match_paired", "--against", "no-such-commit", "--size", "100")
    assert "no-such-commit" in stderr and "name a commit of this repository" in stderr


def test_match_speed_rejects_a_bad_size_list() -> None:
    assert "not a comma-separated list of integers" in refused("match_speed", "--sizes", "10k")


def test_linkage_on_fake1000_prints_chartfile_beside_ecm() -> None:
    pytest.importorskip("recordlinkage", reason="the `bench` extra (recordlinkage) is not installed")
    stdout = run_bench("linkage_febrl", "--datasets", "fake1000")

    assert stdout.startswith("fake1000: 1000 records")
    (rows,) = tables(stdout, "method")
    by_method = {row["method"]: row for row in rows}
    assert set(by_method) == {"chartfile-rule", "chartfile-scorer", "ECM", "ECM+address"}
    for row in rows:
        precision, recall = float(row["precision"]), float(row["recall"])
        assert 0.0 <= precision <= 1.0
        assert 0.0 <= recall <= 1.0
        assert int(row["pairs"]) > 0
    assert not math.isnan(float(by_method["chartfile-scorer"]["F1"]))


def test_web_speed_times_the_queue_and_the_desk_against_a_real_server() -> None:
    stdout = run_bench("web_speed", "--documents", "40", "--queue-runs", "5", "--desks", "3", "--json")
    found = json.loads(stdout.splitlines()[-1])
    assert found["waiting"] == 44  # the four processed templates and the forty made from them
    pages = found["pages"]
    assert pages["queue"]["runs"] == 5 and pages["desk + page image"]["runs"] == 3
    assert all(0 < row["p50_ms"] <= row["p99_ms"] for row in pages.values())
    assert pages["queue"]["target_p99_ms"] == 300 and pages["desk + page image"]["target_p99_ms"] == 500
