"""`chartfile patients ...`: import the patient master list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chartfile.commands.common import console, database, err_console, print_json_line, settings_of
from chartfile.commands.review import clerk_of
from chartfile.errors import UsageError
from chartfile.indexer import decisions
from chartfile.indexer.patients import COLUMNS, MERGED_INTO, ImportReport, RowProblem, import_csv

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
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
) -> None:
    """Import or update patients from a CSV file (upsert by MRN). Invalid rows are reported and skipped."""
    settings = settings_of(ctx)
    with database(settings) as sessions:
        report = import_csv(csv_file, sessions)
        moved = _apply_merges(report, clerk_of(settings, sessions), csv_file)
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
            }
        )
        return
    console.print(
        f"imported: {report.inserted} new, {report.updated} updated, {report.unchanged} unchanged; "
        f"{len(report.merges)} merged ({moved} document(s) moved); {len(rejected)} rejected"
    )
    for problem in report.rejected:
        err_console.print(f"line {problem.line}: {'; '.join(problem.reasons)}", highlight=False)


def _apply_merges(report: ImportReport, clerk: decisions.Clerk, source: Path) -> int:
    """Merge each `merged_into` row's record into its target; a failed merge is reported by line."""
    moved, applied = 0, []
    for line, old_mrn, new_mrn in report.merges:
        try:
            made = decisions.merge_patients(
                clerk, old_mrn, new_mrn, reason=f"patient list import ({source.name}, line {line})"
            )
        except UsageError as e:
            report.rejected.append(RowProblem(line, (f"{MERGED_INTO}: {e.message}",)))
            continue
        moved += len(made)
        applied.append((line, old_mrn, new_mrn))
    report.merges = applied
    return moved
