"""Pick a document's own date: labelled dates first, then the fax header, then any date that is not a DOB."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from chartfile.matching.dates import DateKind, FoundDate, find_dates
from chartfile.records import OcrPage

LABEL_REACH = 30
HEADER_LINES = 3


# Document-date labels, strongest first; a bare `Date:` ranks below the specific ones.
def _label(alternatives: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z])(?:{alternatives})[ \t]*[:;|]?", re.IGNORECASE)


# Document-date labels, strongest first: the date the document speaks for (reported, noticed, signed),
# then the service it is about, then collection; a bare `Date:` last.
DATE_LABELS: tuple[re.Pattern[str], ...] = (
    _label(
        r"report(?:ed)?[ ]*date|date[ ]*reported|reported|date[ ]*of[ ]*report|notice[ ]*date|letter[ ]*date"
        r"|result[ ]*date|determination[ ]*date|date[ ]*of[ ]*determination|date[ ]*signed"
    ),
    _label(
        r"date[ ]*of[ ]*service|service[ ]*date|dos\b|exam[ ]*date|date[ ]*of[ ]*exam|visit[ ]*date"
        r"|date[ ]*of[ ]*visit|discharge[ ]*date|date[ ]*of[ ]*discharge|encounter[ ]*date"
        r"|date[ ]*of[ ]*study|study[ ]*date"
    ),
    _label(r"collect(?:ed|ion)(?:[ ]*(?:date|on))?|date[ ]*collected|signed[ ]*on"),
    re.compile(r"(?<![A-Za-z])(?<!birth )(?<!birth)date[ \t]*[:;|]", re.IGNORECASE),
)
FAX_HEADER = re.compile(r"\b(?:fax|from|to|page|pg)\b|\bpage[ ]*\d+[ ]*of[ ]*\d+", re.IGNORECASE)
# Dates beside these labels are never the document's own date.
NOT_DOC_DATE = re.compile(
    r"(?<![A-Za-z])(?:d\.?[ ]?[o0]\.?[ ]?b\b|date[ ]*of[ ]*birth|birth[ ]*date|birthdate|born"
    r"|admi(?:t|ssion)|onset|expir|effective|eff\b|due\b|next\b)",
    re.IGNORECASE,
)


def _usable(found: FoundDate, line: str, dobs: set[dt.date]) -> bool:
    if found.value in dobs:
        return False
    spans = [(m.start(), m.end() + LABEL_REACH) for m in NOT_DOC_DATE.finditer(line)]
    return not any(start <= found.start < end for start, end in spans)


def _labelled(lines: Sequence[str], rank: int, reference: dt.date, dobs: set[dt.date]) -> dt.date | None:
    for line in lines:
        for label in DATE_LABELS[rank].finditer(line):
            window = line[label.end() : label.end() + LABEL_REACH]
            dates = find_dates(window, reference_date=reference, kind=DateKind.DOCUMENT)
            if dates and dates[0].value not in dobs:
                return dates[0].value
    return None


def _fax_header(lines: Sequence[str], reference: dt.date, dobs: set[dt.date]) -> dt.date | None:
    for line in lines[:HEADER_LINES]:
        if FAX_HEADER.search(line) is None:
            continue
        for found in find_dates(line, reference_date=reference, kind=DateKind.DOCUMENT):
            if _usable(found, line, dobs):
                return found.value
    return None


def _any_date(lines: Iterable[str], reference: dt.date, dobs: set[dt.date]) -> dt.date | None:
    for line in lines:
        for found in find_dates(line, reference_date=reference, kind=DateKind.DOCUMENT):
            if _usable(found, line, dobs):
                return found.value
    return None


def document_date(
    pages: Sequence[OcrPage], *, reference_date: dt.date, known_dobs: Iterable[dt.date] = ()
) -> dt.date | None:
    """The document's date; never a birth date read on it, never more than ~1 year after `reference_date`."""
    known = set(known_dobs)
    page_lines = [page.text.split("\n") for page in pages]
    for rank in range(len(DATE_LABELS)):
        for lines in page_lines:
            found = _labelled(lines, rank, reference_date, known)
            if found is not None:
                return found
    for lines in page_lines:
        found = _fax_header(lines, reference_date, known) or _any_date(lines, reference_date, known)
        if found is not None:
            return found
    return None
