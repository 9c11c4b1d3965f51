"""Re-run recognize -> extract -> decide -> file for documents already processed, from their kept originals.

For after new patients were imported or the thresholds changed. The original is copied into a fresh work
folder under the same document id; the new outcome replaces the row, its pages and the stored PDF in one
transaction (audited `reprocessed`, before/after). The same inputs give the same outcome and path, so a
second run changes nothing and duplicates nothing. Documents a clerk decided are left alone unless asked.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from chartfile import matching
from chartfile.errors import InputError, UsageError
from chartfile.indexer.decisions import follow_duplicates, received_day, store_changes
from chartfile.indexer.filing import candidate_json, extraction_json, page_rows
from chartfile.indexer.review import as_utc
from chartfile.ingest.sniff import sniff
from chartfile.ledger import audit_queries, files
from chartfile.ledger.db import audit, transaction
from chartfile.ledger.models import Document, Intake, Page
from chartfile.ledger.pdfmeta import PdfIndex, write_with_metadata
from chartfile.ledger.store import StoreLayout
from chartfile.ocr.recognize import recognize
from chartfile.pipeline import Runtime
from chartfile.records import Extraction, IncomingFile, MatchDecision, OcrResult, Status

log = logging.getLogger(__name__)

DEFAULT_STATUSES = (Status.REVIEW, Status.UNMATCHED)
NEVER = (Status.DUPLICATE.value, Status.SPLIT.value)  # a duplicate has no outcome of its own; a split parent
# lives on in its children


@dataclass(frozen=True, slots=True)
class Selection:
    """Which documents to reprocess."""

    statuses: tuple[Status, ...] = DEFAULT_STATUSES
    since: dt.date | None = None
    until: dt.date | None = None
    ids: tuple[int, ...] = ()
    batch: Path | None = None  # an absolute folder: documents taken from it (or its subfolders)
    include_decided: bool = False


@dataclass(frozen=True, slots=True)
class Reprocessed:
    """What happened to one document: changed, unchanged, skipped (and why) or failed."""

    document_id: int
    outcome: str
    before: dict[str, Any]
    after: dict[str, Any]
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        found = {"id": self.document_id, "outcome": self.outcome, "before": self.before, "after": self.after}
        return found | ({"note": self.note} if self.note else {})


def select_documents(session: Session, selection: Selection) -> tuple[list[int], list[Reprocessed]]:
    """(ids to reprocess, oldest first; documents skipped with the reason)."""
    query = select(Document).order_by(Document.id)
    if selection.ids:
        query = query.where(Document.id.in_(selection.ids))
        known = set(session.scalars(select(Document.id).where(Document.id.in_(selection.ids))))
        missing = set(selection.ids) - known
        if missing:
            raise UsageError(f"no document with id {min(missing)}", hint="see `chartfile documents list`")
    else:
        query = query.where(Document.status.in_([s.value for s in selection.statuses]))
    if selection.since:
        query = query.where(Document.received_at >= dt.datetime.combine(selection.since, dt.time()))
    if selection.until:
        end = dt.datetime.combine(selection.until + dt.timedelta(days=1), dt.time())
        query = query.where(Document.received_at < end)
    if selection.batch is not None:
        taken_from = select(Intake.id).where(
            Intake.source_path.startswith(f"{selection.batch}{os.sep}", autoescape=True)
        )
        query = query.where(Document.id.in_(taken_from))
    docs = list(session.scalars(query))
    decided = set() if selection.include_decided else audit_queries.decided(session, [d.id for d in docs])
    chosen, skipped = [], []
    for doc in docs:
        state = _state(doc)
        if doc.status in NEVER or doc.id in decided:
            why = f"{doc.status}" if doc.status in NEVER else "decided by a clerk (--include-decided to redo)"
            skipped.append(Reprocessed(doc.id, "skipped", state, state, why))
        else:
            chosen.append(doc.id)
    return chosen, skipped


def reprocess_document(document_id: int, rt: Runtime) -> Reprocessed:
    """Run the stages again on the kept original of `document_id`; bad input leaves the row as it was."""
    with transaction(rt.sessions) as session:
        doc = session.get(Document, document_id)
        if doc is None:
            raise UsageError(f"no document with id {document_id}", hint="see `chartfile documents list`")
        before, original = _state(doc), Path(doc.original_path) if doc.original_path else None
        sha256, received_at = doc.sha256, as_utc(doc.received_at)
    if original is None or not original.is_file() or files.sha256_of(original) != sha256:
        return Reprocessed(document_id, "failed", before, before, "the kept original is missing or changed")
    work_dir = rt.settings.paths.work / f"reprocess-{document_id:06d}-{uuid.uuid4().hex[:8]}"
    try:
        incoming = _claim_original(document_id, original, sha256, received_at, work_dir)
        try:
            ocr = recognize(incoming, rt.settings.ocr, engine=rt.engine, pool=rt.pool)
        except InputError as e:  # it cannot be read (now): the row stays as it was
            return Reprocessed(document_id, "unchanged", before, before, f"{e.stage}: {e.message}")
        extraction = matching.extract(ocr, reference_date=received_at.date())
        decision = matching.decide(extraction, rt.patients(), rt.settings.matching)
        after = _refile(ocr, extraction, decision, rt, expected=before)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    if after is None:
        return Reprocessed(document_id, "skipped", before, before, "changed by someone else meanwhile")
    outcome = "changed" if _key(before) != _key(after) else "unchanged"
    log.info("document %d reprocessed: %s -> %s", document_id, before["status"], after["status"])
    return Reprocessed(document_id, outcome, before, after)


def _state(doc: Document) -> dict[str, Any]:
    return {"status": doc.status, "mrn": doc.patient_mrn, "score": doc.score, "stored_path": doc.stored_path}


def _key(state: dict[str, Any]) -> tuple[Any, ...]:
    return state["status"], state["mrn"], state["stored_path"]


def _claim_original(
    document_id: int, original: Path, sha256: str, received_at: dt.datetime, work_dir: Path
) -> IncomingFile:
    work_dir.mkdir(parents=True, mode=0o700)
    copy = work_dir / f"original{original.suffix}"
    if files.durable_copy(original, copy) != sha256:
        raise OSError(f"document {document_id}: the copy of its original did not verify")
    return IncomingFile(
        intake_id=document_id,
        source_path=original,
        source_name=original.name,
        work_copy=copy,
        work_dir=work_dir,
        sha256=sha256,
        size_bytes=copy.stat().st_size,
        kind=sniff(copy),
        received_at=received_at,
    )


def _refile(
    ocr: OcrResult, extraction: Extraction, decision: MatchDecision, rt: Runtime, *, expected: dict[str, Any]
) -> dict[str, Any] | None:
    """Replace the row, its pages and its stored PDF in one transaction; the old file goes after commit.

    None (and nothing changed) when the row is no longer as it was read before the OCR ran."""
    incoming, layout = ocr.incoming, StoreLayout(rt.settings.paths.store)
    index = PdfIndex(incoming.intake_id, extraction.doc_type, extraction.doc_date, decision.patient_mrn)
    final = write_with_metadata(ocr.searchable_pdf, incoming.work_dir / "final.pdf", index)
    with store_changes(rt.store, incoming.work_dir) as changes, transaction(rt.sessions) as session:
        doc = session.get(Document, incoming.intake_id)
        assert doc is not None
        before = _state(doc)
        if _key(before) != _key(expected):
            return None
        target = layout.document_path(
            doc.id,
            status=decision.status,
            mrn=decision.patient_mrn,
            doc_date=extraction.doc_date,
            doc_type=extraction.doc_type,
            received=received_day(doc),
        )
        doc.stored_sha256 = changes.place(final, target)
        changes.supersede(Path(doc.stored_path) if doc.stored_path else None)
        doc.stored_path = str(target)
        if doc.quarantine_path:  # it reads now: keep the original with the others, drop the quarantine note
            kept = Path(doc.quarantine_path)
            original = layout.original_path(
                doc.id, received=received_day(doc), suffix=incoming.work_copy.suffix
            )
            changes.place(incoming.work_copy, original)
            changes.supersede(kept)
            changes.supersede(kept.with_suffix(".json"))
            doc.original_path, doc.quarantine_path = str(original), None
        _update_row(doc, ocr, extraction, decision, now=rt.clock())
        session.execute(delete(Page).where(Page.document_id == doc.id))
        session.add_all(page_rows(ocr, doc.id))
        follow_duplicates(session, doc)
        after = _state(doc)
        audit(session, "reprocessed", doc.id, before=before, after=after, changed=_key(before) != _key(after))
    return after


def _update_row(
    doc: Document, ocr: OcrResult, extraction: Extraction, decision: MatchDecision, *, now: dt.datetime
) -> None:
    doc.status, doc.patient_mrn, doc.score = decision.status.value, decision.patient_mrn, decision.score
    doc.candidates = [candidate_json(c) for c in decision.candidates]
    doc.reasons = list(decision.reasons)
    doc.extraction = extraction_json(extraction)
    doc.doc_type, doc.doc_date = extraction.doc_type, extraction.doc_date
    doc.page_count, doc.processed_at = len(ocr.pages), now
