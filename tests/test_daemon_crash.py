"""SIGKILL the daemon anywhere and start it again: nothing lost, nothing twice, no orphan files."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from conftest import run_cli
from harness import Daemon, Daemons, Workspace, half_filed, wait_until
from scenarios import fax_tiff, lab_result, plain_page

pytestmark = pytest.mark.slow(minutes=2)

PROCESSED = {"filed", "review", "unmatched", "quarantined"}
PEOPLE = [
    ("WHITFIELD, HAROLD J", "03/04/1957", "4471203"),
    ("Adaeze Okonkwo", "11/23/1984", "4471204"),
    ("Margaret Lindqvist", "07/15/1949", "4471205"),
    ("Rafael Castellano", "01/30/1972", "4471206"),
]
KILL_AFTER_SECONDS = (0.5, 0.9, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 7.0, 8.0)


@pytest.fixture
def ws(workspace: Path) -> Workspace:
    run_cli(workspace, "patients", "import", str(workspace / "patients.csv"), check=True)
    return Workspace(workspace)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_faxes(folder: Path, count: int, *, pages: int = 3) -> dict[str, str]:
    """`count` distinct multi-page faxes; file name -> SHA-256."""
    folder.mkdir(exist_ok=True)
    made = {}
    for index in range(count):
        name, dob, mrn = PEOPLE[index % len(PEOPLE)]
        sheets = [lab_result(name, dob, mrn, doc_date=f"10/{index + 1:02d}/2026")]
        sheets += [
            plain_page(f"Fax {index} continuation {n}\nNo further findings.") for n in range(2, pages + 1)
        ]
        path = fax_tiff(sheets, folder / f"fax_{index:02d}.tif", mode="fine" if index % 2 else "standard")
        made[path.name] = sha256(path)
    return made


def store_id(path: Path) -> int:
    """The document id a store or quarantine file name starts with (000012-lab.pdf, .000012.tif.partial)."""
    return int(path.name.lstrip(".")[:6])


def check_invariants(ws: Workspace, inputs: dict[str, str], *, final: bool, recovered: bool = False) -> None:
    """Every input is in the inbox or committed once; stored files verify; only unfinished ids leave files
    (and none at all once start-up recovery ran, or at the end)."""
    docs, intake = ws.documents(), {row["id"]: row for row in ws.intake()}
    unfinished = {i for i, row in intake.items() if row["state"] != "done"}
    in_inbox = {sha256(p) for p in ws.folder("inbox").iterdir() if p.is_file()}
    by_sha = defaultdict(list)
    for doc in docs:
        by_sha[doc["sha256"]].append(doc["id"])
        assert doc["status"] in PROCESSED, f"document {doc['id']} is {doc['status']}"  # never a 2nd copy
        assert intake[doc["id"]]["state"] == "done"
        assert sha256(Path(doc["original_path"])) == doc["sha256"], f"original of {doc['id']}"
        if doc["stored_path"]:
            assert sha256(Path(doc["stored_path"])) == doc["stored_sha256"], f"stored PDF of {doc['id']}"
    for name, digest in inputs.items():
        assert len(by_sha[digest]) <= 1, f"{name} committed as {by_sha[digest]}"
        assert by_sha[digest] or digest in in_inbox, f"{name} is lost"
    assert set(by_sha) <= set(inputs.values())
    referenced = {doc[key] for doc in docs for key in ("stored_path", "original_path", "quarantine_path")}
    for folder in ("store", "quarantine"):
        for path in ws.folder(folder).rglob("*"):
            if path.is_file() and str(path) not in referenced and path.suffix != ".json":
                assert not (final or recovered), f"orphan {folder} file {path.name}"
                assert store_id(path) in unfinished, f"orphan {folder} file {path.name}"
    if final:
        assert sorted(by_sha) == sorted(inputs.values()) and len(docs) == len(inputs)
        assert len(intake) == len(inputs) and not unfinished  # each file kept its one id across restarts
        assert in_inbox == set()
        assert [p.name for p in ws.folder("work").iterdir()] == [".daemon.lock"]


@pytest.mark.endurance
def test_sigkill_at_any_point_loses_nothing_and_files_nothing_twice(ws: Workspace, daemons: Daemons) -> None:
    inputs = make_faxes(ws.root / "outgoing", 8)
    for name in inputs:
        os.replace(ws.root / "outgoing" / name, ws.folder("inbox") / name)
    rng, rounds = random.Random(20261102), []
    for kill_after in KILL_AFTER_SECONDS:
        if len(ws.documents()) == len(inputs):
            break
        daemon = daemons.start(ws.config)
        if kill_after >= 1.0:  # the first rounds die during start-up and recovery; the rest while working
            daemon.wait_for_log("watching the inbox", timeout=60)
            check_invariants(ws, inputs, final=False, recovered=True)  # no filing can have begun yet
        time.sleep(kill_after + rng.uniform(-0.3, 0.3))  # the crash point: varied on purpose
        daemon.crash()
        states = dict(Counter(row["state"] for row in ws.intake()))
        rounds.append(f"killed {kill_after:.1f} s in: {len(ws.documents())} committed, intake {states}")
        check_invariants(ws, inputs, final=False)
    print("\n".join(rounds))  # which stages the kills hit (counts and states only)
    daemon = daemons.start(ws.config)
    daemon.wait_for_log("watching the inbox", timeout=60)
    wait_until(
        lambda: len(ws.documents()) == len(inputs) and not any(ws.folder("inbox").iterdir()),
        timeout=300,
        what="every fax committed",
    )
    assert daemon.stop() == 0
    check_invariants(ws, inputs, final=True)
    assert {doc["status"] for doc in ws.documents()} <= {"filed", "review"}


def claimed_then_killed(ws: Workspace, daemons: Daemons, fax: Path) -> tuple[int, Path]:
    """Drop `fax`, SIGKILL the daemon once its claim is journaled; (intake id, its work copy)."""
    daemon = daemons.start(ws.config)
    os.replace(fax, ws.folder("inbox") / fax.name)
    (intake,) = wait_until(ws.intake, timeout=60, what="the claim journaled")
    work_copy = ws.folder("work") / str(intake["id"]) / "original.tif"
    wait_until(work_copy.is_file, timeout=30, what="the work copy", interval=0.02)
    daemon.crash()
    assert ws.documents() == [] and ws.intake()[0]["state"] == "claimed"
    return intake["id"], work_copy


def finished(ws: Workspace, daemon: Daemon, count: int) -> list[dict[str, object]]:
    wait_until(lambda: len(ws.documents()) == count, timeout=120, what=f"{count} document(s)")
    wait_until(lambda: not any(ws.folder("inbox").iterdir()), timeout=60, what="the inbox emptied")
    assert daemon.stop() == 0
    assert [p.name for p in ws.folder("work").iterdir()] == [".daemon.lock"]
    return ws.documents()


def test_a_claim_whose_inbox_file_vanished_is_finished_from_its_work_copy(
    ws: Workspace, daemons: Daemons
) -> None:
    fax = fax_tiff([lab_result(*PEOPLE[1])] * 4, ws.root / "four_pages.tif")
    digest = sha256(fax)
    intake_id, _ = claimed_then_killed(ws, daemons, fax)
    (ws.folder("inbox") / "four_pages.tif").unlink()  # someone took it away while the daemon was down
    daemon = daemons.start(ws.config)
    (doc,) = finished(ws, daemon, 1)
    assert (doc["id"], doc["sha256"], doc["status"]) == (intake_id, digest, "filed")
    assert sha256(Path(str(doc["original_path"]))) == digest
    assert f"document {intake_id}: its inbox file was gone" in daemon.log()
    assert [row["attempts"] for row in ws.intake()] == [2]


def test_a_claim_whose_inbox_name_was_reused_keeps_both_documents(ws: Workspace, daemons: Daemons) -> None:
    first = fax_tiff([lab_result(*PEOPLE[2])] * 3, ws.root / "scan.tif")
    first_sha = sha256(first)
    intake_id, _ = claimed_then_killed(ws, daemons, first)
    (ws.root / "next").mkdir()
    second = fax_tiff([lab_result(*PEOPLE[3])], ws.root / "next" / "scan.tif")
    os.replace(second, ws.folder("inbox") / "scan.tif")  # the scanner reused the name meanwhile
    daemon = daemons.start(ws.config)
    docs = finished(ws, daemon, 2)
    by_id = {doc["id"]: doc for doc in docs}
    assert by_id[intake_id]["sha256"] == first_sha and by_id[intake_id]["patient_mrn"] == PEOPLE[2][2]
    (other,) = [doc for doc in docs if doc["id"] != intake_id]
    assert other["patient_mrn"] == PEOPLE[3][2]


def test_startup_clears_staging_folders_and_half_filed_store_files(ws: Workspace, daemons: Daemons) -> None:
    fax = fax_tiff([lab_result(*PEOPLE[0])] * 3, ws.root / "fax.tif")
    intake_id, work_copy = claimed_then_killed(ws, daemons, fax)
    # The state of a crash after the store files were written, before the row was committed:
    stray = ws.folder("store") / "review" / "2001-01-01" / f"{intake_id:06d}-stray.pdf"
    half_filed(work_copy.parent, work_copy, stray)
    # ...and of a crash while another file was being copied in, before its claim was journaled:
    staging = ws.folder("work") / ".claim-5e1f0c2a"
    staging.mkdir()
    shutil.copy(work_copy, staging / "original")
    orphan = ws.folder("work") / "999"
    orphan.mkdir()
    daemon = daemons.start(ws.config)
    (doc,) = finished(ws, daemon, 1)
    assert doc["id"] == intake_id and doc["status"] == "filed"
    assert not stray.exists() and not staging.exists() and not orphan.exists()
    stored = {p for p in ws.folder("store").rglob("*") if p.is_file()}
    assert stored == {Path(str(doc["stored_path"])), Path(str(doc["original_path"]))}
    assert "cleared 2 work folder(s)" in daemon.log()
