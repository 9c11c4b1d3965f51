"""A claimed document's outcome, recorded once (filed / review / unmatched / duplicate / quarantined) or
replaced later (reprocess): its files and rows written together in one unit of work."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from chartfile.ledger import outbox
from chartfile.ledger.book import Ledger
from chartfile.ledger.documents import (
    Outcome,
    apply_outcome,
    follow_duplicates,
    new_document,
    store_original,
    store_pdf,
    write_pages,
)
from chartfile.ledger.intake import finish_claim
from chartfile.ledger.models import Document, Page
from chartfile.ledger.unit import Unit
from chartfile.records import FiledDocument, IncomingFile, Status

log = logging.getLogger(__name__)

PROCESSED = (Status.FILED, Status.REVIEW, Status.UNMATCHED)
NEXT_STEP = (
    "Open the file to see what it is. If it is a readable document, fix the cause named above and drop it "
    "into the inbox again (or run `chartfile process` on it); otherwise ask the sender to re-send it."
)


def record(ledger: Ledger, incoming: IncomingFile, outcome: Outcome) -> FiledDocument:
    """Keep the original and the stamped PDF, then commit the row, its pages and audit events."""
    assert outcome.searchable_pdf is not None
    with ledger.unit(journal_dir=incoming.work_dir) as unit:
        doc = _new_row(unit, incoming, outcome, page_count=len(outcome.pages))
        store_original(unit, doc, incoming.work_copy)
        store_pdf(unit, doc, outcome.searchable_pdf)
        unit.session.add(doc)
        unit.session.flush()
        write_pages(unit, doc.id, outcome.pages)
        finish_claim(unit, doc.id, "done", "")
        outbox.document_changed(unit, doc)
        unreadable = sum(1 for page in outcome.pages if page.source == "unreadable")
        unit.audit("ocr", doc.id, pages=len(outcome.pages), unreadable=unreadable)
        unit.audit("matched", doc.id, status=doc.status, score=doc.score)
        unit.audit(doc.status, doc.id, stored_path=doc.stored_path, mrn=doc.patient_mrn)
    return FiledDocument(
        document_id=doc.id,
        status=outcome.status,
        stored_path=Path(str(doc.stored_path)),
        original_path=Path(str(doc.original_path)),
        patient_mrn=outcome.patient_mrn,
        page_count=len(outcome.pages),
    )


def _new_row(
    unit: Unit, incoming: IncomingFile, outcome: Outcome, *, page_count: int, **links: Any
) -> Document:
    return new_document(
        incoming.intake_id,
        outcome,
        source_name=incoming.source_name,
        sha256=incoming.sha256,
        received_at=incoming.received_at,
        processed_at=unit.now,
        page_count=page_count,
        **links,
    )


def find_processed(ledger: Ledger, sha256: str) -> int | None:
    """The earliest processed document with these exact bytes, if any."""
    query = (
        select(Document.id)
        .where(Document.sha256 == sha256, Document.status.in_([s.value for s in PROCESSED]))
        .order_by(Document.id)
    )
    with ledger.reading() as session:
        return session.scalars(query.limit(1)).first()


def record_duplicate(ledger: Ledger, incoming: IncomingFile, original_id: int) -> FiledDocument:
    """Record a second copy of an already processed file without filing it again."""
    with ledger.unit() as unit:
        original = unit.session.get(Document, original_id)
        assert original is not None
        outcome = Outcome(
            Status.DUPLICATE,
            (f"same SHA-256 as document {original.id}",),
            patient_mrn=original.patient_mrn,
            doc_type=original.doc_type,
            doc_date=original.doc_date,
        )
        links = {"stored_path": original.stored_path, "original_path": original.original_path}
        doc = _new_row(
            unit, incoming, outcome, page_count=original.page_count, duplicate_of=original.id, **links
        )
        unit.session.add(doc)
        unit.session.flush()
        finish_claim(unit, doc.id, "done", "")
        unit.audit("duplicate", doc.id, duplicate_of=original.id)
    return FiledDocument(
        document_id=incoming.intake_id,
        status=Status.DUPLICATE,
        stored_path=Path(original.stored_path) if original.stored_path else None,
        original_path=None,
        duplicate_of=original.id,
    )


def quarantine(
    ledger: Ledger, incoming: IncomingFile, *, stage: str, reason: str, hint: str
) -> FiledDocument:
    """Put the original into quarantine beside a JSON note saying why, and record it; nothing is lost."""
    target = ledger.paths.quarantine / f"{incoming.intake_id:06d}{incoming.work_copy.suffix}"
    why = f"{stage}: {reason}"
    with ledger.unit(journal_dir=incoming.work_dir) as unit:
        note = _sidecar(incoming, stage=stage, reason=reason, hint=hint, unit=unit)
        unit.place(incoming.work_copy, target)
        unit.place(note, target.with_suffix(".json"))
        links = {"quarantine_path": str(target), "original_path": str(target)}
        unit.session.add(_new_row(unit, incoming, Outcome(Status.QUARANTINED, (why,)), page_count=0, **links))
        unit.session.flush()
        finish_claim(unit, incoming.intake_id, "done", why)
        unit.audit("quarantined", incoming.intake_id, stage=stage, reason=reason, path=str(target))
    log.warning("document %d quarantined at stage %s: %s", incoming.intake_id, stage, reason)
    return FiledDocument(
        document_id=incoming.intake_id,
        status=Status.QUARANTINED,
        stored_path=None,
        original_path=target,
        notes=(why,),
    )


def _sidecar(incoming: IncomingFile, *, stage: str, reason: str, hint: str, unit: Unit) -> Path:
    note = {
        "document_id": incoming.intake_id,
        "source_name": incoming.source_name,
        "source_path": str(incoming.source_path),
        "sha256": incoming.sha256,
        "received_at": incoming.received_at.isoformat(),
        "quarantined_at": unit.now.isoformat(),
        "stage": stage,
        "reason": reason,
        "hint": hint,
        "next_step": NEXT_STEP,
    }
    path = unit.scratch / "quarantine-note.json"
    path.write_text(json.dumps(note, indent=2) + "\n", encoding="utf-8")
    return path


def state(doc: Document) -> dict[str, Any]:
    """A document's outcome as reprocess compares it (before / after)."""
    return {"status": doc.status, "mrn": doc.patient_mrn, "score": doc.score, "stored_path": doc.stored_path}


