"""Matching speed of this code against another commit, document by document, in one run.

    python -m bench.match_paired --against 8eb3ae9 [--size 1000000] [--docs 300] [--rounds 3] [--seed 7]

`bench.match_speed` times one code at a time, and on a shared machine the speed drifts by up to 1.5x
within minutes: two runs a minute apart can disagree more than the change being measured. Here both
codes run at once, each in a worker process of its own (the other commit is unpacked with `git archive`
into a temporary folder and put first on the worker's path). Both generate the same list and the same
documents as `bench.match_speed` (same seed) and build their index once; then each document is decided by
one code and at once by the other, which goes first alternating, so a drift slows both alike. Printed
per round: each code's p50 and p99, and the median over documents of this code's time divided by the
other's. Verdicts (status and filed patient) are compared too: a speed change should move none.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

REPO_ROOT = Path(__file__).resolve().parents[1]
WORKER = Path(__file__).with_name("paired_worker.py")  # copied into the other commit's tree too


def unpack(commit: str, into: Path) -> None:
    """`commit`'s tree as `into/chartfile`, with `into/shared` pointing at the data."""
    archive = into / "tree.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "-C", str(REPO_ROOT), "archive", commit], stdout=out, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "chartfile", filter="data")
    archive.unlink()
    (into / "shared").symlink_to(REPO_ROOT.parent / "shared")
    shutil.copy(WORKER, into / "chartfile" / "bench" / WORKER.name)  # the same worker, whatever the commit


class Worker:
    """One code's worker process: answers "decide document i" with its time and verdict."""

    def __init__(self, label: str, path: Path | None, size: int, docs: int, seed: int) -> None:
        env = dict(os.environ)
        if path is not None:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(path), env.get("PYTHONPATH", "")]))
        module = f"chartfile.bench.{WORKER.stem}"
        command = [sys.executable, "-m", module, str(size), str(docs), str(seed)]
        self.label = label
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=path or REPO_ROOT
        )

    def ready(self) -> None:
        """Wait until the worker has built its list and index."""
        self._answer()

    def ask(self, message: str) -> dict[str, Any]:
        stdin, _ = self._pipes()
        stdin.write(message + "\n")
        stdin.flush()
        return self._answer()

    def _answer(self) -> dict[str, Any]:
        line = self._pipes()[1].readline()
        if not line:
            raise RuntimeError(f"the {self.label} worker stopped (exit {self.process.wait()})")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        stdin, _ = self._pipes()
        stdin.close()
        self.process.wait(timeout=60)

    def _pipes(self) -> tuple[IO[str], IO[str]]:
        assert self.process.stdin is not None and self.process.stdout is not None
        return self.process.stdin, self.process.stdout


def p99(times: Sequence[float]) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[98] if len(times) > 1 else times[0]


def one_round(ours: Worker, theirs: Worker, docs: int) -> tuple[list[float], list[float], int]:
    """Every document decided by both codes, the first alternating; (our ms, their ms, verdicts differing)."""
    mine, other, differ = [], [], 0
    for i in range(docs):
        first, second = (ours, theirs) if i % 2 == 0 else (theirs, ours)
        answered = first.ask(str(i)), second.ask(str(i))
        our, their = answered if first is ours else answered[::-1]
        mine.append(our["ms"])
        other.append(their["ms"])
        differ += our["verdict"] != their["verdict"]
    return mine, other, differ


def row(number: int, mine: list[float], other: list[float], differ: int) -> str:
    ratio = statistics.median(a / b for a, b in zip(mine, other, strict=True))
    timing = (statistics.median(mine), p99(mine), statistics.median(other), p99(other))
    return f"{number:>5} " + " ".join(f"{v:>9.2f}" for v in timing) + f" {ratio:>6.2f} {differ:>15d}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--against", required=True, help="the commit to compare with (a hash, tag or HEAD)")
    parser.add_argument("--size", type=int, default=1_000_000, help="patients on the list")
    parser.add_argument("--docs", type=int, default=300, help="documents per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if min(args.size, args.docs, args.rounds) < 1:
        parser.error("--size, --docs and --rounds must be positive")
    with tempfile.TemporaryDirectory(prefix="chartfile-paired-") as tmp:
        other_tree = Path(tmp)
        try:
            unpack(args.against, other_tree)
        except subprocess.CalledProcessError:
            parser.error(
                f"git cannot archive {args.against!r} in {REPO_ROOT}: name a commit of this repository"
            )
        ours = Worker("this", None, args.size, args.docs, args.seed)
        theirs = Worker(args.against, other_tree, args.size, args.docs, args.seed)
        try:
            for worker in (ours, theirs):
                worker.ready()  # both build their list at once
            print(f"{args.size} patients, {args.docs} documents a round; this code against {args.against}")
            print(
                f"{'round':>5} {'this_p50':>9} {'this_p99':>9} {'that_p50':>9} {'that_p99':>9} "
                f"{'ratio':>6} {'verdicts_differ':>15}"
            )
            for number in range(1, args.rounds + 1):
                print(row(number, *one_round(ours, theirs, args.docs)), flush=True)
        finally:
            for worker in (ours, theirs):
                worker.close()
    print()
    print("ratio: the median over documents of this code's time / the other's (below 1: this is faster)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
