"""The `chartfile` command line: for clerks, IT and scripts. The top of the layering: it may import
anything; the one place its errors become an exit code and the user's message is `main` (`errors.explain`):
a database fault is the daemon's one line and exit code, a traceback only with --debug (and never with
SQL parameters: the engine hides them)."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Annotated, Any

import typer

from chartfile import CONFIG_ENV, __version__
from chartfile.commands import audit, db, documents, hl7, patients, report, review
from chartfile.commands.common import (
    console,
    err_console,
    ledger_of,
    print_json_line,
    settings_of,
    shown,
)
from chartfile.commands.deliver import deliver_command
from chartfile.commands.process import process_command, watch_command
from chartfile.commands.reprocess import reprocess_command
from chartfile.commands.search import search_command
from chartfile.commands.serve import serve_command
from chartfile.commands.users import app as users_app
from chartfile.commands.worker import worker_command
from chartfile.errors import ChartfileError, UsageError, explain

app = typer.Typer(
    name="chartfile",
    help="OCR inbox faxes and scans, match them to patients, and file searchable PDFs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(patients.app, name="patients")
app.add_typer(documents.app, name="documents")
app.command("process")(process_command)
app.command("watch")(watch_command)
app.add_typer(review.app, name="review")
app.add_typer(report.app, name="report")
app.command("reprocess")(reprocess_command)
app.add_typer(audit.app, name="audit")
app.add_typer(db.app, name="db")
app.command("search")(search_command)
app.command("serve")(serve_command)
app.add_typer(users_app, name="users")
app.add_typer(hl7.app, name="hl7")
app.command("deliver")(deliver_command)
app.command("worker")(worker_command)
documents.app.command("refile")(review.refile_command)
patients.app.command("merge")(review.merge_command)


def _version(value: bool) -> None:
    if value:
        console.print(f"chartfile {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", envvar=CONFIG_ENV, help="Settings file (default: ./config.yaml)."),
    ] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="On an unexpected error, print its traceback (for IT).")
    ] = False,
) -> None:
    """chartfile: scan-and-index for medical records."""
    if not isinstance(ctx.obj, dict):
        ctx.obj = {}
    ctx.obj.update(config=config, debug=debug)  # the same dict `main` gave: it reads "debug" back


@app.command("init")
def init_command(
    directory: Annotated[Path, typer.Argument(help="Where to set up (default: here).")] = Path("."),
    force: Annotated[bool, typer.Option(help="Overwrite an existing config.yaml.")] = False,
) -> None:
    """Write a default config.yaml, and create the folders and the database."""
    from chartfile.settings import DEFAULT_CONFIG_NAME, DEFAULT_CONFIG_TEXT, load_settings  # noqa: PLC0415

    directory.mkdir(parents=True, exist_ok=True)
    config = directory / DEFAULT_CONFIG_NAME
    if config.exists() and not force:
        raise UsageError(f"{config} exists already", hint="pass --force to overwrite it")
    config.write_text(DEFAULT_CONFIG_TEXT, encoding="utf-8")
    config.chmod(0o600)
    settings = load_settings(config)
    with ledger_of(settings):
        pass
    console.print(shown(f"wrote {config}; inbox: {settings.paths.inbox}"))
    console.print(shown(f"next: chartfile --config {config} patients import PATIENTS.csv"))


@app.command("status")
def status_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Queue depth, outcomes so far, failed intake, last processed, disk space and pause, version, and the
    deliveries to the EHR by state (with how many are failing), each station sharing the database (alive,
    last seen, inbox depth, documents in progress, paused); with a job queue, its jobs by state."""
    from chartfile.commands.status import status_report  # noqa: PLC0415 - the ledger's queries, the daemon's

    settings = settings_of(ctx)
    with ledger_of(settings) as ledger:
        report = status_report(settings, ledger)
    if as_json:
        print_json_line(report)
        return
    for key, value in report.items():
        if key != "stations":
            console.print(shown(f"{key}: {value}"))
    for station in report["stations"]:
        state = "alive" if station["alive"] else "stopped"
        console.print(
            shown(
                f"station {station['name']}: {state}, last seen {station['last_seen']}, "
                f"{station['inbox_files']} in its inbox, {station['in_progress']} in progress"
                + (", PAUSED (disk full)" if station["paused"] else "")
            )
        )


def main() -> None:
    """Entry point: runs the app and maps every error to one message and an exit code."""
    state: dict[str, Any] = {"debug": False}
    try:
        app(obj=state)
    except ChartfileError as e:
        _fail(e, debug=state.get("debug", False))
    except Exception as e:
        from sqlalchemy.exc import SQLAlchemyError  # noqa: PLC0415 - imported here: --help starts faster

        if isinstance(e, SQLAlchemyError):  # the daemon's message for the same fault: no statement, no values
            from chartfile.ledger.db import database_fault  # noqa: PLC0415

            _fail(database_fault(e), cause=e, debug=state.get("debug", False))
        else:  # a bug: its type and place, and the traceback with --debug
            _fail(e, debug=state.get("debug", False))


def _fail(error: BaseException, *, debug: bool, cause: BaseException | None = None) -> None:
    if debug:
        shown_error = cause if cause is not None else error
        for line in "".join(traceback.format_exception(shown_error)).rstrip().splitlines():
            err_console.print(shown(line))
    said = explain(error)
    for line in said.lines():
        for part in line.splitlines():  # a bad config says one line per field
            err_console.print(shown(part))
    sys.exit(said.exit_code)


if __name__ == "__main__":
    main()
