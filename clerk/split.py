"""Split a document into page ranges for different patients: child documents with their own ids.

Each child gets an intake row (its id), a PDF cut from the parent's stored PDF (kept as its original and,
with index metadata, as its stored PDF under the patient), the parent's page texts, and an audit row. The
parent keeps every page, marked `split`, under store/split/. All of it is one ledger unit of work.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from chartfile.clerk.decisions import Decision, document_for, patient_for
from chartfile.errors import UsageError
from chartfile.ledger import Ledger, files, outbox
from chartfile.ledger.documents import (
    Outcome,
    move_stored,
    new_document,
    read_pages,
    snapshot,
    store_original,
    store_pdf,
    write_pages,
)
from chartfile.ledger.intake import new_intake
from chartfile.ledger.models import Document
from chartfile.ledger.unit import Unit
from chartfile.records import OcrPage, Status

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
    ledger: Ledger, document_id: int, parts: Sequence[PagePart], *, reason: str
) -> list[Decision]:
    """Cut `document_id` into one child per part; returns the children's decisions, then the parent's."""
    allowed = (Status.REVIEW, Status.UNMATCHED, Status.FILED)
    with ledger.unit() as unit:
        parent = document_for(unit.session, document_id, allowed=allowed, verb="split")
        if not parent.stored_path:
            raise UsageError(
                f"document {document_id} has no stored PDF to split", hint="see `documents show`"
            )
        if max(part.last for part in parts) > parent.page_count:
            raise UsageError(
                f"document {document_id} has {parent.page_count} page(s)", hint="check the page ranges"
            )
        for part in parts:
            patient_for(unit.session, part.mrn)
        decisions = [_child(unit, parent, part, reason=reason) for part in parts]
        before = snapshot(parent)
        move_stored(unit, parent, status=Status.SPLIT, mrn=None)
        children = [{"id": d.document_id, "pages": d.after["pages"]} for d in decisions]
        unit.audit(
            "split", parent.id, before=before, after=snapshot(parent), children=children, reason=reason
        )
    return [*decisions, Decision(parent.id, "split", before, snapshot(parent) | {"children": children})]


def _child(unit: Unit, parent: Document, part: PagePart, *, reason: str) -> Decision:
    cut = _cut(Path(str(parent.stored_path)), part, unit.scratch / f"cut-{part.first}.pdf")
    name = f"{parent.source_name} (pages {part.label})"
    sha256 = files.sha256_of(cut)
    intake = new_intake(
        unit,
        source_path=f"split:{parent.id:06d}:{part.label}",
        source_name=name,
        fingerprint="",
        sha256=sha256,
        size_bytes=cut.stat().st_size,
        kind="pdf",
        done=True,
    )
    unit.session.flush()
    pages = tuple(read_pages(unit, parent.id, part.first, part.last))
    row = _child_row(unit, parent, part, intake.id, name=name, sha256=sha256, pages=pages)
    store_original(unit, row, cut)
    store_pdf(unit, row, cut)
    unit.session.add(row)
    unit.session.flush()
    write_pages(unit, row.id, pages)
    outbox.document_changed(unit, row, split_from=parent)
    after = {"status": row.status, "mrn": part.mrn, "stored_path": row.stored_path, "pages": part.label}
    unit.audit("split", row.id, parent=parent.id, before=None, after=after, reason=reason)
    return Decision(row.id, "split", {"parent": parent.id}, after)


def _child_row(
    unit: Unit,
    parent: Document,
    part: PagePart,
    child_id: int,
    *,
    name: str,
    sha256: str,
    pages: tuple[OcrPage, ...],
) -> Document:
    """The child's row: filed to the part's patient, with the parent's type and date."""
    outcome = Outcome(
        Status.FILED,
        (f"pages {part.label} of document {parent.id}, assigned by a clerk",),
        patient_mrn=part.mrn,
        doc_type=parent.doc_type,
        doc_date=parent.doc_date,
        pages=pages,
    )
    return new_document(
        child_id,
        outcome,
        source_name=name,
        sha256=sha256,
        received_at=parent.received_at,
        processed_at=unit.now,
        page_count=part.last - part.first + 1,
        parent_id=parent.id,
    )


def _cut(pdf: Path, part: PagePart, out: Path) -> Path:
    with pikepdf.open(pdf) as source, pikepdf.new() as target:
        target.pages.extend(source.pages[part.first - 1 : part.last])
        target.save(out, compress_streams=True)
    return out