def key(found: dict[str, Any]) -> tuple[Any, ...]:
    return found["status"], found["mrn"], found["stored_path"]


def replace(
    ledger: Ledger, incoming: IncomingFile, outcome: Outcome, *, expected: dict[str, Any]
) -> dict[str, Any] | None:
    """Replace the row's outcome, its pages and its stored PDF in one unit; the old file goes after commit.

    None (and nothing changed) when the row is no longer as it was read before the stages ran."""
    assert outcome.searchable_pdf is not None
    with ledger.unit(journal_dir=incoming.work_dir) as unit:
        doc = unit.session.get(Document, incoming.intake_id)
        assert doc is not None
        before = state(doc)
        if key(before) != key(expected):
            return None
        apply_outcome(doc, outcome, now=unit.now)
        store_pdf(unit, doc, outcome.searchable_pdf)
        if doc.quarantine_path:  # it reads now: keep the original with the others, drop the quarantine note
            kept = Path(doc.quarantine_path)
            store_original(unit, doc, incoming.work_copy)
            unit.supersede(kept)
            unit.supersede(kept.with_suffix(".json"))
            doc.quarantine_path = None
        unit.session.execute(delete(Page).where(Page.document_id == doc.id))
        write_pages(unit, doc.id, outcome.pages)
        follow_duplicates(unit, doc)
        outbox.document_changed(unit, doc)
        after = state(doc)
        unit.audit("reprocessed", doc.id, before=before, after=after, changed=key(before) != key(after))
    return after
