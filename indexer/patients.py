"""The patient master list: CSV import (validated, upsert by MRN) and loading for the matcher."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from chartfile.errors import UsageError
from chartfile.ledger.db import transaction, utcnow
from chartfile.ledger.models import Patient
from chartfile.matching import PatientIndex
from chartfile.records import PatientRecord

COLUMNS = (
    "mrn",
    "last_name",
    "first_name",
    "middle_name",
    "dob",
    "sex",
    "phone",
    "address",
    "city",
    "state",
    "zip",
)
REQUIRED = ("mrn", "last_name", "first_name", "dob")
MERGED_INTO = "merged_into"  # optional: this row's MRN was merged into that one (EHR merge exports)


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A rejected CSV row: its line number and why (never the row's values: they are PHI)."""

    line: int
    reasons: tuple[str, ...]


@dataclass(slots=True)
class ImportReport:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    merges: list[tuple[int, str, str]] = field(default_factory=list)  # (line, old MRN, new MRN) to apply


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for every data row; a missing required column is a usage error."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as e:
        raise UsageError(f"cannot open {path} ({e.strerror})", hint="check the path") from e
    with handle:
        reader = csv.DictReader(handle)
        header = [name.strip().lower() for name in reader.fieldnames or []]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise UsageError(
                f"{path}: header lacks column(s) {', '.join(missing)}",
                hint="the header must be " + ",".join(COLUMNS),
            )
        reader.fieldnames = header
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}


def validate_row(row: dict[str, str]) -> tuple[Patient | None, tuple[str, ...]]:
    """A Patient for a valid row, else the reasons it is not valid (pure)."""
    reasons = [f"{name} is empty" for name in REQUIRED if not row.get(name)]
    dob = _parse_dob(row.get("dob", ""))
    if row.get("dob") and dob is None:
        reasons.append("dob is not a real date in YYYY-MM-DD form")
    if dob is not None and not dt.date(1880, 1, 1) <= dob <= dt.date.today():
        reasons.append("dob is outside 1880 to today")
    if len(row.get("mrn", "")) > 64:
        reasons.append("mrn is longer than 64 characters")
    if row.get(MERGED_INTO) and row.get(MERGED_INTO) == row.get("mrn"):
        reasons.append("merged_into is the row's own mrn")
    if reasons or dob is None:
        return None, tuple(reasons)
    values = {name: row.get(name, "") for name in COLUMNS if name != "dob"}
    return Patient(**values, dob=dob, updated_at=utcnow()), ()


def _parse_dob(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def import_csv(path: Path, sessions: sessionmaker[Session]) -> ImportReport:
    """Upsert every valid row by MRN in one transaction; invalid rows are reported, not imported."""
    report = ImportReport()
    with transaction(sessions) as session:
        existing = {p.mrn: p for p in session.scalars(select(Patient))}
        for line, row in read_rows(path):
            patient, reasons = validate_row(row)
            if patient is None:
                report.rejected.append(RowProblem(line, reasons))
                continue
            present = tuple(name for name in COLUMNS if name in row)
            _upsert(session, existing, patient, present, report)
            target = row.get(MERGED_INTO, "")
            if target and existing[patient.mrn].merged_into != target:
                report.merges.append((line, patient.mrn, target))
    return report


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


def load_records(session: Session) -> list[PatientRecord]:
    rows = session.execute(
        select(
            Patient.mrn,
            Patient.last_name,
            Patient.first_name,
            Patient.middle_name,
            Patient.dob,
            Patient.sex,
            Patient.address,
        ).where(Patient.merged_into.is_(None))  # a merged record's documents now belong to the one kept
    )
    return [PatientRecord(*row) for row in rows]


class PatientCache:
    """The matcher's index, built once and rebuilt only when the patient table changes."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._lock = threading.Lock()
        self._version: tuple[int, object] | None = None
        self._index: PatientIndex | None = None

    def get(self) -> PatientIndex:
        with self._lock, transaction(self._sessions) as session:
            count, newest = session.execute(select(func.count(), func.max(Patient.updated_at))).one()
            if self._index is None or (count, newest) != self._version:
                self._index = PatientIndex.from_records(load_records(session))
                self._version = (count, newest)
                gc.freeze()  # a million long-lived records: keep full collections from scanning them
            return self._index
