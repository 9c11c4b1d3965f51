"""The review queue as data: what waits for a clerk, and one document's evidence (reasons, page text).

Extraction spans refer to the text the extractor read: for OCRed pages that is the page rebuilt row by row
from word boxes, not the stored page text; so each span is anchored on its value in the stored text
(the occurrence nearest to the span's offset), and the lines around it are shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chartfile.clerk.previews import first_page_png
from chartfile.errors import UsageError
from chartfile.ledger import Ledger
from chartfile.ledger.documents import as_utc
from chartfile.ledger.models import Document, Page
from chartfile.ledger.queries import document_summary
from chartfile.records import Status
from chartfile.settings import PathSettings

CONTEXT_LINES = 1  # lines shown before and after the line holding a value
MAX_LINE_CHARS = 160
MAX_IDENTITIES = 3


def queue(session: Session, *, statuses: Iterable[Status] = (Status.REVIEW,)) -> list[Document]:
    """Documents waiting in these statuses, oldest first."""
    query = (
        select(Document)
        .where(Document.status.in_([s.value for s in statuses]))
        .order_by(Document.received_at, Document.id)
    )
    return list(session.scalars(query))


def queue_entry(doc: Document, *, now: dt.datetime) -> dict[str, Any]:
    """One row of `review list`: the document summary, its age and the decision's reasons."""
    age_hours = (now - as_utc(doc.received_at)).total_seconds() / 3600
    return document_summary(doc) | {"age_hours": round(age_hours, 1), "reasons": list(doc.reasons)}


def review_detail(session: Session, doc: Document) -> dict[str, Any]:
    """`review show`: reasons, every candidate's per-field levels, and the page text around the identity."""
    pages = {p.number: p.text for p in session.scalars(select(Page).where(Page.document_id == doc.id))}
    return document_summary(doc) | {
        "reasons": list(doc.reasons),
        "candidates": doc.candidates,
        "notes": list(doc.extraction.get("notes", [])),
        "identities": identity_context(doc.extraction, pages),
        "original_path": doc.original_path,
    }


def identity_context(extraction: dict[str, Any], pages: dict[int, str]) -> list[dict[str, Any]]:
    """For each identity read (best first), each field's span and the page lines around it (pure)."""
    found = []
    for identity in extraction.get("identities", [])[:MAX_IDENTITIES]:
        fields = []
        for field, needles in _needles(identity):
            span = identity.get(f"{field}_span")
            if not span:
                continue
            text = pages.get(int(span["page"]), "")
            at = anchor(text, int(span["start"]), int(span["end"]), needles)
            fields.append(
                {
                    "field": field,
                    "page": span["page"],
                    "span": [span["start"], span["end"]],
                    "lines": lines_around(text, at) if at is not None else [],
                }
            )
        found.append({"page": identity.get("page"), "fields": fields})
    return found


def _needles(identity: dict[str, Any]) -> list[tuple[str, list[str]]]:
    dob = identity.get("dob") or ""
    return [
        ("name", [n for n in (identity.get("last_name"), identity.get("first_name")) if n]),
        ("dob", [dob[:4]] if len(dob) >= 4 else []),
        ("mrn", [identity["mrn"]] if identity.get("mrn") else []),
    ]


def anchor(text: str, start: int, end: int, needles: list[str]) -> int | None:
    """Where the value is in `text`: at the span if it is there, else its occurrence nearest the span."""
    folded = text.casefold()
    if not needles:
        return start if 0 <= start < len(text) else None
    for needle in needles:
        key = needle.casefold()
        if key in folded[max(start, 0) : max(end, start + len(key))]:
            return max(start, 0)
        hits = _occurrences(folded, key)
        if hits:
            return min(hits, key=lambda at: abs(at - start))
    return None


def _occurrences(text: str, key: str) -> list[int]:
    hits, at = [], text.find(key)
    while at >= 0:
        hits.append(at)
        at = text.find(key, at + 1)
    return hits


def lines_around(text: str, at: int) -> list[str]:
    """The non-blank line holding offset `at`, with CONTEXT_LINES non-blank lines either side."""
    lines = text.splitlines(keepends=True)
    if not lines:
        return []
    offset, index = 0, len(lines) - 1
    for number, line in enumerate(lines):
        if offset + len(line) > at:
            index = number
            break
        offset += len(line)
    before = [ln for ln in lines[:index] if ln.strip()][-CONTEXT_LINES:]
    after = [ln for ln in lines[index + 1 :] if ln.strip()][:CONTEXT_LINES]
    return [" ".join(ln.split())[:MAX_LINE_CHARS] for ln in (*before, lines[index], *after) if ln.strip()]


def waiting(ledger: Ledger, *, now: dt.datetime) -> list[dict[str, Any]]:
    """`review list`: the documents waiting for review, oldest first, with their age at `now`."""
    with ledger.reading() as session:
        return [queue_entry(doc, now=now) for doc in queue(session)]


def show_for_review(ledger: Ledger, document_id: int) -> dict[str, Any]:
    """`review show`: the evidence for one document and its first-page preview; the view is audited."""
    with ledger.unit() as unit:
        doc = unit.session.get(Document, document_id)
        if doc is None:
            raise UsageError(f"no document with id {document_id}", hint="see `chartfile review list`")
        detail = review_detail(unit.session, doc) | {"preview_path": _preview(doc, ledger.paths)}
        unit.audit("viewed", document_id, command="review show")
    return detail


def _preview(doc: Document, paths: PathSettings) -> str | None:
    if not doc.stored_path or not doc.stored_sha256:
        return None
    png = first_page_png(
        Path(doc.stored_path),
        document_id=doc.id,
        stored_sha256=doc.stored_sha256,
        store_root=paths.store,
        scratch=paths.work,
    )
    return str(png) if png else None
