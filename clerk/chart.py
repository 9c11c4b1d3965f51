"""A patient's chart (their documents by date and type) and finding a patient on the master list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, or_, select

from chartfile.clerk.desk import patient_facts
from chartfile.errors import UsageError
from chartfile.ledger import Ledger
from chartfile.ledger.documents import as_utc
from chartfile.ledger.models import Document, Patient
from chartfile.records import Status

MAX_FOUND = 25


def patient_chart(ledger: Ledger, mrn: str, *, via: str) -> dict[str, Any]:
    """The patient's record and their filed documents, newest first by document date (received date when
    undated), with counts per type. The view is audited."""
    with ledger.unit() as unit:
        patient = unit.session.get(Patient, mrn)
        if patient is None:
            raise UsageError("no patient with that MRN", hint="search the patient list by name or birth date")
        docs = list(
            unit.session.scalars(
                select(Document).where(Document.patient_mrn == mrn, Document.status == Status.FILED.value)
            )
        )
        docs.sort(key=_day, reverse=True)
        types: dict[str, int] = {}
        for doc in docs:
            types[doc.doc_type or "unknown"] = types.get(doc.doc_type or "unknown", 0) + 1
        unit.audit("viewed-chart", None, mrn=mrn, command=via, documents=[d.id for d in docs])
        return {
            "patient": patient_facts(patient),
            "documents": [_entry(doc) for doc in docs],
            "types": types,
        }


def _day(doc: Document) -> dt.date:
    return doc.doc_date or as_utc(doc.received_at).date()


def _entry(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "date": _day(doc).isoformat(),
        "dated": doc.doc_date is not None,
        "doc_type": doc.doc_type or "unknown",
        "source_name": doc.source_name,
        "page_count": doc.page_count,
    }


def find_patients(
    ledger: Ledger, *, name: str = "", dob: dt.date | None = None, mrn: str = "", via: str
) -> list[dict[str, str]]:
    """Current patients whose name words, birth date and MRN all fit what was given (at most 25); the
    look-up is audited with the MRNs it showed."""
    query = select(Patient).where(Patient.merged_into.is_(None))
    for word in name.replace(",", " ").split():
        key = word.casefold()
        query = query.where(
            or_(
                func.lower(Patient.last_name).contains(key, autoescape=True),
                func.lower(Patient.first_name).contains(key, autoescape=True),
            )
        )
    if dob is not None:
        query = query.where(Patient.dob == dob)
    if mrn.strip():
        query = query.where(Patient.mrn.startswith(mrn.strip(), autoescape=True))
    if not (name.strip() or dob or mrn.strip()):
        return []
    with ledger.unit() as unit:
        ordered = query.order_by(Patient.last_name, Patient.first_name).limit(MAX_FOUND)
        found = [patient_facts(p) for p in unit.session.scalars(ordered)]
        unit.audit("searched-patients", None, command=via, shown=[p["mrn"] for p in found])
        return found
