"""`chartfile documents ...`: list and show processed documents."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from chartfile.commands.common import (
    add_row,
    console,
    labelled,
    ledger_of,
    print_json_line,
    settings_of,
    shown,
    text,
)
from chartfile.records import Status

app = typer.Typer(help="List and inspect processed documents.", no_args_is_help=True)


@app.command("list")
def list_command(
    ctx: typer.Context,
    status: Annotated[Status | None, typer.Option(help="Only documents with this status.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many rows.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List documents, oldest first."""
    from chartfile.clerk.documents import list_summaries  # noqa: PLC0415 - imported here: start-up is faster

    with ledger_of(settings_of(ctx)) as ledger:
        rows = list_summaries(ledger, status=status, limit=limit)
    if as_json:
        for row in rows:
            print_json_line(row)
        return
    table = Table("id", "status", "MRN", "score", "type", "date", "pages", "received")
    for row in rows:
        score = f"{row['score']:.3f}" if row["score"] is not None else ""
        add_row(
            table,
            str(row["id"]),
            row["status"],
            row["patient_mrn"] or "",
            score,
            row["doc_type"] or "",
            row["doc_date"] or "",
            str(row["page_count"]),
            row["received_at"][:16],
        )
    console.print(table)
    console.print(f"{len(rows)} document(s)")


@app.command("show")
def show_command(
    ctx: typer.Context,
    document_id: Annotated[int, typer.Argument(metavar="ID", help="Document id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Everything known about one document, including why it was (not) matched. The view is audited."""
    from chartfile.clerk.documents import show_document  # noqa: PLC0415

    with ledger_of(settings_of(ctx)) as ledger:
        detail = show_document(ledger, document_id)
    if as_json:
        print_json_line(detail)
        return
    _render_detail(detail)


def _render_detail(detail: dict[str, Any]) -> None:
    for key in (
        "id",
        "status",
        "patient_mrn",
        "score",
        "doc_type",
        "doc_date",
        "page_count",
        "source_name",
        "received_at",
        "processed_at",
        "stored_path",
        "original_path",
        "quarantine_path",
        "duplicate_of",
    ):
        if detail.get(key) is not None:
            console.print(labelled(key, detail[key]))
    console.print(text("why:", "bold"))
    for reason in detail["reasons"]:
        console.print(shown(f"  - {reason}"))
    if detail["candidates"]:
        console.print(text("candidates", "bold"), "(best first):")
        for candidate in detail["candidates"]:
            fields = ", ".join(f"{f['field']}={f['level']} ({f['weight']:+.1f})" for f in candidate["fields"])
            console.print(shown(f"  {candidate['mrn']}  p={candidate['score']:.4f}  {fields}"))
    console.print(labelled("pages", json.dumps(detail["pages"])))
    console.print(text("audit:", "bold"))
    for event in detail["audit"]:
        console.print(shown(f"  {event['at'][:19]} {event['actor']} {event['action']}"))
    _render_deliveries(detail.get("deliveries", []))


def _render_deliveries(rows: list[dict[str, Any]]) -> None:
    """Each message to the EHR about the document: target, what, state, attempts, last answer."""
    if not rows:
        return
    console.print(Text.assemble(("deliveries", "bold"), " (to the EHR):"))
    for row in rows:
        said = row["receipt"] if row["state"] == "delivered" else row["last_error"]
        when = row["delivered_at"] or row["next_attempt_at"] or ""
        line = (
            f"  {row['target']:<7} v{row['version']} {row['event']:<16} {row['state']:<10} "
            f"attempts {row['attempts']}  {when[:19]}  {said}"
        )
        console.print(shown(line))
