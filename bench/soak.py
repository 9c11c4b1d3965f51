"""Soak the real daemon: drop N generated documents at R files/s; throughput, latency, memory, losses.

    python -m bench.soak --docs 30 --rate 2

The daemon runs through the test harness (`tests.harness`): `Daemon` runs `chartfile watch` as a real
subprocess, `rows` reads its SQLite index, `wait_until` polls with a timeout.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

from bench.corpus.generate import generate_corpus
from chartfile.settings import DEFAULT_CONFIG_TEXT
from tests.harness import Daemons, Workspace, cli_env, rows, wait_until

T = TypeVar("T")
SOAK_FORMATS = ("fax_fine_tiff", "fax_standard_tiff", "scan_png")
PROCESSED = ("filed", "review", "unmatched", "quarantined")


def write_config(folder: Path, **sections: dict[str, Any]) -> Workspace:
    """A config.yaml in `folder` with fast readiness settings, whose data lives below it."""
    folder.mkdir(parents=True, exist_ok=True)
    raw = yaml.safe_load(DEFAULT_CONFIG_TEXT)
    raw["ingest"] |= {"stability_seconds": 0.5, "poll_interval_seconds": 0.2, "rescan_seconds": 2}
    (folder / "config.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    workspace = Workspace(folder)
    workspace.configure(**sections)
    return workspace


def chartfile(config: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """One `chartfile` command in a subprocess; raises with its stderr when it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "chartfile", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(),
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"chartfile {args[0]} exited {done.returncode}: {done.stderr[-2000:]}")
    return done


@dataclass(frozen=True, slots=True)
class SoakResult:
    docs: int
    pages: int
    rate: float
    outcomes: dict[str, int]
    span_seconds: float
    latencies: list[float]
    peak_rss_mb: float
    lost: int
    duplicated: int
    exit_code: int

    def report(self) -> str:
        per_min = 60 / self.span_seconds if self.span_seconds > 0 else math.nan
        mix = ", ".join(f"{name} {count}" for name, count in sorted(self.outcomes.items()))
        return "\n".join(
            (
                f"soak: {self.docs} documents ({self.pages} pages) dropped at {self.rate:g} files/s",
                f"  outcomes: {mix}",
                f"  throughput: {self.docs * per_min:.1f} docs/min, {self.pages * per_min:.1f} pages/min "
                f"(first drop to last commit {self.span_seconds:.1f} s)",
                f"  latency drop->committed: p50 {_percentile(self.latencies, 0.50):.1f} s, "
                f"p99 {_percentile(self.latencies, 0.99):.1f} s, max {max(self.latencies, default=0):.1f} s",
                f"  daemon peak RSS (VmHWM): {self.peak_rss_mb:.0f} MB",
                f"  lost: {self.lost}, duplicated: {self.duplicated}",
                f"  daemon exit code after SIGTERM: {self.exit_code}",
            )
        )


def _percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def soak(folder: Path, *, docs: int, rate: float, seed: int, timeout: float) -> SoakResult:
    """Generate the corpus, start a daemon, drop the files at `rate`, wait for every commit, measure."""
    corpus = generate_corpus(folder / "corpus", n_docs=docs, seed=seed, formats=SOAK_FORMATS)
    workspace = write_config(folder / "workspace", ingest={"stability_seconds": 1.0, "rescan_seconds": 10})
    chartfile(workspace.config, "patients", "import", str(corpus.master_csv))
    staging = folder / "workspace" / "staging"  # same file system as the inbox: a drop is one rename
    shutil.copytree(corpus.out_dir / "docs", staging)
    with Daemons() as daemons:
        daemon = daemons.start(workspace.config)
        daemon.wait_for_log("watching the inbox", timeout=120)
        dropped = _drop(sorted(staging.iterdir()), workspace.folder("inbox"), rate)
        committed = _wait_for_commits(workspace.db, set(dropped), timeout=timeout)
        peak = daemon.peak_rss_mb()
        exit_code = daemon.stop(signal.SIGTERM)
    return _measure(dropped, committed, rate=rate, peak_rss_mb=peak, exit_code=exit_code)


def _drop(documents: list[Path], inbox: Path, rate: float) -> dict[str, dt.datetime]:
    """Move each file into the inbox on schedule; the UTC time of each drop by file name."""
    dropped: dict[str, dt.datetime] = {}
    start = time.monotonic()
    for index, document in enumerate(documents):
        time.sleep(max(0.0, start + index / rate - time.monotonic()))
        os.replace(document, inbox / document.name)
        dropped[document.name] = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return dropped


def _wait_for_commits(db: Path, names: set[str], *, timeout: float) -> list[dict[str, Any]]:
    query = "SELECT source_name, status, page_count, processed_at FROM documents"

    def all_in() -> list[dict[str, Any]] | None:
        found = rows(db, query)
        return found if names <= {row["source_name"] for row in found} else None

    with contextlib.suppress(TimeoutError):
        return wait_until(all_in, timeout=timeout, what="every dropped document committed", interval=1.0)
    return rows(db, query)


def _measure(
    dropped: dict[str, dt.datetime],
    committed: list[dict[str, Any]],
    *,
    rate: float,
    peak_rss_mb: float,
    exit_code: int,
) -> SoakResult:
    mine = [row for row in committed if row["source_name"] in dropped and row["status"] != "duplicate"]
    per_name = Counter(row["source_name"] for row in mine)
    done_at = {row["source_name"]: dt.datetime.fromisoformat(row["processed_at"]) for row in mine}
    latencies = [(done_at[name] - at).total_seconds() for name, at in dropped.items() if name in done_at]
    span = (max(done_at.values()) - min(dropped.values())).total_seconds() if done_at else math.nan
    return SoakResult(
        docs=len(dropped),
        pages=sum(row["page_count"] for row in mine),
        rate=rate,
        outcomes=dict(Counter(row["status"] for row in mine)),
        span_seconds=span,
        latencies=latencies,
        peak_rss_mb=peak_rss_mb,
        lost=sum(1 for name in dropped if name not in per_name),
        duplicated=sum(1 for count in per_name.values() if count > 1),
        exit_code=exit_code,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--docs", type=int, default=30, help="documents to drop (default 30)")
    parser.add_argument("--rate", type=float, default=2.0, help="files dropped per second (default 2)")
    parser.add_argument("--seed", type=int, default=11, help="corpus seed (default 11)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for all commits")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="chartfile-soak-") as folder:
        result = soak(Path(folder), docs=args.docs, rate=args.rate, seed=args.seed, timeout=args.timeout)
    print(result.report())
    return 0 if result.lost == 0 and result.duplicated == 0 and result.exit_code == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
