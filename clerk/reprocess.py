"""Run the stage chain again for documents already processed, from their kept originals.

For after new patients were imported or the thresholds changed. The pipeline is entered with a verified
copy of the original (under the same document id) and ends by replacing the outcome: the row, its pages
and the stored PDF in one ledger unit (audited `reprocessed`, before/after). The same inputs give the same
outcome and path, so a second run changes nothing and duplicates nothing. Documents a clerk decided are
left alone unless asked.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chartfile.errors import InputError, MachineError, UsageError, explain
from chartfile.ingest.sniff import sniff
from chartfile.ledger import Ledger, files, outcomes
from chartfile.ledger.audit_queries import decided
from chartfile.ledger.documents import Outcome, as_utc
from chartfile.ledger.models import Document, Intake
from chartfile.pipeline import run_stages
from chartfile.records import IncomingFile, Status
from chartfile.runtime import Runtime

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


def select_documents(ledger: Ledger, selection: Selection) -> tuple[list[int], list[Reprocessed]]:
    """(ids to reprocess, oldest first; documents skipped with the reason)."""
    with ledger.reading() as session:
        docs = list(session.scalars(_query(session, selection)))
        done = set() if selection.include_decided else decided(session, [d.id for d in docs])
    chosen, skipped = [], []
    for doc in docs:
        state = outcomes.state(doc)
        if doc.status in NEVER or doc.id in done:
            why = f"{doc.status}" if doc.status in NEVER else "decided by a clerk (--include-decided to redo)"
            skipped.append(Reprocessed(doc.id, "skipped", state, state, why))
        else:
            chosen.append(doc.id)
    return chosen, skipped


def _query(session: Session, selection: Selection) -> Any:
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
    return query


def reprocess_document(document_id: int, rt: Runtime) -> Reprocessed:
    """Run the stages again on the kept original of `document_id`; bad input leaves the row as it was."""
    with rt.ledger.reading() as session:
        doc = session.get(Document, document_id)
        if doc is None:
            raise UsageError(f"no document with id {document_id}", hint="see `chartfile documents list`")
        before, original = outcomes.state(doc), Path(doc.original_path) if doc.original_path else None
        sha256, received_at = doc.sha256, as_utc(doc.received_at)
    if original is None or not original.is_file() or files.sha256_of(original) != sha256:
        return Reprocessed(document_id, "failed", before, before, "the kept original is missing or changed")
    with rt.ledger.work_folder() as work_dir:
        incoming = _source(document_id, original, sha256, received_at, work_dir)
        return run_stages(incoming, rt, Replace(rt.ledger, before))


def _source(
    document_id: int, original: Path, sha256: str, received_at: dt.datetime, work_dir: Path
) -> IncomingFile:
    """The kept original, copied (and verified) into a work folder: the chain's source this time."""
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


@dataclass(frozen=True, slots=True)
class Replace:
    """The commit of reprocess: replace the outcome, unless the row changed meanwhile or it reads no more."""

    ledger: Ledger
    before: dict[str, Any]

    def known(self, incoming: IncomingFile) -> Reprocessed | None:
        return None

    def outcome(self, incoming: IncomingFile, outcome: Outcome) -> Reprocessed:
        document_id = incoming.intake_id
        after = outcomes.replace(self.ledger, incoming, outcome, expected=self.before)
        if after is None:
            return Reprocessed(
                document_id, "skipped", self.before, self.before, "changed by someone else meanwhile"
            )
        changed = outcomes.key(self.before) != outcomes.key(after)
        log.info("document %d reprocessed: %s -> %s", document_id, self.before["status"], after["status"])
        return Reprocessed(document_id, "changed" if changed else "unchanged", self.before, after)

    def bad_input(self, incoming: IncomingFile, error: Exception) -> Reprocessed:
        if not isinstance(error, InputError):
            raise error
        why = explain(error)
        note = f"{why.stage}: {why.message}"  # it cannot be read (now): the row stays as it was
        return Reprocessed(incoming.intake_id, "unchanged", self.before, self.before, note)

    def machine_fault(self, incoming: IncomingFile, error: MachineError) -> None:
        """The row and its files are as they were: the caller reports the document as failed."""
        return None
