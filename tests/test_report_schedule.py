"""The nightly report: when it is due (injected clock, missed nights), and the daemon hook writing and
emailing it through a real SMTP server on the loopback address."""

from __future__ import annotations

import datetime as dt
import email
import socket
import sqlite3
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from aiosmtpd.controller import Controller
from conftest import make_workspace, run_cli
from harness import ledger_on
from scenarios import lab_result, text_pdf

from chartfile.clerk.report.schedule import NightlySchedule, run_due_reports
from chartfile.errors import ConfigError
from chartfile.settings import Settings, load_settings

NEW_YORK = ZoneInfo("America/New_York")
SIX = dt.time(6, 0)


def at(day: int, hour: int, minute: int = 0, month: int = 11, zone: dt.tzinfo = dt.UTC) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=zone)


@pytest.mark.parametrize(
    ("last_run", "now", "due"),
    [
        pytest.param(None, at(20, 5, 59), [dt.date(2026, 11, 19)], id="first-run-before-the-time"),
        pytest.param(None, at(20, 6, 0), [dt.date(2026, 11, 20)], id="first-run-at-the-time"),
        pytest.param(dt.date(2026, 11, 20), at(20, 23), [], id="done-tonight"),
        pytest.param(dt.date(2026, 11, 20), at(21, 5, 59), [], id="not-yet-tomorrow"),
        pytest.param(dt.date(2026, 11, 20), at(21, 6, 1), [dt.date(2026, 11, 21)], id="next-night"),
        pytest.param(
            dt.date(2026, 11, 20),
            at(23, 9),
            [dt.date(2026, 11, 21), dt.date(2026, 11, 22), dt.date(2026, 11, 23)],
            id="two-missed-nights-caught-up",
        ),
        pytest.param(
            dt.date(2026, 10, 1),
            at(23, 9),
            [dt.date(2026, 11, d) for d in (21, 22, 23)],
            id="capped-catch-up",
        ),
    ],
)
def test_nightly_schedule_with_an_injected_clock(
    last_run: dt.date | None, now: dt.datetime, due: list[dt.date]
) -> None:
    assert NightlySchedule(SIX, last_run, zone=dt.UTC, max_nights=3).due(now) == due


def test_nightly_time_is_local_time_across_a_dst_change() -> None:
    schedule = NightlySchedule(SIX, dt.date(2026, 10, 31), zone=NEW_YORK)
    # 2026-11-01: clocks go back at 02:00; 06:00 EST is 11:00 UTC (the day before it was 10:00 UTC)
    assert schedule.due(at(1, 10, 59)) == []
    assert schedule.due(at(1, 11, 0)) == [dt.date(2026, 11, 1)]
    assert schedule.cutoff(dt.date(2026, 10, 31)).astimezone(dt.UTC).hour == 10


