"""The clerk's decisions on a filed or queued document: assign, reject, re-file, merge patients.

Each decision moves the stored PDF (written anew under its new name, verified, then the row, its
duplicates and an audit row with before/after are committed in one transaction; only then is the old file
removed). A failed commit removes the new file again: the store holds no orphans and loses nothing.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from chartfile.errors import UsageError
from chartfile.ledger.db import audit, transaction
from chartfile.ledger.models import Document, Patient
from chartfile.ledger.pdfmeta import PdfIndex, write_with_metadata
from chartfile.ledger.store import FileStore, StoreLayout
from chartfile.records import Status

QUEUED = (Status.REVIEW, Status.UNMATCHED)


@dataclass(frozen=True, slots=True)
class Clerk:
    """What a decision needs: sessions, the store and its layout, a scratch folder."""

    sessions: sessionmaker[Session]
    store: FileStore
    layout: StoreLayout
    scratch: Path


@dataclass(frozen=True, slots=True)
class Decision:
    """One document changed by a clerk: its state before and after."""

    document_id: int
    action: str
    before: dict[str, Any]
    after: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.document_id, "action": self.action, "before": self.before, "after": self.after}


class StoreChanges:
    """The store files one transaction writes: undone if it fails, superseded files removed after it."""

    def __init__(self, store: FileStore, scratch: Path) -> None:
        self.store = store
        self.scratch = scratch
        self._written: list[tuple[Path, Path | None]] = []  # (file, backup of what it replaced)
        self._superseded: list[Path] = []

    def place(self, src: Path, dst: Path) -> str:
        """Write `src` at `dst` durably and verified; returns its SHA-256."""
        backup = None
        if dst.exists():
            backup = self.scratch / f"backup-{len(self._written)}{dst.suffix}"
            shutil.copy2(dst, backup)
        sha256 = self.store.put(src, dst)
        self._written.append((dst, backup))
        return sha256

    def supersede(self, path: Path | None) -> None:
        """Remove `path` once the transaction has committed (unless it was written anew)."""
        if path is not None:
            self._superseded.append(path)

    def undo(self) -> None:
        for path, backup in reversed(self._written):
            if backup is None:
                self.store.remove(path)
            else:
                self.store.put(backup, path)

    def finish(self) -> None:
        written = {path for path, _ in self._written}
        for path in self._superseded:
            if path not in written:
                self.store.remove(path)


@contextmanager
def store_changes(store: FileStore, scratch_root: Path) -> Iterator[StoreChanges]:
    """Open the transaction inside this block: a failed commit undoes the files written for it."""
    scratch_root.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.TemporaryDirectory(dir=scratch_root, prefix="clerk-") as scratch:
        changes = StoreChanges(store, Path(scratch))
        try:
            yield changes
        except BaseException:
            changes.undo()
            raise
        changes.finish()


def snapshot(doc: Document) -> dict[str, Any]:
    return {"status": doc.status, "mrn": doc.patient_mrn, "stored_path": doc.stored_path}


def received_day(doc: Document) -> dt.date:
    """The day (UTC) the document was received: the store's review/unmatched folders are by this day."""
    received = doc.received_at
    return (received.astimezone(dt.UTC) if received.tzinfo else received).date()


def relocate(
    session: Session,
    changes: StoreChanges,
    layout: StoreLayout,
    doc: Document,
    *,
    status: Status,
    mrn: str | None,
) -> None:
    """Give `doc` a new status and patient; its stored PDF moves and its metadata names the patient."""
    if doc.stored_path:
        target = layout.document_path(
            doc.id,
            status=status,
            mrn=mrn,
            doc_date=doc.doc_date,
            doc_type=doc.doc_type or "other",
            received=received_day(doc),
        )
        index = PdfIndex(doc.id, doc.doc_type or "other", doc.doc_date, mrn)
        stamped = write_with_metadata(Path(doc.stored_path), changes.scratch / f"{doc.id:06d}.pdf", index)
        doc.stored_sha256 = changes.place(stamped, target)
        changes.supersede(Path(doc.stored_path))
        doc.stored_path = str(target)
    doc.status, doc.patient_mrn = status.value, mrn
    follow_duplicates(session, doc)


