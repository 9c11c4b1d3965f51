"""A document's own date as a clerk files it: the day it was written or issued. (Pure.)

When several dates are printed, the first rule below that finds one wins (each rule looks at every
content page before the next rule is tried):
1. an issue label: report/result, letter, notice, statement, request, referral, order, determination
   or decision date; "date signed", "dictated", "prepared", "issued";
2. the date beside a signature ("Signature ... Date: 10/30/2026", "Electronically signed by ... on ...");
3. a letter's date: a line holding only a date (a place may precede it) near the top of a page;
4. a bare "Date:" field (forms print the day they were filled in);
5. the date of the service the document reports (visit, exam, discharge, study): a note is written on
   the day of the visit when it says nothing else;
6. a collection or specimen date;
7. the fax header's date (the day it was sent, not written: only when nothing else is printed);
8. any other date that is not a birth date, not beside a label that makes it another kind of date
   (onset, injury, admission, effective, due, last filled) and not inside a table row.
Never a birth date read on the document; never more than ~1 year after the day it was received.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence

from chartfile.matching.dates import DateKind, FoundDate, find_dates
from chartfile.records import OcrPage

LABEL_REACH = 30
HEADER_LINES = 3
LETTER_LINES = 14
_CELL_GAP = re.compile(r"\s{3,}")


def _label(alternatives: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z])(?:{alternatives})[ \t]*[:;|.]?", re.IGNORECASE)


ISSUED = _label(
    r"report(?:ed)?[ ]*(?:date|on)|date[ ]*(?:reported|of[ ]*report)|reported|results?[ ]*date"
    r"|(?:letter|notice|statement|request(?:ed)?|referral|order|determination|decision|issue[d]?|print)"
    r"[ ]*date|date[ ]*(?:of[ ]*)?(?:letter|notice|statement|request|referral|order|determination|decision)"
    r"|date[ ]*(?:issued|requested|written|prepared|signed|dictated)|(?:dictated|prepared|issued)(?:[ ]*on)?"
    r"|signature[ ]*date|date[ ]*of[ ]*signature"
)
SIGNED = re.compile(r"(?:signature|signed|sign)\b[^\n]{0,60}?(?:\bdate\b[ \t]*[:;|.]?|\bon\b)", re.IGNORECASE)
SERVICE = _label(
    r"date[ ]*of[ ]*service|service[ ]*date|dos\b|exam[ ]*date|date[ ]*of[ ]*exam|visit[ ]*date"
    r"|date[ ]*of[ ]*visit|discharge[ ]*date|date[ ]*of[ ]*discharge|encounter[ ]*date"
    r"|date[ ]*of[ ]*study|study[ ]*date|procedure[ ]*date|date[ ]*of[ ]*procedure"
)
COLLECTED = _label(r"collect(?:ed|ion)(?:[ ]*(?:date|on))?|date[ ]*collected|specimen[ ]*date|received")
BARE_DATE = re.compile(r"(?:^|\s{2,}|\t|[|])[ \t]*date[ \t]*[:;|]", re.IGNORECASE)  # "Date:" as a field
FAX_HEADER = re.compile(r"\b(?:fax|from|to|page|pg)\b|\bpage[ ]*\d+[ ]*of[ ]*\d+", re.IGNORECASE)
# Dates beside these labels are never the document's own date.
NOT_DOC_DATE = re.compile(
    r"(?<![A-Za-z])(?:d\.?[ ]?[o0]\.?[ ]?b\b|date[ ]*of[ ]*birth|birth[ ]*date|birthdate|born"
    r"|admi(?:t|ssion)|onset|expir|effective|eff\b|due\b|next\b|injur|loss\b|accident|incident"
    r"|last[ ]*(?:fill|filled|visit|seen|dose)|fill(?:ed)?[ ]*date|from\b|through\b|thru\b)",
    re.IGNORECASE,
)
_PLACE_THEN_DATE = re.compile(r"^[A-Za-z .,'\-]{0,40}$")

Lines = Sequence[str]
Rule = Callable[[Lines, dt.date, set[dt.date]], dt.date | None]


def document_date(
    pages: Sequence[OcrPage],
    *,
    reference_date: dt.date,
    known_dobs: Iterable[dt.date] = (),
    fields: Sequence[str] = (),
) -> dt.date | None:
    """The document's date by the rules above, or None when no usable date is printed. `fields` are the
    pages' "caption: value" lines (boxed fields, header cells over their values): the labelled rules read
    them too; rules 3, 7 and 8 read only the printed lines (a table's values are no letter date)."""
    known = set(known_dobs)
    page_lines = [page.text.split("\n") for page in pages]
    for rule in RULES:
        extra = [list(fields)] if rule in LABELLED else []
        for lines in [*page_lines, *extra]:
            found = rule(lines, reference_date, known)
            if found is not None:
                return found
    return None


def _dates(text: str, reference: dt.date) -> tuple[FoundDate, ...]:
    return find_dates(text, reference_date=reference, kind=DateKind.DOCUMENT)


def _after(label: re.Pattern[str]) -> Rule:
    """The first date within reach after `label` on a line."""

    def rule(lines: Lines, reference: dt.date, dobs: set[dt.date]) -> dt.date | None:
        for line in lines:
            for match in label.finditer(line):
                window = line[match.end() : match.end() + LABEL_REACH]
                found = _dates(window, reference)
                if found and found[0].value not in dobs and found[0].start <= 12:
                    return found[0].value
        return None

    return rule


def _letter_date(lines: Lines, reference: dt.date, dobs: set[dt.date]) -> dt.date | None:
    """A line that holds only a date, or a place and a date, near the top of a page (not the fax line)."""
    for line in lines[:LETTER_LINES]:
        found = _dates(line, reference)
        if len(found) != 1 or found[0].value in dobs or FAX_HEADER.search(line):
            continue
        before, after = line[: found[0].start], line[found[0].end :]
        if _PLACE_THEN_DATE.match(before.strip()) and not after.strip(" .,"):
            return found[0].value
    return None


def _fax_header(lines: Lines, reference: dt.date, dobs: set[dt.date]) -> dt.date | None:
    for line in lines[:HEADER_LINES]:
        if FAX_HEADER.search(line) is None:
            continue
        for found in _dates(line, reference):
            if _usable(found, line, dobs):
                return found.value
    return None


def _any_date(lines: Lines, reference: dt.date, dobs: set[dt.date]) -> dt.date | None:
    for line in lines:
        if len(_CELL_GAP.split(line.strip())) >= 3:  # a table row: a result's, a fill's, a claim line's date
            continue
        for found in _dates(line, reference):
            if _usable(found, line, dobs):
                return found.value
    return None


def _usable(found: FoundDate, line: str, dobs: set[dt.date]) -> bool:
    if found.value in dobs:
        return False
    spans = [(m.start(), m.end() + LABEL_REACH) for m in NOT_DOC_DATE.finditer(line)]
    return not any(start <= found.start < end for start, end in spans)


_ISSUED, _SIGNED, _BARE, _SERVICE, _COLLECTED = (
    _after(label) for label in (ISSUED, SIGNED, BARE_DATE, SERVICE, COLLECTED)
)
RULES: tuple[Rule, ...] = (
    _ISSUED,
    _SIGNED,
    _letter_date,
    _BARE,
    _SERVICE,
    _COLLECTED,
    _fax_header,
    _any_date,
)
LABELLED = frozenset({_ISSUED, _SIGNED, _BARE, _SERVICE, _COLLECTED})
