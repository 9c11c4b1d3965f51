"""`chartfile search TEXT`: full-text search over the stored page texts, best documents first."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

import typer
from rich.text import Text

from chartfile.commands.common import console, ledger_of, print_json_line, settings_of, shown, text

Day = Annotated[dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], metavar="YYYY-MM-DD")]


def search_command(
    ctx: typer.Context,
    *,
    words: Annotated[
        str, typer.Argument(metavar="TEXT", help='Words (all must occur), "a phrase", prefix*.')
    ],
    patient: Annotated[
        str | None, typer.Option("--patient", metavar="MRN", help="Only this patient.")
    ] = None,
    doc_type: Annotated[str | None, typer.Option("--type", help="Only this type, e.g. lab_result.")] = None,
    date_from: Annotated[
        dt.datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="Document date from."),
    ] = None,
    date_to: Annotated[
        dt.datetime | None,
        typer.Option("--to", formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="Document date up to."),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many documents.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per document.")] = False,
) -> None:
    """Search the text of every stored page (ranked by bm25), grouped per document with snippets."""
    from chartfile.clerk.search import SearchFilters, search  # noqa: PLC0415 - imported here: faster start-up

    filters = SearchFilters(
        patient_mrn=patient,
        doc_type=doc_type,
        date_from=date_from.date() if date_from else None,
        date_to=date_to.date() if date_to else None,
    )
    with ledger_of(settings_of(ctx)) as ledger:
        hits = search(ledger, words, filters, limit=limit)
    if as_json:
        for hit in hits:
            print_json_line(hit.as_json())
        return
    for hit in hits:
        head = text(f"document {hit.document_id}", "bold")
        rest = f"  {hit.status}" + (f"  MRN {hit.patient_mrn}" if hit.patient_mrn else "")
        head.append(shown(f"{rest}  {hit.doc_type or ''} {hit.doc_date or ''}  {hit.source_name}"))
        console.print(head)
        for page in hit.pages:
            console.print(_snippet(page.number, page.snippet))
    console.print(f"{len(hits)} document(s)")


def _snippet(number: int, snippet: str) -> Text:
    """The page's snippet, literal, with the matched words in reverse video."""
    from chartfile.clerk.search import MARK_END, MARK_START  # noqa: PLC0415

    line = Text(f"  p.{number}: ")
    for index, part in enumerate(re.split(f"{re.escape(MARK_START)}|{re.escape(MARK_END)}", snippet)):
        line.append(shown(part), style="reverse" if index % 2 else "")
    return line
