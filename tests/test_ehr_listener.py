"""`chartfile hl7 listen`: ADT over a real TCP socket keeps the master list current; every message gets
an ACK; A40 merges exactly as `patients merge` does; garbage is answered AE/AR, kept; the listener goes on."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import make_workspace, run_cli
from ehr_peers import Person, ack_code, adt, send_all
from harness import Workspace, cli_env, wait_until
from scenarios import lab_result, text_pdf

T0 = dt.datetime(2026, 11, 30, 10, 0)
MARY = Person("4471299", "O'Brien", "Mary", "19600215", "F", "12 Main St", "Springfield", "555-0199")
PHI = ("O'Brien", "Mary", "19600215", "4471299", "4471205", "Lindqvist", "Main St", "555-0199")


class Listener:
    """`chartfile hl7 listen --port 0` in its own process; its port read from its log."""

    def __init__(self, ws: Path) -> None:
        self.log_path = ws / "listener.log"
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "chartfile",
                    "--config",
                    str(ws / "config.yaml"),
                    "hl7",
                    "listen",
                    "--port",
                    "0",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=cli_env(),
                start_new_session=True,
            )
        found = wait_until(
            lambda: re.search(r"listening for HL7 v2 \(MLLP\) on 127\.0\.0\.1:(\d+)", self.log()),
            timeout=60,
            what="the listener to listen",
        )
        self.port = int(found[1])

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
        return self.proc.wait(timeout=60)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Listener]]:
    """Patients imported, one lab filed to 4471205 (merged away by an A40 below), the listener running."""
    root = make_workspace(tmp_path_factory.mktemp("listener"))
    run_cli(root, "patients", "import", str(root / "patients.csv"), check=True)
    text_pdf([lab_result("Margaret Lindqvist", "07/15/1949", "4471205")], root / "lab.pdf")
    run_cli(root, "process", str(root / "lab.pdf"), check=True)
    listener = Listener(root)
    yield Workspace(root), listener
    assert listener.stop() == 0


def patient(ws: Workspace, mrn: str) -> dict[str, object]:
    (row,) = ws.rows("SELECT * FROM patients WHERE mrn = ?", mrn)
    return row


def test_registration_update_and_a_late_older_update(ws: tuple[Workspace, Listener]) -> None:
    workspace, listener = ws
    acks = send_all(
        listener.port,
        [
            adt("A04", "REG1", MARY, when=T0),
            adt(
                "A08",
                "UPD1",
                Person("4471299", "O'Brien-Kelly", "Mary", "19600215"),
                when=T0 + dt.timedelta(hours=2),
            ),
            adt(
                "A08",
                "LATE1",
                Person("4471299", "Obrien", "Maria", "19600215"),
                when=T0 + dt.timedelta(hours=1),
            ),
        ],
    )
    codes = [ack_code(a) for a in acks]
    assert [(c[0], c[1]) for c in codes] == [("AA", "REG1"), ("AA", "UPD1"), ("AA", "LATE1")]
    assert "not applied" in codes[2][2]
    row = patient(workspace, "4471299")
    assert (row["last_name"], row["first_name"], str(row["dob"])) == ("O'Brien-Kelly", "Mary", "1960-02-15")
    assert (row["sex"], row["address"], row["city"], row["phone"]) == (
        "F",
        "12 Main St",
        "Springfield",
        "555-0199",
    )
    assert str(row["source_time"]).startswith("2026-11-30 12:00:00")
    done = run_cli(workspace.root, "audit", "--action", "patient-registered", "--json", check=True)
    (event,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert event["detail"]["mrn"] == "4471299" and event["detail"]["source"] == "ADT^A04 REG1"


@pytest.mark.parametrize(
    ("event", "version"),
    [
        pytest.param("A01", "2.5", id="A01-admit"),
        pytest.param("A28", "2.5", id="A28-add-person"),
        pytest.param("A31", "2.5", id="A31-update-person"),
        pytest.param("A08", "2.3", id="A08-version-2.3"),
    ],
)
def test_each_supported_event_upserts(ws: tuple[Workspace, Listener], event: str, version: str) -> None:
    workspace, listener = ws
    mrn = f"88{event}{version.replace('.', '')}"
    person = Person(mrn, "Tran", "Linh", "19911203", "F")
    (ack,) = send_all(listener.port, [adt(event, f"EV{event}{version}", person, when=T0, version=version)])
    assert ack_code(ack)[0] == "AA"
    assert "MSH|^~\\&|CHARTFILE" in ack and f"|P|{version}" in ack  # answered in the sender's version
    assert patient(workspace, mrn)["last_name"] == "Tran"


def test_a40_merges_as_patients_merge_does(ws: tuple[Workspace, Listener]) -> None:
    workspace, listener = ws
    survivor = Person("4471298", "Lindqvist", "Margaret", "19490715", "F")
    (ack,) = send_all(listener.port, [adt("A40", "MRG1", survivor, when=T0, prior_mrn="4471205")])
    code, control, text = ack_code(ack)
    assert (code, control) == ("AA", "MRG1") and "merged (1 document(s) moved)" in text
    assert patient(workspace, "4471205")["merged_into"] == "4471298"
    (doc,) = workspace.documents()
    assert doc["patient_mrn"] == "4471298" and Path(doc["stored_path"]).is_file()
    assert "/patients/4471298/" in doc["stored_path"]
    done = run_cli(workspace.root, "audit", "--action", "patient-merged", "--json", check=True)
    (event,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert event["detail"] | {"documents": []} == {
        "old_mrn": "4471205",
        "new_mrn": "4471298",
        "documents": [],
        "reason": "ADT^A40 MRG1",
    }
    assert event["detail"]["documents"] == [doc["id"]]
    (again,) = send_all(listener.port, [adt("A40", "MRG1", survivor, when=T0, prior_mrn="4471205")])
    assert ack_code(again)[0] == "AA" and "already merged" in ack_code(again)[2]


GARBAGE = [
    pytest.param(b"\x0bthis is not HL7 at all\x1c\r", "AR", "100", id="not-hl7-in-a-frame"),
    pytest.param(b"no MLLP start block\x1c\r", "AR", "100", id="not-framed"),
    pytest.param(
        "MSH|^~\\&|EPIC|HOSP|||20261130||ORU^R01|ORU1|P|2.5\rPID|1||4471203", "AR", "200", id="not-adt"
    ),
    pytest.param("MSH|^~\\&|EPIC|HOSP|||20261130||ADT^A03|DIS1|P|2.5\rPID|1||4471203", "AR", "201", id="A03"),
    pytest.param(
        "MSH|^~\\&|EPIC|HOSP|||20261130||ADT^A08|NOMRN|P|2.5\rPID|1||||X^Y", "AE", "101", id="no-mrn"
    ),
    pytest.param(
        "MSH|^~\\&|EPIC|HOSP|||20261130||ADT^A08|BADDOB|P|2.5\rPID|1||777||X^Y||19991399",
        "AE",
        "102",
        id="bad-dob",
    ),
    pytest.param(
        "MSH|^~\\&|EPIC|HOSP|||20261130||ADT^A04|NEWNODOB|P|2.5\rPID|1||778||X^Y",
        "AE",
        "101",
        id="new-without-dob",
    ),
    pytest.param(
        "MSH|^~\\&|EPIC|HOSP|||20261130||ADT^A08||P|2.5\rPID|1||779||X^Y", "AR", "101", id="no-control-id"
    ),
    pytest.param(
        "MSH|^~\\&|EPIC|HOSP|||20261130||ADT^A40|NOMRG|P|2.5\rPID|1||4471203||X^Y",
        "AE",
        "100",
        id="A40-no-MRG",
    ),
]


@pytest.mark.parametrize(("message", "code", "error"), GARBAGE)
def test_bad_messages_get_an_error_ack_are_kept_and_the_listener_goes_on(
    ws: tuple[Workspace, Listener], message: str | bytes, code: str, error: str
) -> None:
    workspace, listener = ws
    kept = workspace.root / "data" / "hl7-kept"
    before = set(kept.glob("*.json")) if kept.exists() else set()
    after_it = adt("A08", "OK-AFTER", MARY, when=T0 - dt.timedelta(days=1))
    bad, good = send_all(listener.port, [message, after_it])
    assert ack_code(bad)[0] == code and f"ERR|||{error}^^HL70357|E" in bad
    assert ack_code(good)[:2] == ("AA", "OK-AFTER")  # the same connection is still served
    (note,) = set(kept.glob("*.json")) - before
    said = json.loads(note.read_text(encoding="utf-8"))
    assert said["ack"] == code and said["error_code"] == error and said["reason"]
    raw = message.encode() if isinstance(message, str) else message
    assert note.with_suffix(".hl7").read_bytes() in (raw, b"", raw.strip(b"\x0b\x1c\r"))
    assert oct(note.stat().st_mode & 0o777) == "0o600" and oct(kept.stat().st_mode & 0o777) == "0o700"


def test_kept_messages_are_listed_and_the_log_names_no_patient(ws: tuple[Workspace, Listener]) -> None:
    workspace, listener = ws
    send_all(listener.port, [b"\x0bgarbage\x1c\r"])
    done = run_cli(workspace.root, "hl7", "kept", "--json", check=True)
    notes = [json.loads(line) for line in done.stdout.splitlines()]
    assert notes and all(n["ack"] in ("AE", "AR") and Path(n["message_path"]).is_file() for n in notes)
    log = listener.log()
    assert "ADT^A04 REG1: AA" in log or "REG1" in log
    assert not [word for word in PHI if word in log]