def follow_duplicates(session: Session, doc: Document) -> None:
    """Rows recorded as duplicates of `doc` point at its stored file and patient."""
    session.execute(
        update(Document)
        .where(Document.duplicate_of == doc.id)
        .values(stored_path=doc.stored_path, patient_mrn=doc.patient_mrn)
    )


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
    clerk: Clerk,
    document_id: int,
    *,
    action: str,
    allowed: tuple[Status, ...],
    status: Status,
    mrn: str | None,
    reason: str,
) -> Decision:
    with store_changes(clerk.store, clerk.scratch) as changes, transaction(clerk.sessions) as session:
        doc = document_for(session, document_id, allowed=allowed, verb=action)
        if mrn is not None:
            patient_for(session, mrn)
        if mrn is not None and doc.status == Status.FILED.value and doc.patient_mrn == mrn:
            raise UsageError(f"document {document_id} is filed to that patient already", hint="nothing to do")
        before = snapshot(doc)
        relocate(session, changes, clerk.layout, doc, status=status, mrn=mrn)
        after = snapshot(doc)
        audit(session, action, document_id, before=before, after=after, reason=reason)
    return Decision(document_id, action, before, after)


def assign(clerk: Clerk, document_id: int, mrn: str, *, reason: str) -> Decision:
    """File a review or unmatched document to the patient with `mrn`."""
    return _decide(
        clerk, document_id, action="assigned", allowed=QUEUED, status=Status.FILED, mrn=mrn, reason=reason
    )


def reject(clerk: Clerk, document_id: int, *, reason: str) -> Decision:
    """Not a patient document (misdirected fax, junk): status rejected, kept under store/rejected/."""
    return _decide(
        clerk,
        document_id,
        action="rejected",
        allowed=(*QUEUED, Status.QUARANTINED),
        status=Status.REJECTED,
        mrn=None,
        reason=reason,
    )


def refile(clerk: Clerk, document_id: int, mrn: str, *, reason: str) -> Decision:
    """Move a filed document to another patient."""
    return _decide(
        clerk,
        document_id,
        action="refiled",
        allowed=(Status.FILED,),
        status=Status.FILED,
        mrn=mrn,
        reason=reason,
    )


def merge_patients(clerk: Clerk, old_mrn: str, new_mrn: str, *, reason: str) -> list[Decision]:
    """Move every document of `old_mrn` to `new_mrn`; the old record stays, marked merged (not matched)."""
    if old_mrn == new_mrn:
        raise UsageError("the two MRNs are the same", hint="name the old MRN first, then the one to keep")
    decisions = []
    with store_changes(clerk.store, clerk.scratch) as changes, transaction(clerk.sessions) as session:
        old, _ = patient_for(session, old_mrn), patient_for(session, new_mrn)
        query = (
            select(Document)
            .where(Document.patient_mrn == old_mrn, Document.status == Status.FILED.value)
            .order_by(Document.id)
        )
        for doc in session.scalars(query):
            before = snapshot(doc)
            relocate(session, changes, clerk.layout, doc, status=Status.FILED, mrn=new_mrn)
            audit(session, "merged", doc.id, before=before, after=snapshot(doc), reason=reason)
            decisions.append(Decision(doc.id, "merged", before, snapshot(doc)))
        old.merged_into = new_mrn
        old.updated_at = dt.datetime.now(dt.UTC)  # the matcher's cache reloads without the old record
        ids = [d.document_id for d in decisions]
        audit(session, "patient-merged", None, old_mrn=old_mrn, new_mrn=new_mrn, documents=ids, reason=reason)
    return decisions
