"""Split a document into page ranges for different patients: child documents with their own ids.

Each child gets an intake row (its id), a PDF cut from the parent's stored PDF (kept as its original and,
with index metadata, as its stored PDF under the patient), the parent's page texts, and an audit row. The
parent keeps every page, marked `split`, under store/split/. All of it is one transaction.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from sqlalchemy import select
from sqlalchemy.orm import Session

from chartfile.errors import UsageError
from chartfile.indexer.decisions import (
    Clerk,
    Decision,
    StoreChanges,
    document_for,
    patient_for,
    received_day,
    relocate,
    snapshot,
    store_changes,
)
from chartfile.ledger import files
from chartfile.ledger.db import audit, transaction
from chartfile.ledger.models import Document, Intake, Page
from chartfile.ledger.pdfmeta import PdfIndex, write_with_metadata
from chartfile.records import Status

_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")


@dataclass(frozen=True, slots=True)
class PagePart:
    """Pages `first`..`last` (1-based, inclusive) belong to the patient with `mrn`."""

    first: int
    last: int
    mrn: str

    @property
    def label(self) -> str:
        return f"{self.first}-{self.last}" if self.last != self.first else str(self.first)


def parse_parts(ranges: Sequence[str], mrns: Sequence[str]) -> tuple[PagePart, ...]:
    """`--pages 1-2 --mrn A --pages 3 --mrn B` as parts, in order (pure; bad input is a usage error)."""
    if not ranges or len(ranges) != len(mrns):
        raise UsageError(
            "give one --mrn for each --pages range", hint="e.g. --pages 1-2 --mrn A --pages 3-4 --mrn B"
        )
    parts = []
    for text, mrn in zip(ranges, mrns, strict=True):
        match = _RANGE.match(text)
        first, last = (int(match[1]), int(match[2] or match[1])) if match else (0, 0)
        if not match or first < 1 or last < first:
            raise UsageError(f"not a page range: {text!r}", hint="write pages as N or N-M, e.g. 1-2")
        parts.append(PagePart(first, last, mrn.strip()))
    ordered = sorted(parts, key=lambda p: p.first)
    for left, right in itertools.pairwise(ordered):
        if right.first <= left.last:
            raise UsageError(
                f"page ranges {left.label} and {right.label} overlap", hint="give each page once"
            )
    return tuple(parts)


def split_document(
    clerk: Clerk, document_id: int, parts: Sequence[PagePart], *, reason: str, now: dt.datetime
) -> list[Decision]:
    """Cut `document_id` into one child per part; returns the children's decisions, then the parent's."""
    allowed = (Status.REVIEW, Status.UNMATCHED, Status.FILED)
    with store_changes(clerk.store, clerk.scratch) as changes, transaction(clerk.sessions) as session:
        parent = document_for(session, document_id, allowed=allowed, verb="split")
        if not parent.stored_path:
            raise UsageError(
                f"document {document_id} has no stored PDF to split", hint="see `documents show`"
            )
        if max(part.last for part in parts) > parent.page_count:
            raise UsageError(
                f"document {document_id} has {parent.page_count} page(s)", hint="check the page ranges"
            )
        for part in parts:
            patient_for(session, part.mrn)
        decisions = [_child(session, changes, clerk, parent, part, reason=reason, now=now) for part in parts]
        before = snapshot(parent)
        relocate(session, changes, clerk.layout, parent, status=Status.SPLIT, mrn=None)
        children = [{"id": d.document_id, "pages": d.after["pages"]} for d in decisions]
        audit(
            session,
            "split",
            parent.id,
            before=before,
            after=snapshot(parent),
            children=children,
            reason=reason,
        )
    return [*decisions, Decision(parent.id, "split", before, snapshot(parent) | {"children": children})]


def _child(
    session: Session,
    changes: StoreChanges,
    clerk: Clerk,
    parent: Document,
    part: PagePart,
    *,
    reason: str,
    now: dt.datetime,
) -> Decision:
    cut = _cut(Path(str(parent.stored_path)), part, changes.scratch / f"cut-{part.first}.pdf")
    intake = _intake_row(parent, part, cut, now=now)
    session.add(intake)
    session.flush()
    child_id = intake.id
    received = received_day(parent)
    doc_type = parent.doc_type or "other"
    original = clerk.layout.original_path(child_id, received=received, suffix=".pdf")
    stored = clerk.layout.document_path(
        child_id,
        status=Status.FILED,
        mrn=part.mrn,
        doc_date=parent.doc_date,
        doc_type=doc_type,
        received=received,
    )
    index = PdfIndex(child_id, doc_type, parent.doc_date, part.mrn)
    stamped = write_with_metadata(cut, changes.scratch / f"child-{child_id}.pdf", index)
    changes.place(cut, original)
    stored_sha = changes.place(stamped, stored)
    row = _child_row(parent, part, child_id, sha256=intake.sha256, now=now)
    row.stored_path, row.stored_sha256, row.original_path = str(stored), stored_sha, str(original)
    session.add(row)
    session.flush()
    session.add_all(_child_pages(session, parent.id, part, child_id))
    after = {"status": Status.FILED.value, "mrn": part.mrn, "stored_path": str(stored), "pages": part.label}
    audit(session, "split", child_id, parent=parent.id, before=None, after=after, reason=reason)
    return Decision(child_id, "split", {"parent": parent.id}, after)


def _cut(pdf: Path, part: PagePart, out: Path) -> Path:
    with pikepdf.open(pdf) as source, pikepdf.new() as target:
        target.pages.extend(source.pages[part.first - 1 : part.last])
        target.save(out, compress_streams=True)
    return out


def _intake_row(parent: Document, part: PagePart, cut: Path, *, now: dt.datetime) -> Intake:
    """A journal row for the child: it gives the child its id; it is done from the start."""
    return Intake(
        source_path=f"split:{parent.id:06d}:{part.label}",
        source_name=f"{parent.source_name} (pages {part.label})",
        source_fingerprint="",
        sha256=files.sha256_of(cut),
        size_bytes=cut.stat().st_size,
        kind="pdf",
        work_path="",
        state="done",
        attempts=0,
        last_error="",
        claimed_at=now,
        finished_at=now,
    )


def _child_row(parent: Document, part: PagePart, child_id: int, *, sha256: str, now: dt.datetime) -> Document:
    return Document(
        id=child_id,
        source_name=f"{parent.source_name} (pages {part.label})",
        sha256=sha256,
        status=Status.FILED.value,
        patient_mrn=part.mrn,
        score=None,
        candidates=[],
        reasons=[f"pages {part.label} of document {parent.id}, assigned by a clerk"],
        extraction={},
        doc_type=parent.doc_type,
        doc_date=parent.doc_date,
        page_count=part.last - part.first + 1,
        parent_id=parent.id,
        received_at=parent.received_at,
        processed_at=now,
    )


def _child_pages(session: Session, parent_id: int, part: PagePart, child_id: int) -> list[Page]:
    query = select(Page).where(
        Page.document_id == parent_id, Page.number >= part.first, Page.number <= part.last
    )
    return [
        Page(
            document_id=child_id,
            number=page.number - part.first + 1,
            text=page.text,
            source=page.source,
            mean_confidence=page.mean_confidence,
            low_confidence=page.low_confidence,
        )
        for page in session.scalars(query)
    ]
