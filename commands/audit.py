"""`chartfile audit`: the append-only audit trail, for one document or all; `audit verify` checks its
keyed hash chain and guards; `audit reseal` starts the chain again after a break IT has looked into."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from chartfile.commands.common import (
    add_row,
    console,
    labelled,
    ledger_of,
    print_json_line,
    settings_of,
    shown,
)
from chartfile.errors import AuditTrailError, UsageError

if TYPE_CHECKING:
    from chartfile.ledger.chain_verify import ChainReport

app = typer.Typer(help="The audit trail: list it, verify it, reseal it after a break.")
AsJson = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]


@app.callback(invoke_without_command=True)
def audit_command(
    ctx: typer.Context,
    *,
    document: Annotated[
        int | None, typer.Option("--document", metavar="ID", help="Only this document.")
    ] = None,
    since: Annotated[
        dt.datetime | None,
        typer.Option(
            formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M"], metavar="YYYY-MM-DD", help="From this day (UTC)."
        ),
    ] = None,
    action: Annotated[str | None, typer.Option(help="Only this action, e.g. assigned.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Only the newest N rows.")] = None,
    as_json: AsJson = False,
) -> None:
    """Who did what to which document, and when, oldest first (received, filed, viewed, assigned, ...)."""
    if ctx.invoked_subcommand is not None:
        return
    from chartfile.clerk.documents import audit_trail  # noqa: PLC0415 - imported here: start-up is faster

    with ledger_of(settings_of(ctx)) as ledger:
        events = audit_trail(
            ledger,
            document_id=document,
            since=since.replace(tzinfo=dt.UTC) if since else None,
            action=action,
            limit=limit,
        )
    if as_json:
        for event in events:
            print_json_line(event)
        return
    table = Table("time (UTC)", "actor", "action", "document", "detail")
    for event in events:
        detail = json.dumps(event["detail"], default=str, separators=(",", ":"))
        add_row(table, event["at"][:19], event["actor"], event["action"], event["document_id"] or "", detail)
    console.print(table)
    console.print(f"{len(events)} event(s)")


@app.command("verify")
def verify_command(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Check every audit row against the keyed hash chain, and the guard triggers.

    Exit 0: every row verifies; 5: the first broken link (an edited, forged or deleted row) or a missing
    guard is reported.
    """
    with ledger_of(settings_of(ctx)) as ledger:
        report = ledger.verify_audit()
    if as_json:
        print_json_line(report.as_json())
    else:
        render_report(report)
    if not report.ok:
        raise typer.Exit(AuditTrailError.exit_code)


def render_report(report: ChainReport) -> None:
    console.print(labelled("rows", report.rows))
    console.print(
        labelled("chain", f"from row {report.start_id}, {report.chained} row(s) verified link by link")
    )
    console.print(labelled("sealed before it", f"{report.sealed} row(s), verified by their digest"))
    if report.restarts:
        console.print(labelled("earlier breaks resealed", report.restarts))
    guards = "not checked on this database" if not report.guards_checked else "in place"
    if report.missing_guards:
        guards = "MISSING or altered: " + ", ".join(report.missing_guards)
    console.print(labelled("guard triggers", guards))
    if report.broken is None:
        console.print(labelled("first break", "none: every row verifies"))
        return
    where = "the head" if report.broken.row_id is None else f"row {report.broken.row_id}"
    console.print(labelled("first break", f"{where}: {report.broken.reason}"))


@app.command("reseal")
def reseal_command(
    ctx: typer.Context,
    *,
    reason: Annotated[str, typer.Option(help="Why (required): what IT found and did.")],
    new_key: Annotated[
        bool,
        typer.Option(
            "--new-key", help="The site key is lost for good: make a new one (the old rows are sealed)."
        ),
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Start the chain again after a break IT has looked into (or restored from backup).

    The new start seals every row before it, the break included, and records the reason and the break:
    later changes to those rows are still detected. The break itself stays visible in the trail.
    """
    if not reason.strip():
        raise UsageError("--reason must not be empty", hint="say what was found, e.g. --reason 'ticket 123'")
    with ledger_of(settings_of(ctx), new_audit_key=new_key) as ledger:
        before = ledger.reseal_audit(reason.strip())
        after = ledger.verify_audit()
    if as_json:
        print_json_line({"before": before.as_json(), "after": after.as_json()})
        return
    was = "none" if before.broken is None else shown(before.broken.reason)
    console.print(labelled("break recorded", was))
    console.print(labelled("chain", f"starts again at row {after.start_id}; {after.sealed} row(s) sealed"))
