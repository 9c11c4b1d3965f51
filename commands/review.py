"""`chartfile review ...`, `documents refile` and `patients merge`: the clerk's decisions, all audited."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from chartfile.commands.common import (
    add_row,
    console,
    err_console,
    labelled,
    ledger_of,
    print_json_line,
    settings_of,
    shown,
    text,
)
from chartfile.errors import UsageError

if TYPE_CHECKING:  # the clerk's layer is imported when a command runs, not at start-up
    from chartfile.clerk.decisions import Decision

app = typer.Typer(help="Work the review queue: look, then assign, reject or split.", no_args_is_help=True)

DocumentId = Annotated[int, typer.Argument(metavar="ID", help="Document id.")]
Mrn = Annotated[str, typer.Argument(metavar="MRN", help="The patient's MRN.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON (one object per line).")]


def _print_decisions(made: list[Decision], as_json: bool) -> None:
    for decision in made:
        if as_json:
            print_json_line(decision.as_json())
            continue
        before, after = decision.before.get("status") or "new", decision.after["status"]
        mrn = f" (MRN {decision.after['mrn']})" if decision.after.get("mrn") else ""
        console.print(shown(f"document {decision.document_id} {decision.action}: {before} -> {after}{mrn}"))


@app.command("list")
def list_command(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Documents waiting for review, oldest first, with their candidates and scores."""
    from chartfile.clerk.review import waiting  # noqa: PLC0415 - imported here: start-up is faster

    with ledger_of(settings_of(ctx)) as ledger:
        rows = waiting(ledger, now=ledger.clock())
    if as_json:
        for row in rows:
            print_json_line(row)
        return
    table = Table("id", "received", "age (h)", "source", "pages", "candidates (MRN score)")
    for row in rows:
        candidates = ", ".join(f"{c['mrn']} {c['score']:.3f}" for c in row["candidates"][:3])
        add_row(
            table,
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
def show_command(
    ctx: typer.Context,
    document_id: DocumentId,
    as_json: AsJson = False,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Also write a page as PNG at reading size to FILE ('-': to stdout, e.g. "
            "`sudo -u chartfile chartfile review show 12 --out - > ~/page.png`).",
        ),
    ] = None,
    page: Annotated[int, typer.Option(min=1, help="The page --out writes.")] = 1,
) -> None:
    """Why a document waits: reasons per field, the page text around the identity, a first-page image.

    The view is audited (and so is a page written with --out).
    """
    from chartfile.clerk.pages import export_page  # noqa: PLC0415 - imported here: start-up is faster
    from chartfile.clerk.review import show_for_review  # noqa: PLC0415

    settings = settings_of(ctx)
    with ledger_of(settings) as ledger:
        detail = show_for_review(ledger, document_id)
        if out is not None:
            png = export_page(ledger, document_id, page, dpi=settings.web.page_dpi, to=out)
            write_png(png, out)
            if out == "-":
                return
    if as_json:
        print_json_line(detail)
        return
    _render(detail)


def write_png(png: bytes, out: str) -> None:
    """To stdout, or to FILE (private; handed to the invoking user when run as root through sudo)."""
    if out == "-":
        sys.stdout.buffer.write(png)
        sys.stdout.flush()
        return
    target = Path(out).expanduser()
    try:
        target.write_bytes(png)
        sudo_uid, sudo_gid = os.environ.get("SUDO_UID", ""), os.environ.get("SUDO_GID", "")
        if os.geteuid() == 0 and sudo_uid.isdigit() and sudo_gid.isdigit():
            os.chown(target, int(sudo_uid), int(sudo_gid))
    except OSError as e:
        raise UsageError(
            f"cannot write {target} ({e.strerror or type(e).__name__})",
            hint="give a FILE the service user may write, or --out - and redirect stdout",
        ) from e
    err_console.print(f"page written to {target}", highlight=False)


def _render(detail: dict[str, Any]) -> None:
    for key in ("id", "status", "source_name", "received_at", "page_count", "doc_type", "doc_date"):
        console.print(labelled(key, detail.get(key)))
    console.print(text("why:", "bold"))
    for reason in [*detail["reasons"], *detail["notes"]]:
        console.print(shown(f"  - {reason}"))
    console.print(text("candidates", "bold"), "(best first, per field: level and weight):")
    for candidate in detail["candidates"]:
        console.print(shown(f"  {candidate['mrn']}  p={candidate['score']:.4f}"))
        for field in candidate["fields"]:
            note = f"  {field['detail']}" if field.get("detail") else ""
            console.print(
                shown(f"      {field['field']:<12} {field['level']:<10} {field['weight']:+.1f}{note}")
            )
    console.print(text("identity as read", "bold"), "(page text around each field):")
    for number, identity in enumerate(detail["identities"], 1):
        for field in identity["fields"]:
            console.print(shown(f"  #{number} {field['field']} (page {field['page']}):"))
            for line in field["lines"] or ["(not found in the stored page text)"]:
                console.print(shown(f"      | {line}"))
    console.print(labelled("first page", detail["preview_path"] or "no preview"))


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
    from chartfile.clerk import decisions  # noqa: PLC0415 - imported here: start-up is faster

    with ledger_of(settings_of(ctx)) as ledger:
        made = decisions.assign(ledger, document_id, mrn, reason=reason)
    _print_decisions([made], as_json)


@app.command("reject")
def reject_command(
    ctx: typer.Context,
    document_id: DocumentId,
    reason: Annotated[str, typer.Option(help="Why: not a patient document, misdirected fax, ...")],
    as_json: AsJson = False,
) -> None:
    """Mark a document as not a patient document (status `rejected`; kept under store/rejected/)."""
    from chartfile.clerk import decisions  # noqa: PLC0415 - imported here: start-up is faster

    with ledger_of(settings_of(ctx)) as ledger:
        made = decisions.reject(ledger, document_id, reason=_required(reason))
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
    from chartfile.clerk import split  # noqa: PLC0415 - imported here: start-up is faster

    parts = split.parse_parts(pages, mrns)
    with ledger_of(settings_of(ctx)) as ledger:
        made = split.split_document(ledger, document_id, parts, reason=reason)
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
    from chartfile.clerk import decisions  # noqa: PLC0415 - imported here: start-up is faster

    with ledger_of(settings_of(ctx)) as ledger:
        made = decisions.refile(ledger, document_id, mrn, reason=_required(reason))
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
    from chartfile.clerk import decisions  # noqa: PLC0415 - imported here: start-up is faster

    with ledger_of(settings_of(ctx)) as ledger:
        made = decisions.merge_patients(ledger, old_mrn, new_mrn, reason=reason)
    _print_decisions(made, as_json)
    if not as_json:
        console.print(f"merged: {len(made)} document(s) moved")


def _required(reason: str) -> str:
    if not reason.strip():
        raise UsageError("--reason must not be empty", hint="say why, e.g. --reason 'misdirected fax'")
    return reason.strip()
