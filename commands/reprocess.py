"""`chartfile reprocess`: run the pipeline again on documents already processed, from their originals."""

from __future__ import annotations

import collections
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from chartfile.commands.common import (
    add_row,
    console,
    err_console,
    ledger_of,
    print_json_line,
    progress_bar,
    runtime_of,
    settings_of,
    shown,
)
from chartfile.commands.queued import queue_documents
from chartfile.errors import MachineError, UsageError, explain
from chartfile.records import Status

if TYPE_CHECKING:  # the pipeline is imported when the command runs, not at start-up
    from chartfile.clerk.reprocess import Reprocessed
    from chartfile.runtime import Runtime

Since = Annotated[
    dt.datetime | None,
    typer.Option(
        formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="Only documents received that day (UTC) or later."
    ),
]
Until = Annotated[
    dt.datetime | None,
    typer.Option(
        formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="Only documents received by that day (UTC)."
    ),
]


def reprocess_command(
    ctx: typer.Context,
    *,
    status: Annotated[
        list[Status] | None,
        typer.Option(help="Only documents with this status (repeat; default: review, unmatched)."),
    ] = None,
    since: Since = None,
    until: Until = None,
    ids: Annotated[str, typer.Option(help="Only these document ids, e.g. 1,2,3 (any status).")] = "",
    batch: Annotated[
        Path | None,
        typer.Option(
            metavar="FOLDER",
            help="Only documents taken from this folder (a scanner's batch folder, or one given to "
            "`chartfile process`), and its subfolders.",
        ),
    ] = None,
    include_decided: Annotated[
        bool,
        typer.Option("--include-decided", help="Also redo documents a clerk assigned, rejected or re-filed."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object; no progress bar.")] = False,
    queue: Annotated[
        bool,
        typer.Option("--queue", help="Put one job per document on the job queue for `chartfile worker`s."),
    ] = False,
    wait: Annotated[
        bool, typer.Option("--wait", help="With --queue: follow the jobs until all are finished.")
    ] = False,
) -> None:
    """Run the pipeline again on processed documents, from their kept originals.

    For after a patient import or a threshold change. The same inputs give the same outcome.

    Documents a clerk decided (assigned, rejected, re-filed, split) are left alone unless --include-decided.

    With --queue one job per chosen document is queued for `chartfile worker`s (--wait: follow them).
    """
    from chartfile.clerk.reprocess import DEFAULT_STATUSES, Selection, select_documents  # noqa: PLC0415

    settings = settings_of(ctx)
    selection = Selection(
        statuses=tuple(status) if status else DEFAULT_STATUSES,
        since=since.date() if since else None,
        until=until.date() if until else None,
        ids=_ids(ids),
        batch=batch.expanduser().resolve() if batch else None,
        include_decided=include_decided,
    )
    if wait and not queue:
        raise UsageError("--wait follows queued jobs: it needs --queue", hint="add --queue, or drop --wait")
    if queue:
        with ledger_of(settings) as ledger:
            chosen, _ = select_documents(ledger, selection)
        queue_documents(settings, chosen, wait=wait, as_json=as_json)
        return
    with runtime_of(settings) as rt:
        chosen, skipped = select_documents(rt.ledger, selection)
        results = [*_run(chosen, rt, show_progress=not as_json), *skipped]
    counts = collections.Counter(r.outcome for r in results)
    summary = {name: counts.get(name, 0) for name in ("changed", "unchanged", "skipped", "failed")}
    if as_json:
        print_json_line(summary | {"documents": [r.as_json() for r in sorted(results, key=_by_id)]})
    else:
        _render(results, summary)
    if counts.get("failed"):
        raise typer.Exit(3)


def _by_id(result: Reprocessed) -> int:
    return result.document_id


def _ids(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError as e:
        raise UsageError(
            f"--ids must be numbers separated by commas, not {text!r}", hint="e.g. --ids 1,2,3"
        ) from e


def _run(ids: list[int], rt: Runtime, *, show_progress: bool) -> list[Reprocessed]:
    from chartfile.clerk.reprocess import Reprocessed, reprocess_document  # noqa: PLC0415

    progress = progress_bar(show=show_progress)
    results = []
    with progress:
        task = progress.add_task("reprocessing", total=len(ids))
        for document_id in ids:
            try:
                results.append(reprocess_document(document_id, rt))
            except (MachineError, OSError) as e:  # the row and its files are as they were
                message = explain(e).line()
                named = (
                    message
                    if message.startswith(f"document {document_id}:")
                    else f"document {document_id}: {message}"
                )
                err_console.print(shown(f"error: {named}"))
                results.append(Reprocessed(document_id, "failed", {}, {}, message))
            progress.advance(task)
    return results


def _render(results: list[Reprocessed], summary: dict[str, int]) -> None:
    shown = [r for r in results if r.outcome != "unchanged"]
    if shown:
        table = Table("id", "outcome", "before", "after", "note")
        for r in sorted(shown, key=_by_id):
            before = f"{r.before.get('status', '')} {r.before.get('mrn') or ''}".strip()
            after = f"{r.after.get('status', '')} {r.after.get('mrn') or ''}".strip()
            add_row(table, r.document_id, r.outcome, before, after, r.note)
        console.print(table)
    console.print(", ".join(f"{count} {name}" for name, count in summary.items()))
