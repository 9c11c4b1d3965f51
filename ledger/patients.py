"""The patient master list as the matcher reads it: current records, and a version that changes with them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chartfile.ledger.models import Patient
from chartfile.records import PatientRecord


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
            Patient.phone,
            Patient.zip,
        ).where(Patient.merged_into.is_(None))  # a merged record's documents now belong to the one kept
    )
    return [PatientRecord(*row) for row in rows]


def patients_version(session: Session) -> tuple[int, object]:
    """(row count, newest change): differs whenever a patient is added, changed or merged."""
    count, newest = session.execute(select(func.count(), func.max(Patient.updated_at))).one()
    return int(count), newest
