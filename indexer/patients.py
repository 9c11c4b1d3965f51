"""The patient master list's file format (the EHR's CSV export): its columns, and each row read and
validated into a patient row (pure: the time is given; problems are named by line, never by value)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from chartfile.errors import UsageError
from chartfile.indexer.csvtext import decode
from chartfile.ledger.models import Patient
from chartfile.records import MERGED_INTO, PATIENT_COLUMNS

REQUIRED = ("mrn", "last_name", "first_name", "dob")


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A rejected CSV row: its line number and why (never the row's values: they are PHI)."""

    line: int
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PatientCsv:
    """A patient list read into text: its rows are read from it as often as the importer needs."""

    path: Path
    text: str = field(repr=False)
    encoding: str
    warnings: tuple[str, ...]

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, row) for every data row; a missing required column is a usage error, and so is
        malformed quoting (an unclosed quote would swallow the rows after it): nothing is imported."""
        reader = csv.DictReader(io.StringIO(self.text, newline=""), strict=True)
        try:
            header = [name.strip().lower() for name in reader.fieldnames or []]
        except csv.Error as e:
            raise _malformed(self.path, 1, 1, e) from e
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise UsageError(
                f"{self.path}: header lacks column(s) {', '.join(missing)}",
                hint="the header must be " + ",".join(PATIENT_COLUMNS),
            )
        reader.fieldnames = header
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                raise _malformed(self.path, start, reader.line_num, e) from e
            values = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
            yield start, values


def open_csv(path: Path, *, encoding: str | None = None) -> PatientCsv:
    """Read the file and decode it (the encoding given, else found: csvtext.decode)."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UsageError(f"cannot open {path} ({e.strerror})", hint="check the path") from e
    decoded = decode(path, data, encoding=encoding)
    return PatientCsv(path, decoded.text, decoded.encoding, (decoded.warning,) if decoded.warning else ())


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for every data row of a patient list (its encoding found)."""
    return open_csv(path).rows()


def spans_lines(row: dict[str, str]) -> bool:
    """A value with a line break in it: in a patient list, a quote left open that swallowed lines."""
    return any("\n" in value or "\r" in value for value in row.values())


def _malformed(path: Path, start: int, end: int, error: csv.Error) -> UsageError:
    where = f"line {start}" if start >= end else f"the row starting on line {start} (read up to line {end})"
    return UsageError(
        f"{path}: malformed quoting in {where}: {error}",
        hint="a value with a comma or a quote must be in double quotes, its own quotes doubled; "
        "fix that line and import again (nothing was imported)",
    )


def validate_row(row: dict[str, str], *, now: dt.datetime) -> tuple[Patient | None, tuple[str, ...]]:
    """A Patient for a valid row, else the reasons it is not valid (pure: the time is given)."""
    reasons = [f"{name} is empty" for name in REQUIRED if not row.get(name)]
    dob = _parse_dob(row.get("dob", ""))
    if row.get("dob") and dob is None:
        reasons.append("dob is not a real date in YYYY-MM-DD form")
    if dob is not None and not dt.date(1880, 1, 1) <= dob <= now.date():
        reasons.append("dob is outside 1880 to today")
    if len(row.get("mrn", "")) > 64:
        reasons.append("mrn is longer than 64 characters")
    if row.get(MERGED_INTO) and row.get(MERGED_INTO) == row.get("mrn"):
        reasons.append("merged_into is the row's own mrn")
    if reasons or dob is None:
        return None, tuple(reasons)
    values = {name: row.get(name, "") for name in PATIENT_COLUMNS if name != "dob"}
    return Patient(**values, dob=dob, updated_at=now), ()


def _parse_dob(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
