"""Several stations on one PostgreSQL database and one store: each daemon holds its station's lease and
watches its own inbox; every file is filed exactly once, whoever is killed; the nightly report once."""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import make_workspace, run_cli, started
from harness import Daemons, Workspace, wait_until
from scenarios import fax_tiff, lab_result, plain_page, text_pdf
from test_daemon_crash import PEOPLE, sha256

pytestmark = pytest.mark.slow(minutes=5)
NAMES = ("mailroom", "faxserver", "frontdesk")
BURST = 180  # a station is killed 40 documents in: the rest is what the other two and its restart share
FAXES = 15  # of the burst: small fax pages Tesseract reads; the rest born-digital (text layer, no OCR)


def station(root: Path, shared: Path, url: str, name: str) -> Workspace:
    """A station's own config, inbox and work folder; the store, quarantine, site key and reports shared."""
    root.mkdir(parents=True)
    ws = Workspace(make_workspace(root, url))
    ws.configure(
        paths={
            "store": str(shared / "store"),
            "quarantine": str(shared / "quarantine"),
            "audit_key": str(shared / "audit.key"),
        },
        station={"name": name, "lease_seconds": 10},
        report={"output": str(shared / "reports"), "timezone": "UTC"},
        ocr={"workers": 1},
        ingest={"workers": 2},
    )
    return ws


def burst(folder: Path, count: int) -> dict[str, str]:
    """`count` distinct documents (file name -> SHA-256): a few one-page faxes, the rest text PDFs."""
    folder.mkdir()
    made = {}
    for index in range(count):
        name, dob, mrn = PEOPLE[index % len(PEOPLE)]
        page = lab_result(name, dob, mrn, doc_date=f"{index % 12 + 1:02d}/{index % 28 + 1:02d}/2026")
        note = plain_page(f"Burst document {index}\nSpecimen {index:05d} received.")
        if index < FAXES:
            path = fax_tiff([page], folder / f"doc_{index:03d}.tif", mode="standard")
        else:
            path = text_pdf([page, note], folder / f"doc_{index:03d}.pdf")
        made[path.name] = sha256(path)
    return made


@pytest.mark.endurance
def test_three_stations_file_a_burst_once_each_though_one_is_killed(
    tmp_path: Path, pg_url: str, daemons: Daemons
) -> None:
    shared = tmp_path / "shared"
    stations = [station(tmp_path / name, shared, pg_url, name) for name in NAMES]
    run_cli(stations[0].root, "db", "upgrade", check=True)
    run_cli(stations[0].root, "patients", "import", str(stations[0].root / "patients.csv"), check=True)
    running = [started(ws, daemons) for ws in stations]
    made = burst(tmp_path / "outgoing", BURST)
    twice = text_pdf([plain_page("Same fax sent to two numbers\nSpecimen twice.")], tmp_path / "twice.pdf")
    for ws in stations[:2]:  # the same fax delivered to two inboxes
        shutil.copy(twice, ws.folder("inbox") / "twice.pdf")
    for index, name in enumerate(sorted(made)):
        os.replace(tmp_path / "outgoing" / name, stations[index % 3].folder("inbox") / name)

    wait_until(lambda: len(stations[0].documents()) >= 40, timeout=300, what="the burst under way")
    running[1].crash()  # SIGKILL, mid-batch
    assert not stations[1].rows("SELECT 1 FROM stations WHERE stopped_at IS NOT NULL")
    restarted = started(stations[1], daemons)
    assert "its last daemon stopped without letting go (a crash); taken over" in restarted.log()

    def all_in() -> bool:
        empty = all(not any(ws.folder("inbox").iterdir()) for ws in stations)
        return empty and len(stations[0].documents()) == BURST + 2

    wait_until(all_in, timeout=900, what="every file of the burst filed")
    status = json.loads(run_cli(stations[2].root, "status", "--json", check=True).stdout)
    seen = {s["name"]: s for s in status["stations"]}
    assert sorted(seen) == sorted(NAMES) and all(s["alive"] for s in seen.values())
    assert status["station"] == "frontdesk" and status["documents"].get("duplicate") == 1
    for daemon in (running[0], running[2], restarted):
        assert daemon.stop() == 0

    docs = stations[0].documents()
    kept = collections.Counter(d["sha256"] for d in docs if d["status"] != "duplicate")
    assert sorted(kept) == sorted([*made.values(), sha256(twice)]) and set(kept.values()) == {1}
    assert [d["status"] for d in docs if d["sha256"] == sha256(twice)].count("duplicate") == 1
    assert all(d["stored_path"] and Path(d["stored_path"]).is_file() for d in docs if d["status"] == "filed")
    assert stations[0].rows("SELECT * FROM claims") == []
    assert stations[0].rows("SELECT * FROM intake WHERE state NOT IN ('done')") == []
    leases = stations[0].rows("SELECT name, stopped_at, expires_at FROM stations ORDER BY name")
    assert [row["name"] for row in leases] == sorted(NAMES)
    assert all(row["stopped_at"] is not None for row in leases)  # no lease left stuck
    now = dt.datetime.now(dt.UTC)
    assert all(row["expires_at"] <= now for row in stations[0].rows("SELECT expires_at FROM leases"))
    status = json.loads(run_cli(stations[0].root, "status", "--json", check=True).stdout)
    assert not any(s["alive"] for s in status["stations"])

    assert len(stations[0].rows("SELECT * FROM report_runs")) == 1  # the nightly report: once
    assert sorted(p.suffix for p in (shared / "reports").iterdir()) == [".csv", ".html"]
    logs = "".join((ws.root / "daemon.log").read_text() for ws in stations)
    assert logs.count("nightly report for") == 1
    assert json.loads(run_cli(stations[0].root, "db", "check", "--json").stdout)["ok"] is True


def test_a_second_daemon_for_a_live_station_is_refused_on_any_work_folder(
    tmp_path: Path, pg_url: str, daemons: Daemons
) -> None:
    shared = tmp_path / "shared"
    first = station(tmp_path / "one", shared, pg_url, "mailroom")
    other = station(tmp_path / "two", shared, pg_url, "mailroom")  # another machine, same station name
    run_cli(first.root, "db", "upgrade", check=True)
    running = started(first, daemons)
    second = daemons.start(other.config)
    assert second.proc is not None and second.proc.wait(timeout=60) == 2
    assert "station mailroom: another `chartfile watch` is already running" in second.log()
    assert "give this one another station name" in second.log()
    assert running.running()
    assert running.stop() == 0
    again = started(other, daemons)  # stopped cleanly: the station is free at once
    assert "taken over" not in again.log()
    assert again.stop() == 0
