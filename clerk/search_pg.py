"""Full-text search on PostgreSQL: the page texts' tsvector column (GIN-indexed), the user's words as a
tsquery (`websearch_to_tsquery` for words and phrases, `word:*` for prefixes), ranked by `ts_rank_cd`
(negated: lower is better, as bm25 on SQLite) with a `ts_headline` snippet of each matching page. The text
search configuration `chartfile` (migration 0006) stems English words and keeps stop words, as SQLite's
porter tokenizer does."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DataError, ProgrammingError
from sqlalchemy.orm import Session

from chartfile.errors import UsageError

_TOKEN = re.compile(r'"[^"]*"\*?|\S+')
_WORD = re.compile(r"\w+")
_OPERATORS = {"AND", "OR", "NOT"}


def tsquery_sql(words: str) -> tuple[str, dict[str, Any]]:
    """The user's words as a tsquery expression and its parameters: the same language as the SQLite
    path (all words required, "phrase", prefix*, OR and NOT between words; NOT binds tightest, then AND,
    then OR), built from `websearch_to_tsquery` per word or phrase (pure)."""
    groups: list[list[str]] = [[]]
    params: dict[str, Any] = {}
    negate = False
    for token in _TOKEN.findall(words):
        if token in _OPERATORS:
            if token == "OR" and groups[-1]:
                groups.append([])
            negate = token == "NOT"
            continue
        term = _term(token, f"t{len(params)}", params)
        if term is None:
            continue
        groups[-1].append(f"!!{term}" if negate else term)
        negate = False
    ors = [" && ".join(group) for group in groups if group]
    if not ors:
        raise UsageError("nothing to search for", hint='give one or more words, e.g. chartfile search "a1c"')
    return "(" + " || ".join(f"({o})" for o in ors) + ")", params


def _term(token: str, name: str, params: dict[str, Any]) -> str | None:
    prefix = token.endswith("*")
    body = token.rstrip("*").strip('"')
    if not body.strip():
        return None
    if prefix:
        lexemes = _WORD.findall(body)
        if not lexemes:
            return None
        params[name] = " <-> ".join([*lexemes[:-1], lexemes[-1] + ":*"])
        return f"to_tsquery('chartfile', :{name})"
    params[name] = '"' + body.replace('"', " ") + '"'  # quoted: a word or a phrase, never an operator
    return f"websearch_to_tsquery('chartfile', :{name})"


def page_rows(
    session: Session, words: str, where: str, params: dict[str, Any], *, marks: tuple[str, str, str], k: int
) -> list[Any]:
    """The best `k` pages (rank order): document fields, page number, rank, snippet (as the SQLite path)."""
    query, query_params = tsquery_sql(words)
    start, end, ellipsis = marks
    statement = text(
        f"WITH q AS (SELECT {query} AS query), best AS ("
        "SELECT d.id, d.status, d.patient_mrn, d.doc_type, d.doc_date, d.source_name, p.number, "
        "-ts_rank_cd(p.text_tsv, q.query, 1) AS rank, p.id AS page_id, p.text, q.query "
        "FROM q, pages p JOIN documents d ON d.id = p.document_id "
        f"WHERE p.text_tsv @@ q.query AND {where} ORDER BY rank, p.id LIMIT :k) "
        "SELECT id, status, patient_mrn, doc_type, doc_date, source_name, number, rank, "
        "ts_headline('chartfile', text, query, :options) FROM best ORDER BY rank, page_id"
    )
    options = (
        f"StartSel={start}, StopSel={end}, MaxWords=24, MinWords=8, MaxFragments=1, "
        f"FragmentDelimiter={ellipsis}"
    )
    try:
        return list(session.execute(statement, params | query_params | {"k": k, "options": options}).all())
    except (ProgrammingError, DataError) as e:
        raise UsageError(
            "the search words could not be read", hint='quote phrases with "..." and avoid lone operators'
        ) from e
