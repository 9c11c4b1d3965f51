"""SIGKILL `chartfile process` anywhere and run it again: nothing lost, nothing twice, no orphan files.

The same journal as the daemon's: the next run reclaims each interrupted file under its document id and
undoes what the killed run had written for it; a killed run's staging folders go with the next command.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from functools import partial
from pathlib import Path

import pytest
from conftest import run_cli
from harness import Workspace, cli_env, wait_until
from test_daemon_crash import PROCESSED, make_faxes, sha256, store_id

pytestmark = pytest.mark.slow

# Seconds after start, or "commit": the moment the next document is committed (its inbox file is being
# released, or the next document is being filed): the kills land in claiming, OCR, filing and release.
KILLS: tuple[float | str, ...] = (1.0, "commit", 3.0, "commit", 6.0, "commit", 9.0, "commit", 12.0)
SECRETS = ("Whitfield", "WHITFIELD", "Okonkwo", "Lindqvist", "Castellano", "4471203", "1957")


@pytest.fixture
def ws(workspace: Path) -> Workspace:
    run_cli(workspace, "patients", "import", str(workspace / "patients.csv"), check=True)
    return Workspace(workspace)


def start_process(ws: Workspace, batch: Path, log: Path) -> subprocess.Popen[bytes]:
    """`chartfile process BATCH` in its own process group (its tesseract children die with it)."""
    with log.open("ab") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "chartfile", "--config", str(ws.config), "process", str(batch), "--json"],
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=sink,
            env=cli_env(),
            start_new_session=True,
        )


def next_commit(ws: Workspace, run: subprocess.Popen[bytes], committed: int) -> bool:
    return len(ws.documents()) > committed or run.poll() is not None


def check_invariants(ws: Workspace, batch: Path, inputs: dict[str, str], *, final: bool) -> None:
    """Every input is in its folder or committed once; stored files verify; only unfinished ids leave
    store files (none at the end), and at the end the work folder is empty."""
    docs, intake = ws.documents(), {row["id"]: row for row in ws.intake()}
    unfinished = {i for i, row in intake.items() if row["state"] != "done"}
    waiting = {sha256(p) for p in batch.iterdir() if p.is_file()}
    by_sha = defaultdict(list)
    for doc in docs:
        by_sha[doc["sha256"]].append(doc["id"])
        assert doc["status"] in PROCESSED and intake[doc["id"]]["state"] == "done"
        assert sha256(Path(doc["original_path"])) == doc["sha256"], f"original of {doc['id']}"
        assert sha256(Path(doc["stored_path"])) == doc["stored_sha256"], f"stored PDF of {doc['id']}"
    for name, digest in inputs.items():
        assert len(by_sha[digest]) <= 1, f"{name} committed as {by_sha[digest]}"
        assert by_sha[digest] or digest in waiting, f"{name} is lost"
    referenced = {doc[key] for doc in docs for key in ("stored_path", "original_path")}
    for path in ws.folder("store").rglob("*"):
        if path.is_file() and str(path) not in referenced:
            assert not final and store_id(path) in unfinished, f"orphan store file {path.name}"
    if final:
        assert sorted(by_sha) == sorted(inputs.values()) and len(docs) == len(inputs)
        assert len(intake) == len(inputs) and not unfinished  # each file kept its one id across runs
        assert waiting == set() and list(ws.folder("work").iterdir()) == []


@pytest.mark.endurance
def test_sigkill_during_process_loses_nothing_and_files_nothing_twice(ws: Workspace) -> None:
    batch, log = ws.root / "batch", ws.root / "process.log"
    inputs = make_faxes(batch, 6)
    rng, rounds = random.Random(20261130), []
    for kill in KILLS:
        committed = len(ws.documents())
        if committed == len(inputs):
            break
        run = start_process(ws, batch, log)
        if kill == "commit":
            wait_until(partial(next_commit, ws, run, committed), timeout=120, what="the next commit")
        else:
            time.sleep(float(kill) + rng.uniform(-0.4, 0.4))  # the crash point: varied on purpose
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
        states = dict(Counter(row["state"] for row in ws.intake()))
        rounds.append(f"killed at {kill}: {len(ws.documents())} committed, intake {states}")
        check_invariants(ws, batch, inputs, final=False)
    print("\n".join(rounds))  # which stages the kills hit (counts and states only)
    assert start_process(ws, batch, log).wait(timeout=300) == 0
    check_invariants(ws, batch, inputs, final=True)
    assert {doc["status"] for doc in ws.documents()} <= {"filed", "review"}
    said = log.read_text(encoding="utf-8", errors="replace")
    assert not any(secret in said for secret in SECRETS)
