"""One document at the review desk: the side-by-side check of what the document printed against each
candidate on the patient list, field by field (agrees / differs / missing, with the reason).

The verdict is read from the matcher's own comparison levels kept with each candidate (a level whose
weight is for the match agrees, against it differs, `null` is missing), so the desk says exactly what the
matcher weighed. Viewing the desk is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chartfile.clerk.review import identity_context
from chartfile.errors import UsageError
from chartfile.ledger import Ledger
from chartfile.ledger.models import Document, Page, Patient
from chartfile.ledger.queries import document_summary
from chartfile.records import Role

# (field as the document reads it, the matcher's comparison, what a person calls it)
CHECKED = (
    ("last_name", "surname", "Last name"),
    ("first_name", "first_name", "First name"),
    ("dob", "dob", "Date of birth"),
    ("mrn", "mrn", "MRN"),
    ("phone", "phone", "Phone"),
    ("address", "address", "Address"),
)
LEVEL_WORDS = {
    "exact": "the same",
    "ocr": "the same but for letters OCR confuses",
    "ocr-confusable": "the same but for characters OCR confuses",
    "part": "one part of a compound surname",
    "nickname": "a nickname of the listed name",
    "initial": "an initial of the listed name",
    "close": "spelled nearly the same",
    "near": "spelled somewhat alike",
    "glyphs": "the same where OCR could read the digits",
    "day-month-swapped": "day and month swapped",
    "century": "the same but for the century",
    "one-digit": "one digit differs",
    "one-character": "one character differs",
    "other-format": "written in another MRN format",
    "zip": "the same ZIP code, another street",
    "else": "different",
}


@dataclass(frozen=True, slots=True)
class FieldCheck:
    """One field of the document against one candidate."""

    field: str
    label: str
    document: str
    patient: str
    verdict: str  # agrees, differs, missing
    reason: str


def field_checks(candidate: dict[str, Any], patient: dict[str, str]) -> list[FieldCheck]:
    """The document's reading against the patient's record, per field, with the matcher's level (pure)."""
    reading = candidate.get("reading") or {}
    levels = {f["field"]: f for f in candidate.get("fields", [])}
    checks = []
    for field, compared, label in CHECKED:
        doc_value, listed = reading.get(field) or "", patient.get(field, "")
        level = levels.get(compared)
        checks.append(FieldCheck(field, label, doc_value, listed, *_verdict(doc_value, listed, level)))
    return checks


def _verdict(doc_value: str, listed: str, level: dict[str, Any] | None) -> tuple[str, str]:
    if not doc_value:
        return "missing", "not read from the document"
    if not listed:
        return "missing", "not on the patient list"
    if level is None or level.get("level") == "null":
        return "missing", "not compared: one of the two is incomplete"
    words = LEVEL_WORDS.get(str(level["level"]), str(level["level"]))
    reason = f"{words} ({level['detail']})" if level.get("detail") else words
    return ("agrees" if float(level.get("weight", 0)) > 0 else "differs"), reason


def patient_facts(patient: Patient | None) -> dict[str, str]:
    """A listed patient's fields as the desk compares and shows them."""
    if patient is None:
        return {}
    address = ", ".join(p for p in (patient.address, patient.city, patient.state, patient.zip) if p)
    return {
        "last_name": patient.last_name,
        "first_name": patient.first_name,
        "dob": patient.dob.isoformat(),
        "mrn": patient.mrn,
        "phone": patient.phone,
        "address": address,
        "merged_into": patient.merged_into or "",
    }


def desk_detail(session: Session, doc: Document) -> dict[str, Any]:
    """Everything the desk shows for one document: candidates ranked, each with its field checks."""
    mrns = [c["mrn"] for c in doc.candidates]
    listed = {p.mrn: p for p in session.scalars(select(Patient).where(Patient.mrn.in_(mrns)))}
    candidates = []
    for rank, candidate in enumerate(doc.candidates, 1):
        facts = patient_facts(listed.get(candidate["mrn"]))
        checks = field_checks(candidate, facts)
        candidates.append(
            {
                "rank": rank,
                "mrn": candidate["mrn"],
                "score": candidate["score"],
                "patient": facts,
                "checks": checks,
                "evidence": candidate.get("evidence", []),
                "reading": candidate.get("reading") or {},
            }
        )
    pages = {p.number: p.text for p in session.scalars(select(Page).where(Page.document_id == doc.id))}
    filed_to = patient_facts(session.get(Patient, doc.patient_mrn)) if doc.patient_mrn else {}
    return document_summary(doc) | {
        "reasons": list(doc.reasons),
        "notes": list(doc.extraction.get("notes", [])),
        "candidates": candidates,
        "identities": identity_context(doc.extraction, pages),
        "reading": printed_identity(doc),
        "filed_to": filed_to,
        "parent_id": doc.parent_id,
    }


def printed_identity(doc: Document) -> dict[str, Any]:
    """What the document printed as its patient's identity: the best candidate's reading when it was read
    in a field of the patient's own (or an unlabelled one); else the first identity the extractor read
    from the patient's fields; else a candidate read only in someone else's field (a guarantor who is
    also a patient is not who the document is about). A document that names more than one patient (a
    second patient's pages sent with the first's) is about the patient its earliest page names: that
    reading is shown, a candidate's or, for someone not on the list, the extractor's."""
    readings = [dict(c["reading"]) for c in doc.candidates if c.get("reading")]
    own = [r for r in readings if r.get("role") != Role.OTHER.value]
    identities = [_identity_fields(i) for i in doc.extraction.get("identities") or []]
    if doc.extraction.get("possibly_multiple_patients"):
        named = own + [i for i in identities if i.get("last_name") and i.get("role") != Role.OTHER.value]
        if named:
            return min(named, key=_page)  # the first of the earliest page's, candidates before the rest
    if own:
        return own[0]
    if not identities:
        return readings[0] if readings else {}
    return identities[0]


_KEPT = ("last_name", "first_name", "dob", "mrn", "phone", "address", "page", "role")


def _identity_fields(identity: dict[str, Any]) -> dict[str, Any]:
    return {key: None if identity.get(key) is None else str(identity.get(key)) for key in _KEPT}


def _page(reading: dict[str, Any]) -> int:
    page = str(reading.get("page") or "")
    return int(page) if page.isdigit() else 1_000_000  # a reading without a page comes last


def open_desk(ledger: Ledger, document_id: int, *, via: str) -> dict[str, Any]:
    """The desk's view of one document; the view is audited (`via`: which screen)."""
    with ledger.unit() as unit:
        doc = unit.session.get(Document, document_id)
        if doc is None:
            raise UsageError(f"no document with id {document_id}", hint="see the review queue")
        detail = desk_detail(unit.session, doc)
        unit.audit("viewed", document_id, command=via)
    return detail
