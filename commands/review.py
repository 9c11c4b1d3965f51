"""`chartfile review ...`, `documents refile` and `patients merge`: the clerk's decisions, all audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from chartfile.commands.common import console, database, print_json_line, settings_of
from chartfile.errors import UsageError
from chartfile.indexer import decisions, split
from chartfile.indexer.previews import first_page_png
from chartfile.indexer.review import queue, queue_entry, review_detail
from chartfile.ledger.db import audit, transaction
from chartfile.ledger.models import Document
from chartfile.ledger.store import FileStore, StoreLayout
from chartfile.settings import Settings

app = typer.Typer(help="Work the review queue: look, then assign, reject or split.", no_args_is_help=True)

DocumentId = Annotated[int, typer.Argument(metavar="ID", help="Document id.")]
Mrn = Annotated[str, typer.Argument(metavar="MRN", help="The patient's MRN.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON (one object per line).")]


def clerk_of(settings: Settings, sessions: sessionmaker[Session]) -> decisions.Clerk:
    store = settings.paths.store
    return decisions.Clerk(sessions, FileStore(store), StoreLayout(store), settings.paths.work)


def _print_decisions(made: list[decisions.Decision], as_json: bool) -> None:
    for decision in made:
        if as_json:
            print_json_line(decision.as_json())
            continue
        before, after = decision.before.get("status") or "new", decision.after["status"]
        mrn = f" (MRN {decision.after['mrn']})" if decision.after.get("mrn") else ""
        console.print(
            f"document {decision.document_id} {decision.action}: {before} -> {after}{mrn}", highlight=False
        )


@app.command("list")
def list_command(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Documents waiting for review, oldest first, with their candidates and scores."""
    now = dt.datetime.now(dt.UTC)
    with database(settings_of(ctx)) as sessions, transaction(sessions) as session:
        rows = [queue_entry(doc, now=now) for doc in queue(session)]
    if as_json:
        for row in rows:
            print_json_line(row)
        return
    table = Table("id", "received", "age (h)", "source", "pages", "candidates (MRN score)")
    for row in rows:
        candidates = ", ".join(f"{c['mrn']} {c['score']:.3f}" for c in row["candidates"][:3])
        table.add_row(
            str(row["id"]),
            row["received_at"][:16],
            f"{row['age_hours']:.1f}",
            row["source_name"],
            str(row["page_count"]),
            candidates or "none",
        )
    console.print(table)
    console.print(f"{len(rows)} document(s) waiting for review")


@app.command("show")
def show_command(ctx: typer.Context, document_id: DocumentId, as_json: AsJson = False) -> None:
    """Why a document waits: reasons per field, the page text around the identity, a first-page image.

    The view is audited.
    """
    settings = settings_of(ctx)
    with database(settings) as sessions, transaction(sessions) as session:
        doc = session.get(Document, document_id)
        if doc is None:
            raise UsageError(f"no document with id {document_id}", hint="see `chartfile review list`")
        detail = review_detail(session, doc) | {"preview_path": _preview(doc, settings)}
        audit(session, "viewed", document_id, command="review show")
    if as_json:
        print_json_line(detail)
        return
    _render(detail)


def _preview(doc: Document, settings: Settings) -> str | None:
    if not doc.stored_path or not doc.stored_sha256:
        return None
    png = first_page_png(
        Path(doc.stored_path),
        document_id=doc.id,
        stored_sha256=doc.stored_sha256,
        store_root=settings.paths.store,
        scratch=settings.paths.work,
    )
    return str(png) if png else None


