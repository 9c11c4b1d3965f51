"""`chartfile audit`: the append-only audit trail, for one document or all."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.table import Table

from chartfile.commands.common import console, database, print_json_line, settings_of
from chartfile.errors import UsageError
from chartfile.ledger.audit_queries import list_events
from chartfile.ledger.db import transaction
from chartfile.ledger.models import Document


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
    with database(settings_of(ctx)) as sessions, transaction(sessions) as session:
        if document is not None and session.get(Document, document) is None:
            raise UsageError(f"no document with id {document}", hint="see `chartfile documents list`")
        events = list_events(
            session,
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
