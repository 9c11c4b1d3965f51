"""`chartfile audit`: the append-only audit trail, for one document or all."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.table import Table

from chartfile.clerk.documents import audit_trail
from chartfile.commands.common import console, ledger_of, print_json_line, settings_of


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
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Who did what to which document, and when, oldest first (received, filed, viewed, assigned, ...)."""
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
        table.add_row(
            event["at"][:19], event["actor"], event["action"], str(event["document_id"] or ""), detail
        )
    console.print(table)
    console.print(f"{len(events)} event(s)")
