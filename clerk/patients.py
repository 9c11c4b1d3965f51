"""The patient master list from the EHR: CSV import (validated, upsert by MRN), and the merges it names."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from chartfile.clerk.decisions import merge_patients
from chartfile.errors import UsageError, explain
from chartfile.indexer.patients import (
    PatientCsv,
    RowProblem,
    open_csv,
    spans_lines,
    validate_row,
)
from chartfile.ledger import Ledger
from chartfile.ledger.models import Patient
from chartfile.records import MERGED_INTO, PATIENT_COLUMNS


@dataclass(slots=True)
class ImportReport:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    merges: list[tuple[int, str, str]] = field(default_factory=list)  # (line, old MRN, new MRN) applied
    documents_moved: int = 0
    encoding: str = "utf-8"
    warnings: list[str] = field(default_factory=list)  # the file's encoding guessed, repeated rows


def import_csv(path: Path, ledger: Ledger, *, encoding: str | None = None) -> ImportReport:
    """Upsert every valid row by MRN in one transaction; invalid rows are reported, not imported.

    An MRN on several rows with different values is imported from none of them (each line reported);
    a row repeated exactly is imported once. Then each `merged_into` row's record is merged into its
    target (documents move, audited); a merge that cannot be made is reported by its line.
    """
    sheet = open_csv(path, encoding=encoding)
    report = ImportReport(encoding=sheet.encoding, warnings=list(sheet.warnings))
    skip = _repeated_mrns(sheet, report)
    with ledger.unit() as unit:
        session = unit.session
        existing = {p.mrn: p for p in session.scalars(select(Patient))}
        for line, row in sheet.rows():
            if line in skip:
                continue
            patient, reasons = validate_row(row, now=unit.now)
            if patient is None or spans_lines(row):
                report.rejected.append(RowProblem(line, reasons or (_SPANS,)))
                continue
            present = tuple(name for name in PATIENT_COLUMNS if name in row)
            _upsert(session, existing, patient, present, report)
            target = row.get(MERGED_INTO, "")
            if target and existing[patient.mrn].merged_into != target:
                report.merges.append((line, patient.mrn, target))
    report.documents_moved = _apply_merges(report, ledger, path)
    return report


_SPANS = "a value runs over several lines: a double quote left open? the lines it swallowed were not read"


def _repeated_mrns(sheet: PatientCsv, report: ImportReport) -> set[int]:
    """Lines not to import: every row of an MRN repeated with other values (rejected, each naming the
    others' lines), and exact repeats after the first (a warning)."""
    seen: dict[str, list[tuple[int, tuple[tuple[str, str], ...]]]] = defaultdict(list)
    for line, row in sheet.rows():
        if row.get("mrn"):
            seen[row["mrn"]].append((line, tuple(sorted(row.items()))))
    skip: set[int] = set()
    for rows in seen.values():
        if len(rows) < 2:
            continue
        lines = [line for line, _ in rows]
        if len({values for _, values in rows}) == 1:
            skip.update(lines[1:])
            report.warnings += [
                f"line {line}: the same row as line {lines[0]}; imported once" for line in lines[1:]
            ]
            continue
        skip.update(lines)
        for line in lines:
            others = ", ".join(str(other) for other in lines if other != line)
            why = f"mrn is repeated on line(s) {others} with other values: none of these rows is imported"
            report.rejected.append(RowProblem(line, (why,)))
    return skip


def _apply_merges(report: ImportReport, ledger: Ledger, source: Path) -> int:
    """Merge each `merged_into` row's record into its target; a failed merge is reported by line."""
    moved, applied = 0, []
    for line, old_mrn, new_mrn in report.merges:
        try:
            made = merge_patients(
                ledger, old_mrn, new_mrn, reason=f"patient list import ({source.name}, line {line})"
            )
        except UsageError as e:
            report.rejected.append(RowProblem(line, (f"{MERGED_INTO}: {explain(e).message}",)))
            continue
        moved += len(made)
        applied.append((line, old_mrn, new_mrn))
    report.merges = applied
    return moved


def _upsert(
    session: Session,
    existing: dict[str, Patient],
    patient: Patient,
    present: tuple[str, ...],
    report: ImportReport,
) -> None:
    """Insert, or update only the columns the file has (a missing column keeps what is stored)."""
    current = existing.get(patient.mrn)
    if current is None:
        session.add(patient)
        existing[patient.mrn] = patient
        report.inserted += 1
        return
    changed = [n for n in present if getattr(current, n) != getattr(patient, n)]
    for name in changed:
        setattr(current, name, getattr(patient, name))
    if changed:
        current.updated_at = patient.updated_at
        report.updated += 1
    else:
        report.unchanged += 1
