"""`chartfile patients ...`: import the patient master list."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chartfile.commands.common import console, err_console, ledger_of, print_json_line, settings_of, shown
from chartfile.errors import UsageError
from chartfile.records import MERGED_INTO, PATIENT_COLUMNS

if TYPE_CHECKING:
    from chartfile.settings import Settings

app = typer.Typer(help="Manage the patient master list.", no_args_is_help=True)


@app.command("import")
def import_command(
    ctx: typer.Context,
    csv_file: Annotated[
        Path | None,
        typer.Argument(
            metavar="FILE.csv",
            help="CSV with header: " + ",".join(PATIENT_COLUMNS) + f" (optional {MERGED_INTO}: the MRN this "
            "record was merged into; its documents move there, audited)",
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            help="The CSV file's encoding (default: found: UTF-8, UTF-8 or UTF-16 with a BOM, else "
            "Windows-1252 with a warning)."
        ),
    ] = None,
    fhir: Annotated[
        Path | None,
        typer.Option(
            "--fhir",
            metavar="FILE.json",
            help="A FHIR R4 Bundle of Patient resources instead of a CSV (MRN: the identifier with the "
            "system ehr.mrn_system; link replaced-by: a merge). Older than what is stored: not applied.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
) -> None:
    """Import or update patients from a CSV file or a FHIR Bundle (upsert by MRN). Invalid rows or
    entries are reported and skipped.

    In a CSV, an MRN repeated with other values imports none of its rows; malformed quoting refuses the
    file.
    """
    settings = settings_of(ctx)
    if (csv_file is None) == (fhir is None):
        raise UsageError(
            "give either FILE.csv or --fhir FILE.json", hint="see `chartfile patients import --help`"
        )
    if fhir is not None:
        _import_fhir(fhir, settings, as_json=as_json)
    else:
        assert csv_file is not None
        _import_csv(csv_file, settings, encoding=encoding, as_json=as_json)


def _import_csv(path: Path, settings: Settings, *, encoding: str | None, as_json: bool) -> None:
    from chartfile.clerk.patients import import_csv  # noqa: PLC0415 - imported here: start-up is faster

    with ledger_of(settings) as ledger:
        report = import_csv(path, ledger, encoding=encoding)
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


def _import_fhir(path: Path, settings: Settings, *, as_json: bool) -> None:
    from chartfile.clerk.master_list import apply_updates  # noqa: PLC0415
    from chartfile.ehr.fhir_patients import read_bundle  # noqa: PLC0415 - fhir.resources: ~90 ms

    found = read_bundle(path, mrn_system=settings.ehr.mrn_system)
    with ledger_of(settings) as ledger:
        report = apply_updates(ledger, found.updates)
    results = ("inserted", "updated", "unchanged", "stale", "incomplete")
    counts = {name: report.count(name) for name in results}
    rejected = [{"entry": p.entry, "reasons": [p.reason]} for p in found.problems]
    rejected += [
        {"entry": None, "reasons": [f"merge: {a.merge}"]}
        for a in report.applied
        if a.merge.startswith("not merged")
    ]
    summary: dict[str, object] = dict(counts)
    summary |= {"merged": report.merges, "documents_moved": report.documents_moved}
    summary |= {"skipped": found.skipped, "rejected": rejected}
    if as_json:
        print_json_line(summary)
        return
    console.print(
        f"imported: {counts['inserted']} new, {counts['updated']} updated, {counts['unchanged']} unchanged, "
        f"{counts['stale']} older than stored (not applied); {report.merges} merged "
        f"({report.documents_moved} document(s) moved); {len(rejected)} rejected"
    )
    for problem in found.problems:
        err_console.print(shown(f"entry {problem.entry}: {problem.reason}"))
    for applied in report.applied:
        if applied.result == "incomplete":
            err_console.print("an entry for a new patient lacks a name or birth date: not added")
