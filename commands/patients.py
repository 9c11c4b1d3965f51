"""`chartfile patients ...`: import the patient master list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chartfile.clerk.patients import import_csv
from chartfile.commands.common import console, err_console, ledger_of, print_json_line, settings_of, shown
from chartfile.indexer.patients import COLUMNS, MERGED_INTO

app = typer.Typer(help="Manage the patient master list.", no_args_is_help=True)


@app.command("import")
def import_command(
    ctx: typer.Context,
    csv_file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE.csv",
            help="CSV with header: " + ",".join(COLUMNS) + f" (optional {MERGED_INTO}: the MRN this "
            "record was merged into; its documents move there, audited)",
        ),
    ],
    encoding: Annotated[
        str | None,
        typer.Option(
            help="The file's encoding (default: found: UTF-8, UTF-8 or UTF-16 with a BOM, else Windows-1252 "
            "with a warning)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
) -> None:
    """Import or update patients from a CSV file (upsert by MRN). Invalid rows are reported and skipped.

    An MRN repeated with other values imports none of its rows; malformed quoting refuses the file.
    """
    settings = settings_of(ctx)
    with ledger_of(settings) as ledger:
        report = import_csv(csv_file, ledger, encoding=encoding)
    moved = report.documents_moved
    rejected = [{"line": p.line, "reasons": list(p.reasons)} for p in report.rejected]
    if as_json:
        print_json_line(
            {
                "inserted": report.inserted,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "merged": len(report.merges),
                "documents_moved": moved,
                "rejected": rejected,
                "encoding": report.encoding,
                "warnings": report.warnings,
            }
        )
        return
    console.print(
        f"imported: {report.inserted} new, {report.updated} updated, {report.unchanged} unchanged; "
        f"{len(report.merges)} merged ({moved} document(s) moved); {len(rejected)} rejected"
    )
    for warning in report.warnings:
        err_console.print(shown(f"warning: {warning}"))
    for problem in sorted(report.rejected, key=lambda p: p.line):
        err_console.print(shown(f"line {problem.line}: {'; '.join(problem.reasons)}"))
