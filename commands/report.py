"""`chartfile report ...`: the unmatched report (HTML and CSV) on demand; the daemon writes it nightly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chartfile.commands.common import console, ledger_of, print_json_line, settings_of, shown
from chartfile.errors import UsageError

if TYPE_CHECKING:
    from chartfile.settings import ReportSettings

app = typer.Typer(help="Reports for the clerks.", no_args_is_help=True)

_MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f"]


@app.command("unmatched")
def unmatched_command(
    ctx: typer.Context,
    *,
    out: Annotated[Path, typer.Option("--out", help="Folder to write unmatched-DATE.html and .csv into.")],
    date: Annotated[
        dt.datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="As of that night (report.nightly_time)."
        ),
    ] = None,
    since: Annotated[
        dt.datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="Only documents received since that day."
        ),
    ] = None,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(
            "--as-of",
            formats=_MOMENT_FORMATS,
            metavar="YYYY-MM-DDTHH:MM",
            help="As of that moment (in report.timezone) instead of now.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
) -> None:
    """What waits for a clerk: review, unmatched and quarantined documents, as HTML and CSV.

    Per document: age, source, pages, best candidates, a first-page thumbnail; totals and ageing buckets.

    Statuses are those at the report's time. Each listed document gets an `exported` audit row.
    """
    if date is not None and (since is not None or as_of is not None):
        raise UsageError("give --date or --since/--as-of, not both", hint="--date D: as of that night")
    from chartfile.clerk.report import write_unmatched  # noqa: PLC0415 - imported here: start-up is faster

    settings = settings_of(ctx)
    with ledger_of(settings) as ledger:
        moment = _moment(settings.report, date=date, as_of=as_of, now=ledger.clock())
        written = write_unmatched(
            settings,
            ledger,
            report_date=moment.date(),
            as_of=moment,
            since=since.date() if since else None,
            out_dir=out.resolve(),
        )
    if as_json:
        print_json_line(written.report.as_json() | {"html": str(written.html), "csv": str(written.csv)})
        return
    totals = written.report.totals()
    for status, counts in totals["statuses"].items():
        ageing = ", ".join(f"{name}: {n}" for name, n in counts["ageing"].items())
        console.print(shown(f"{status}: {counts['total']} ({ageing})"))
    console.print(f"total: {totals['total']}")
    console.print(shown(f"wrote {written.html} and {written.csv}"))


def _moment(
    settings: ReportSettings, *, date: dt.datetime | None, as_of: dt.datetime | None, now: dt.datetime
) -> dt.datetime:
    """The time the report is as of: that night's `nightly_time`, the moment given, or now."""
    zone = settings.zone()
    if date is not None:
        return dt.datetime.combine(date.date(), settings.nightly_time, tzinfo=zone)
    if as_of is not None:
        return as_of.replace(tzinfo=zone)
    return now.astimezone(zone)
