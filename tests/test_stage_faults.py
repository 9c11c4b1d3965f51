"""Every stage of the pipeline (claim, OCR, assemble, store write, commit, release), killed or failed once
in a real `chartfile process`, then the same folder processed again: nothing lost, nothing doubled, no
good file quarantined, no orphan file in the store, the work folder empty."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import run_cli
from fault_driver import STAGES
from harness import Workspace, cli_env
from test_daemon_crash import make_faxes, sha256

pytestmark = pytest.mark.slow(minutes=3)

DRIVER = Path(__file__).with_name("fault_driver.py")
KILLED, MACHINE_FAULT = -9, 3  # a failed stage is the machine's fault: exit 3, the input kept for a retry


def faulty_run(ws: Workspace, batch: Path, stage: str, mode: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(DRIVER), stage, mode, "--", "--config", str(ws.config)]
    return subprocess.run(
        [*command, "process", str(batch), "--json"],
        capture_output=True,
        text=True,
        env=cli_env() | {"PYTHONPATH": str(Path(__file__).parents[2])},
        timeout=300,
        check=False,
    )


def filed_once_each(ws: Workspace, batch: Path, inputs: dict[str, str]) -> None:
    docs = ws.documents()
    by_sha = Counter(doc["sha256"] for doc in docs)
    assert sorted(by_sha) == sorted(inputs.values()) and set(by_sha.values()) == {1}, by_sha
    assert {doc["status"] for doc in docs} <= {"filed", "review"}  # none quarantined, none duplicate
    for doc in docs:
        assert sha256(Path(doc["original_path"])) == doc["sha256"]
        assert sha256(Path(doc["stored_path"])) == doc["stored_sha256"]
    referenced = {doc[key] for doc in docs for key in ("stored_path", "original_path")}
    stray = [p for p in ws.folder("store").rglob("*") if p.is_file() and str(p) not in referenced]
    assert [p for p in stray if "previews" not in p.parts] == []
    assert list(batch.iterdir()) == [] and list(ws.folder("work").iterdir()) == []
    assert list(ws.folder("quarantine").iterdir()) == []
    assert {row["state"] for row in ws.intake()} == {"done"} and len(ws.intake()) == len(inputs)
    assert ws.rows("SELECT * FROM claims") == []


@pytest.mark.parametrize("mode", ["kill", "fail"])
@pytest.mark.parametrize("stage", STAGES)
def test_a_fault_at_any_stage_loses_nothing_and_doubles_nothing(
    workspace: Path, stage: str, mode: str
) -> None:
    ws = Workspace(workspace)
    run_cli(workspace, "patients", "import", str(workspace / "patients.csv"), check=True)
    batch = workspace / "batch"
    inputs = make_faxes(batch, 2, pages=1)
    broken = faulty_run(ws, batch, stage, mode)
    assert broken.returncode == (KILLED if mode == "kill" else MACHINE_FAULT), broken.stderr[-2000:]
    assert "Traceback" not in broken.stderr
    waiting = {sha256(p) for p in batch.iterdir()}
    committed = {doc["sha256"] for doc in ws.documents()}
    assert waiting | committed == set(inputs.values())  # each input is still there or committed
    again = run_cli(workspace, "process", str(batch), "--json")
    assert again.returncode == 0, again.stderr[-2000:]
    filed_once_each(ws, batch, inputs)
    verified = run_cli(workspace, "audit", "verify", "--json")
    assert verified.returncode == 0, verified.stdout
