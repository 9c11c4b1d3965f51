"""`chartfile patients ...`: import the patient master list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chartfile.commands.common import console, database, err_console, print_json_line, settings_of
from chartfile.indexer.patients import COLUMNS, import_csv

app = typer.Typer(help="Manage the patient master list.", no_args_is_help=True)


@app.command("import")
def import_command(
    ctx: typer.Context,
    csv_file: Annotated[
        Path, typer.Argument(metavar="FILE.csv", help="CSV with header: " + ",".join(COLUMNS))
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
) -> None:
    """Import or update patients from a CSV file (upsert by MRN). Invalid rows are reported and skipped."""
    with database(settings_of(ctx)) as sessions:
        report = import_csv(csv_file, sessions)
    rejected = [{"line": p.line, "reasons": list(p.reasons)} for p in report.rejected]
    if as_json:
        print_json_line(
            {
                "inserted": report.inserted,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "rejected": rejected,
            }
        )
        return
    console.print(
        f"imported: {report.inserted} new, {report.updated} updated, {report.unchanged} unchanged; "
        f"{len(rejected)} rejected"
    )
    for problem in report.rejected:
        err_console.print(f"line {problem.line}: {'; '.join(problem.reasons)}", highlight=False)
