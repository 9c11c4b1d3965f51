"""The clerk's decisions on a filed or queued document: assign, reject, re-file, merge patients.

Each decision is one ledger unit of work: the stored PDF is written anew under its new name (verified),
then the row, its duplicates and an audit row with before/after are committed; only then is the old file
removed. A failed commit removes the new file again: the store holds no orphans and loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chartfile.errors import UsageError
from chartfile.ledger import Ledger
from chartfile.ledger.documents import move_stored, snapshot
from chartfile.ledger.models import Document, Patient
from chartfile.records import Status

QUEUED = (Status.REVIEW, Status.UNMATCHED)


@dataclass(frozen=True, slots=True)
class Decision:
    """One document changed by a clerk: its state before and after."""

    document_id: int
    action: str
    before: dict[str, Any]
    after: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.document_id, "action": self.action, "before": self.before, "after": self.after}


def document_for(session: Session, document_id: int, *, allowed: tuple[Status, ...], verb: str) -> Document:
    """The document, if it exists and its status allows `verb`; else a usage error saying why."""
    doc = session.get(Document, document_id, with_for_update=True)
    if doc is None:
        raise UsageError(f"no document with id {document_id}", hint="see `chartfile documents list`")
    if doc.status not in allowed:
        names = ", ".join(s.value for s in allowed)
        raise UsageError(
            f"document {document_id} is {doc.status}: only {names} documents can be {verb}",
            hint="see `chartfile documents show ID` and `chartfile audit --document ID`",
        )
    return doc


def patient_for(session: Session, mrn: str) -> Patient:
    """A current patient; an unknown or merged MRN is a usage error (the MRN is not repeated)."""
    patient = session.get(Patient, mrn)
    if patient is None:
        raise UsageError(
            "no patient with that MRN",
            hint="check the MRN; `chartfile patients import FILE.csv` adds patients",
        )
    if patient.merged_into:
        raise UsageError(
            "that MRN was merged into another patient",
            hint="use the MRN it was merged into (`chartfile audit` shows the merge)",
        )
    return patient


def _decide(
    ledger: Ledger,
    document_id: int,
    *,
    action: str,
    allowed: tuple[Status, ...],
    status: Status,
    mrn: str | None,
    reason: str,
) -> Decision:
    with ledger.unit() as unit:
        doc = document_for(unit.session, document_id, allowed=allowed, verb=action)
        if mrn is not None:
            patient_for(unit.session, mrn)
        if mrn is not None and doc.status == Status.FILED.value and doc.patient_mrn == mrn:
            raise UsageError(f"document {document_id} is filed to that patient already", hint="nothing to do")
        before = snapshot(doc)
        move_stored(unit, doc, status=status, mrn=mrn)
        after = snapshot(doc)
        unit.audit(action, document_id, before=before, after=after, reason=reason)
    return Decision(document_id, action, before, after)


def assign(ledger: Ledger, document_id: int, mrn: str, *, reason: str) -> Decision:
    """File a review or unmatched document to the patient with `mrn`."""
    return _decide(
        ledger, document_id, action="assigned", allowed=QUEUED, status=Status.FILED, mrn=mrn, reason=reason
    )


def reject(ledger: Ledger, document_id: int, *, reason: str) -> Decision:
    """Not a patient document (misdirected fax, junk): status rejected, kept under store/rejected/."""
    return _decide(
        ledger,
        document_id,
        action="rejected",
        allowed=(*QUEUED, Status.QUARANTINED),
        status=Status.REJECTED,
        mrn=None,
        reason=reason,
    )


def refile(ledger: Ledger, document_id: int, mrn: str, *, reason: str) -> Decision:
    """Move a filed document to another patient."""
    return _decide(
        ledger,
        document_id,
        action="refiled",
        allowed=(Status.FILED,),
        status=Status.FILED,
        mrn=mrn,
        reason=reason,
    )


def merge_patients(ledger: Ledger, old_mrn: str, new_mrn: str, *, reason: str) -> list[Decision]:
    """Move every document of `old_mrn` to `new_mrn`; the old record stays, marked merged (not matched)."""
    if old_mrn == new_mrn:
        raise UsageError("the two MRNs are the same", hint="name the old MRN first, then the one to keep")
    decisions = []
    with ledger.unit() as unit:
        old, _ = patient_for(unit.session, old_mrn), patient_for(unit.session, new_mrn)
        query = (
            select(Document)
            .where(Document.patient_mrn == old_mrn, Document.status == Status.FILED.value)
            .order_by(Document.id)
        )
        for doc in unit.session.scalars(query):
            before = snapshot(doc)
            move_stored(unit, doc, status=Status.FILED, mrn=new_mrn, merged=True)
            unit.audit("merged", doc.id, before=before, after=snapshot(doc), reason=reason)
            decisions.append(Decision(doc.id, "merged", before, snapshot(doc)))
        old.merged_into = new_mrn
        old.updated_at = unit.now  # the matcher's cache reloads without the old record
        ids = [d.document_id for d in decisions]
        unit.audit("patient-merged", None, old_mrn=old_mrn, new_mrn=new_mrn, documents=ids, reason=reason)
    return decisions