def _render(detail: dict[str, Any]) -> None:
    for key in ("id", "status", "source_name", "received_at", "page_count", "doc_type", "doc_date"):
        console.print(f"[bold]{key}[/bold]: {detail.get(key)}", highlight=False)
    console.print("[bold]why[/bold]:")
    for reason in [*detail["reasons"], *detail["notes"]]:
        console.print(f"  - {reason}", highlight=False, markup=False)
    console.print("[bold]candidates[/bold] (best first, per field: level and weight):")
    for candidate in detail["candidates"]:
        console.print(f"  {candidate['mrn']}  p={candidate['score']:.4f}", highlight=False)
        for field in candidate["fields"]:
            note = f"  {field['detail']}" if field.get("detail") else ""
            line = f"      {field['field']:<12} {field['level']:<10} {field['weight']:+.1f}{note}"
            console.print(line, highlight=False, markup=False)
    console.print("[bold]identity as read[/bold] (page text around each field):")
    for number, identity in enumerate(detail["identities"], 1):
        for field in identity["fields"]:
            console.print(f"  #{number} {field['field']} (page {field['page']}):", highlight=False)
            for line in field["lines"] or ["(not found in the stored page text)"]:
                console.print(f"      | {line}", highlight=False, markup=False)
    console.print(f"[bold]first page[/bold]: {detail['preview_path'] or 'no preview'}", highlight=False)


@app.command("assign")
def assign_command(
    ctx: typer.Context,
    *,
    document_id: DocumentId,
    mrn: Mrn,
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail).")] = "",
    as_json: AsJson = False,
) -> None:
    """File a review (or unmatched) document to the patient with MRN."""
    settings = settings_of(ctx)
    with database(settings) as sessions:
        made = decisions.assign(clerk_of(settings, sessions), document_id, mrn, reason=reason)
    _print_decisions([made], as_json)


@app.command("reject")
def reject_command(
    ctx: typer.Context,
    document_id: DocumentId,
    reason: Annotated[str, typer.Option(help="Why: not a patient document, misdirected fax, ...")],
    as_json: AsJson = False,
) -> None:
    """Mark a document as not a patient document (status `rejected`; kept under store/rejected/)."""
    settings = settings_of(ctx)
    with database(settings) as sessions:
        made = decisions.reject(clerk_of(settings, sessions), document_id, reason=_required(reason))
    _print_decisions([made], as_json)


@app.command("split")
def split_command(
    ctx: typer.Context,
    *,
    document_id: DocumentId,
    pages: Annotated[list[str], typer.Option("--pages", help="A page range, e.g. 1-2; once per patient.")],
    mrns: Annotated[list[str], typer.Option("--mrn", help="The patient of the --pages before it.")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail).")] = "",
    as_json: AsJson = False,
) -> None:
    """Cut a document into page ranges, each filed to its patient as a new document.

    For example: chartfile review split 12 --pages 1-2 --mrn A --pages 3-4 --mrn B
    """
    settings = settings_of(ctx)
    parts = split.parse_parts(pages, mrns)
    with database(settings) as sessions:
        clerk = clerk_of(settings, sessions)
        made = split.split_document(clerk, document_id, parts, reason=reason, now=dt.datetime.now(dt.UTC))
    _print_decisions(made, as_json)


def refile_command(
    ctx: typer.Context,
    *,
    document_id: DocumentId,
    mrn: Mrn,
    reason: Annotated[str, typer.Option(help="Why it moves (required; kept in the audit trail).")],
    as_json: AsJson = False,
) -> None:
    """Move a filed document to another patient (the stored PDF moves too)."""
    settings = settings_of(ctx)
    with database(settings) as sessions:
        made = decisions.refile(clerk_of(settings, sessions), document_id, mrn, reason=_required(reason))
    _print_decisions([made], as_json)


def merge_command(
    ctx: typer.Context,
    *,
    old_mrn: Annotated[
        str, typer.Argument(metavar="OLD_MRN", help="The record that goes (kept, marked merged).")
    ],
    new_mrn: Annotated[str, typer.Argument(metavar="NEW_MRN", help="The record that stays.")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail).")] = "",
    as_json: AsJson = False,
) -> None:
    """Merge two patient records: OLD_MRN's documents move to NEW_MRN; OLD_MRN is no longer matched."""
    settings = settings_of(ctx)
    with database(settings) as sessions:
        made = decisions.merge_patients(clerk_of(settings, sessions), old_mrn, new_mrn, reason=reason)
    _print_decisions(made, as_json)
    if not as_json:
        console.print(f"merged: {len(made)} document(s) moved", highlight=False)


def _required(reason: str) -> str:
    if not reason.strip():
        raise UsageError("--reason must not be empty", hint="say why, e.g. --reason 'misdirected fax'")
    return reason.strip()