class Inbox:
    """An SMTP handler that keeps every message it is sent."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = make_workspace(tmp_path_factory.mktemp("nightly"))
    run_cli(ws, "patients", "import", str(ws / "patients.csv"), check=True)
    text_pdf([lab_result("Zebulon Quartermaine", "02/29/1988", "9999999")], ws / "stranger.pdf")
    run_cli(ws, "process", str(ws / "stranger.pdf"), check=True)
    return ws


def settings_with(ws: Path, **report: Any) -> Settings:
    raw = yaml.safe_load((ws / "config.yaml").read_text(encoding="utf-8"))
    raw["report"] = {"nightly_time": "06:00", "timezone": "UTC", "output": "nightly"} | report
    (ws / "config.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    return load_settings(ws / "config.yaml")


def test_due_reports_are_written_emailed_and_missed_nights_caught_up(
    ws: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    settings = settings_with(
        ws,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="chartfile@clinic.test",
        smtp_to=["clerks@clinic.test"],
    )
    with ledger_on(settings) as ledger:
        today = dt.datetime.now(dt.UTC).date()
        tomorrow_morning = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(7, 0), tzinfo=dt.UTC)

        first = run_due_reports(settings, ledger, tomorrow_morning)
        assert [p.name for p in first] == [f"unmatched-{today + dt.timedelta(days=1)}.html"]
        assert run_due_reports(settings, ledger, tomorrow_morning + dt.timedelta(hours=1)) == []
        after_downtime = tomorrow_morning + dt.timedelta(days=2)  # the daemon was down for a night
        caught_up = run_due_reports(settings, ledger, after_downtime)
        assert [p.name for p in caught_up] == [
            f"unmatched-{today + dt.timedelta(days=d)}.html" for d in (2, 3)
        ]

    assert len(inbox.messages) == 3
    message = inbox.messages[1]
    assert message["Subject"] == f"chartfile: 1 document(s) waiting ({today + dt.timedelta(days=2)})"
    assert message["To"] == "clerks@clinic.test" and not message.is_multipart()
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    assert b"unmatched" in body and b"Quartermaine" not in body and b"stranger" not in body
    csv_rows = (ws / "nightly" / f"unmatched-{today + dt.timedelta(days=3)}.csv").read_text().splitlines()
    assert len(csv_rows) == 2 and csv_rows[1].startswith("unmatched,")
    with sqlite3.connect(ws / "data" / "chartfile.db") as db:
        (received,) = db.execute("SELECT received_at FROM documents").fetchone()
        received_at = dt.datetime.fromisoformat(received).replace(tzinfo=dt.UTC)
        report_time = dt.datetime.combine(today + dt.timedelta(days=3), dt.time(6, 0), tzinfo=dt.UTC)
        age_hours = (report_time - received_at).total_seconds() / 3600
        assert float(csv_rows[1].split(",")[2]) == pytest.approx(age_hours, abs=0.1)  # as old as that night
        runs = db.execute(
            "SELECT report_date, documents, emailed FROM report_runs ORDER BY report_date"
        ).fetchall()
    assert [(d, n, bool(e)) for d, n, e in runs] == [
        (str(today + dt.timedelta(days=k)), 1, True) for k in (1, 2, 3)
    ]


def test_a_mail_server_that_is_down_does_not_stop_the_report(ws: Path, tmp_path: Path) -> None:
    settings = settings_with(
        ws,
        output=str(tmp_path),
        smtp_host="127.0.0.1",
        smtp_port=free_port(),
        smtp_from="chartfile@clinic.test",
        smtp_to=["clerks@clinic.test"],
        smtp_timeout_seconds=5,
    )
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=10)
    with ledger_on(settings) as ledger:
        written = run_due_reports(settings, ledger, later)
    assert len(written) >= 1 and all(p.is_file() for p in written)
    with sqlite3.connect(ws / "data" / "chartfile.db") as db:
        emailed = db.execute("SELECT emailed FROM report_runs ORDER BY report_date DESC").fetchone()[0]
    assert not emailed


def test_disabled_reports_write_nothing(ws: Path) -> None:
    settings = settings_with(ws, enabled=False)
    with ledger_on(settings) as ledger:
        assert run_due_reports(settings, ledger, dt.datetime.now(dt.UTC) + dt.timedelta(days=30)) == []


@pytest.mark.parametrize(
    ("report", "message"),
    [
        pytest.param({"nightly_time": "25:00"}, "report.nightly_time", id="no-such-hour"),
        pytest.param({"nightly_time": 360}, 'write the time as "HH:MM" in quotes', id="unquoted-yaml-06:00"),
        pytest.param({"timezone": "Mars/Olympus"}, "unknown time zone", id="unknown-zone"),
        pytest.param({"smtp_host": "127.0.0.1"}, "smtp_host needs smtp_from and smtp_to", id="half-mail"),
    ],
)
def test_bad_report_settings_are_config_errors(tmp_path: Path, report: dict[str, Any], message: str) -> None:
    (tmp_path / "config.yaml").write_text(yaml.safe_dump({"report": report}), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path / "config.yaml")
    assert message in raised.value.message
