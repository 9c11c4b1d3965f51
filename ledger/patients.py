"""The patient master list: current records as the matcher reads them, a version that changes with them,
and the EHR's news about one patient applied in time order (a late or re-imported older message never
overwrites newer data)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chartfile.ledger.models import Patient
from chartfile.records import PatientRecord, PatientUpdate


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


FIELDS = ("last_name", "first_name", "middle_name", "dob", "sex", "phone", "address", "city", "state", "zip")
NEEDED_TO_ADD = ("last_name", "first_name", "dob")


def apply_update(session: Session, update: PatientUpdate, *, now: dt.datetime) -> tuple[str, tuple[str, ...]]:
    """Upsert one patient from the EHR unless the stored record is newer; (what happened, fields changed).

    What happened: inserted, updated, unchanged, stale (older than what is stored: not applied) or
    incomplete (a new MRN without a name and birth date). A record's source time only moves forward.
    """
    new = update.patient
    current = session.get(Patient, new.mrn, with_for_update=True)
    if current is None:
        if any(not getattr(new, name) for name in NEEDED_TO_ADD):
            return "incomplete", ()
        values = {name: getattr(new, name) for name in FIELDS}
        session.add(Patient(mrn=new.mrn, **values, updated_at=now, source_time=update.source_time))
        return "inserted", FIELDS
    if is_stale(current.source_time, update.source_time):
        return "stale", ()
    changed = tuple(
        name
        for name in FIELDS
        if name in update.present
        and getattr(current, name) != getattr(new, name)
        and not (name == "dob" and new.dob is None)
    )
    for name in changed:
        setattr(current, name, getattr(new, name))
    if update.source_time is not None:
        current.source_time = update.source_time
    if changed:
        current.updated_at = now  # the matcher's cache reloads
    return ("updated" if changed else "unchanged"), changed


def is_stale(stored: dt.datetime | None, incoming: dt.datetime | None) -> bool:
    """News older than what is stored (or of unknown time, when the stored record's time is known)."""
    if stored is None:
        return False
    return incoming is None or _utc(incoming) < _utc(stored)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
