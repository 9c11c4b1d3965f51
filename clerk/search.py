"""Full-text search over stored page texts (SQLite FTS5, bm25-ranked; PostgreSQL: `search_pg`), grouped
per document."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from chartfile.clerk.search_pg import page_rows
from chartfile.errors import UsageError
from chartfile.ledger import Ledger
from chartfile.records import Status

MARK_START, MARK_END, ELLIPSIS = "«", "»", "…"
SNIPPET_TOKENS = 12
PAGES_PER_DOCUMENT = 4  # pages fetched per document wanted, at first
_TOKEN = re.compile(r'"[^"]*"\*?|\S+')
_OPERATORS = {"AND", "OR", "NOT"}


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Narrow the hits: patient, document type, document date range (received date when undated)."""

    patient_mrn: str | None = None
    doc_type: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True, slots=True)
class PageHit:
    number: int
    snippet: str
    rank: float


@dataclass(frozen=True, slots=True)
class DocumentHit:
    """One document with its best page's rank (bm25: lower is better) and its matching pages."""

    document_id: int
    status: str
    patient_mrn: str | None
    doc_type: str | None
    doc_date: str | None
    source_name: str
    rank: float
    pages: tuple[PageHit, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.document_id,
            "status": self.status,
            "patient_mrn": self.patient_mrn,
            "doc_type": self.doc_type,
            "doc_date": self.doc_date,
            "source_name": self.source_name,
            "rank": float(f"{self.rank:.6g}"),
            "pages": [
                {"number": p.number, "snippet": p.snippet, "rank": float(f"{p.rank:.6g}")} for p in self.pages
            ],
        }


def fts_query(words: str) -> str:
    """The user's words as an FTS5 query: each word or "quoted phrase" literal (word* a prefix), all
    required; AND / OR / NOT between words are kept as operators (pure)."""
    terms = []
    for token in _TOKEN.findall(words):
        if token in _OPERATORS:
            terms.append(token)
            continue
        prefix = token.endswith("*")
        body = token.rstrip("*").strip('"')
        if body.strip():
            terms.append('"' + body.replace('"', '""') + '"' + ("*" if prefix else ""))
    while terms and terms[-1] in _OPERATORS:
        terms.pop()
    while terms and terms[0] in _OPERATORS - {"NOT"}:
        terms.pop(0)
    if not any(t not in _OPERATORS for t in terms):
        raise UsageError("nothing to search for", hint='give one or more words, e.g. chartfile search "a1c"')
    return " ".join(terms)


def _filters_sql(filters: SearchFilters, dialect: str) -> tuple[str, dict[str, Any]]:
    clauses, params = [f"d.status != '{Status.SPLIT.value}'"], dict[str, Any]()
    if filters.patient_mrn:
        clauses.append("d.patient_mrn = :mrn")
        params["mrn"] = filters.patient_mrn
    if filters.doc_type:
        clauses.append("d.doc_type = :doc_type")
        params["doc_type"] = filters.doc_type
    day = "COALESCE(d.doc_date, date(d.received_at))"
    if dialect == "postgresql":  # its own dates (not text), the received day in UTC as on SQLite
        day = "COALESCE(d.doc_date, (d.received_at AT TIME ZONE 'UTC')::date)"
    for name, value, sign in (("date_from", filters.date_from, ">="), ("date_to", filters.date_to, "<=")):
        if value:
            clauses.append(f"{day} {sign} :{name}")
            params[name] = value if dialect == "postgresql" else value.isoformat()
    return " AND ".join(clauses), params


def search(ledger: Ledger, words: str, filters: SearchFilters, *, limit: int = 20) -> list[DocumentHit]:
    """The `limit` best documents for `words` (by their best page), each with its best pages' snippets.

    The best pages are taken from FTS5 in rank order (`ORDER BY rank LIMIT k`: snippets are made for those
    rows only), k growing until `limit` documents are found or no page is left."""
    with ledger.reading() as session:
        return search_in(session, words, filters, limit=limit)


def search_audited(
    ledger: Ledger, words: str, filters: SearchFilters, *, limit: int = 20, via: str
) -> list[DocumentHit]:
    """`search`, with an audit row naming the documents whose snippets were shown (`via`: which screen)."""
    with ledger.unit() as unit:
        hits = search_in(unit.session, words, filters, limit=limit)
        unit.audit("searched", None, command=via, documents=[hit.document_id for hit in hits])
    return hits


def search_in(session: Session, words: str, filters: SearchFilters, *, limit: int = 20) -> list[DocumentHit]:
    """`search` in a session the caller holds."""
    dialect = session.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise UsageError("search needs SQLite or PostgreSQL", hint="database.url must be one of them")
    where, params = _filters_sql(filters, dialect)
    if dialect == "postgresql":
        return _search_postgresql(session, words, where, params, limit=limit)
    query = fts_query(words)
    statement = text(
        "SELECT d.id, d.status, d.patient_mrn, d.doc_type, d.doc_date, d.source_name, p.number, "
        f"pages_fts.rank, snippet(pages_fts, 0, :start, :end, :ellipsis, {SNIPPET_TOKENS}) "
        "FROM pages_fts JOIN pages p ON p.id = pages_fts.rowid JOIN documents d ON d.id = p.document_id "
        f"WHERE pages_fts MATCH :q AND {where} ORDER BY pages_fts.rank, p.id LIMIT :k"
    )
    params |= {"q": query, "start": MARK_START, "end": MARK_END, "ellipsis": ELLIPSIS}
    pages_wanted = limit * PAGES_PER_DOCUMENT
    while True:
        try:
            rows = session.execute(statement, params | {"k": pages_wanted}).all()
        except OperationalError as e:
            raise UsageError(
                "the search words could not be read", hint='quote phrases with "..." and avoid lone operators'
            ) from e
        hits = _group(rows)
        if len(hits) >= limit or len(rows) < pages_wanted:
            return hits[:limit]
        pages_wanted *= 4


def _search_postgresql(
    session: Session, words: str, where: str, params: dict[str, Any], *, limit: int
) -> list[DocumentHit]:
    """The same, on PostgreSQL's tsvector index (`search_pg`)."""
    pages_wanted = limit * PAGES_PER_DOCUMENT
    while True:
        rows = page_rows(
            session, words, where, params, marks=(MARK_START, MARK_END, ELLIPSIS), k=pages_wanted
        )
        hits = _group(rows)
        if len(hits) >= limit or len(rows) < pages_wanted:
            return hits[:limit]
        pages_wanted *= 4


def _group(rows: Sequence[Sequence[Any]]) -> list[DocumentHit]:
    """Pages in rank order -> documents in order of their best page, each with its pages."""
    found: dict[int, tuple[Sequence[Any], list[PageHit]]] = {}
    for row in rows:
        page = PageHit(int(row[6]), " ".join(str(row[8]).split()), float(row[7]))
        found.setdefault(int(row[0]), (row, []))[1].append(page)
    return [
        DocumentHit(
            document_id=int(first[0]),
            status=first[1],
            patient_mrn=first[2],
            doc_type=first[3],
            doc_date=str(first[4]) if first[4] else None,
            source_name=first[5],
            rank=pages[0].rank,
            pages=tuple(pages),
        )
        for first, pages in found.values()
    ]
