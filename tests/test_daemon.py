"""The daemon as a real process: files dropped into the inbox get processed; SIGTERM stops it cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from scenarios import fax_tiff, lab_result

pytestmark = pytest.mark.slow


@pytest.fixture
def daemon(workspace: Path) -> Iterator[subprocess.Popen[str]]:
    run_cli(workspace, "patients", "import", str(workspace / "patients.csv"), check=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "chartfile", "--config", str(workspace / "config.yaml"), "watch"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "CHARTFILE_CONFIG"},
    )
    yield proc
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=30)


def wait_for_documents(workspace: Path, count: int, timeout_seconds: float = 120) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout_seconds
    rows: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        done = run_cli(workspace, "documents", "list", "--json")
        rows = [json.loads(line) for line in done.stdout.splitlines()]
        if len(rows) >= count:
            return rows
        time.sleep(0.5)
    raise AssertionError(f"only {len(rows)} of {count} documents after {timeout_seconds} s")


def test_daemon_files_dropped_documents_and_keeps_going_after_bad_input(
    workspace: Path, daemon: subprocess.Popen[str]
) -> None:
    inbox = workspace / "data" / "inbox"
    staging = workspace / "staging"
    staging.mkdir()
    (staging / "garbage.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    fax_tiff([lab_result("Adaeze Okonkwo", "11/23/1984", "4471204")], staging / "fax.tif")
    for name in ("garbage.pdf", "fax.tif"):
        while not inbox.is_dir():
            time.sleep(0.1)
        os.replace(staging / name, inbox / name)
    rows = {row["source_name"]: row for row in wait_for_documents(workspace, 2)}
    assert rows["garbage.pdf"]["status"] == "quarantined"
    assert rows["fax.tif"]["status"] == "filed"
    assert rows["fax.tif"]["patient_mrn"] == "4471204"
    deadline = time.monotonic() + 30
    while any(inbox.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert list(inbox.iterdir()) == []
    daemon.send_signal(signal.SIGTERM)
    _, stderr = daemon.communicate(timeout=60)
    assert daemon.returncode == 0, stderr
    assert "quarantined" in stderr
    assert "Okonkwo" not in stderr and "4471204" not in stderr and "1984" not in stderr
