"""When the nightly unmatched report is due (pure, clock injected), and the daemon's hook that writes it.

Every night whose `nightly_time` has passed since the last run is due, so nights missed while the daemon
was down are written when it is back (as they were: each report is "as of" its own night). The date of the
last run is kept in the `report_runs` table.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from chartfile.clerk.report import WrittenReport, write_unmatched
from chartfile.clerk.report.mail import send_report
from chartfile.errors import ChartfileError, explain
from chartfile.ledger import Ledger
from chartfile.ledger.models import ReportRun
from chartfile.ledger.stations import drop_lease, take_lease
from chartfile.settings import ReportSettings, Settings

log = logging.getLogger(__name__)


class NightlySchedule:
    """Nights due at a time `now`: those after `last_run` whose `nightly_time` (in `zone`) has passed."""

    def __init__(
        self, nightly_time: dt.time, last_run: dt.date | None, *, zone: dt.tzinfo, max_nights: int = 14
    ) -> None:
        self.nightly_time = nightly_time
        self.last_run = last_run
        self.zone = zone
        self.max_nights = max_nights

    def cutoff(self, night: dt.date) -> dt.datetime:
        """The moment the report of `night` is as of."""
        return dt.datetime.combine(night, self.nightly_time, tzinfo=self.zone)

    def latest(self, now: dt.datetime) -> dt.date:
        """The newest night whose time has come at `now`."""
        today = now.astimezone(self.zone).date()
        return today if now >= self.cutoff(today) else today - dt.timedelta(days=1)

    def due(self, now: dt.datetime) -> list[dt.date]:
        """Every night not yet written, oldest first: at most `max_nights`; on a first run only the latest."""
        latest = self.latest(now)
        if self.last_run is None:
            return [latest]
        first = max(self.last_run + dt.timedelta(days=1), latest - dt.timedelta(days=self.max_nights - 1))
        return [first + dt.timedelta(days=n) for n in range((latest - first).days + 1)]


def schedule_for(settings: ReportSettings, session: Session) -> NightlySchedule:
    last_run = session.scalar(select(func.max(ReportRun.report_date)))
    return NightlySchedule(
        settings.nightly_time, last_run, zone=settings.zone(), max_nights=settings.max_catch_up_nights
    )


def run_due_reports(settings: Settings, ledger: Ledger, now: dt.datetime) -> list[Path]:
    """Write (and email) every report due at `now`; returns the HTML files written.

    For the daemon's loop: never raises for a failed report; it is logged and tried again next call.
    """
    if not settings.report.enabled:
        return []
    written: list[Path] = []
    try:
        with ledger.reading() as session:
            if not schedule_for(settings.report, session).due(now) or not _lead(ledger, session, now):
                return []  # nothing due, or another station writes it now
        try:
            written = _write_due(settings, ledger, now)
        finally:
            with ledger.reading() as session:
                drop_lease(session, REPORT_LEASE, ledger.claims.holder, now=ledger.clock())
    except (ChartfileError, OSError, SQLAlchemyError) as e:
        log.error("the nightly report could not be written (%s); it is tried again", explain(e).log_line())
    return written


REPORT_LEASE = "nightly-report"
REPORT_LEASE_TIME = dt.timedelta(minutes=30)  # a station that crashed while writing it: another takes over


def _lead(ledger: Ledger, session: Session, now: dt.datetime) -> bool:
    """Whether this station writes the reports now (one station of those sharing the database does)."""
    until = now + REPORT_LEASE_TIME
    return take_lease(session, REPORT_LEASE, ledger.claims.holder, until=until, now=now)


def _write_due(settings: Settings, ledger: Ledger, now: dt.datetime) -> list[Path]:
    """Every report still due (read again under the lease: another station may have just written it)."""
    written: list[Path] = []
    with ledger.reading() as session:
        schedule = schedule_for(settings.report, session)
    for night in schedule.due(now):
        result = write_unmatched(
            settings,
            ledger,
            report_date=night,
            as_of=schedule.cutoff(night),
            since=None,
            out_dir=settings.report.output,
        )
        emailed = _email(settings.report, result)
        _record(ledger, result, emailed=emailed, now=now)
        written.append(result.html)
        log.info("nightly report for %s: %d document(s) waiting", night, result.report.total)
    return written


def _email(settings: ReportSettings, result: WrittenReport) -> bool:
    if not settings.smtp_host:
        return False
    try:
        send_report(settings, result)
    except (smtplib.SMTPException, OSError) as e:
        log.error(
            "the nightly report of %s was written but not emailed (%s)",
            result.report.report_date,
            explain(e).log_line(),
        )
        return False
    return True


def _record(ledger: Ledger, result: WrittenReport, *, emailed: bool, now: dt.datetime) -> None:
    with ledger.unit() as unit:
        unit.session.add(
            ReportRun(
                report_date=result.report.report_date,
                ran_at=now,
                html_path=str(result.html),
                csv_path=str(result.csv),
                documents=result.report.total,
                emailed=emailed,
            )
        )
