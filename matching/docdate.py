"""A document's own date as a clerk files it: the day it was written or issued. (Pure.)

When several dates are printed, the first rule below that finds one wins, in the page's lines or in its
boxes' "caption: value" readings; rules 1-4 are tried page by page (the first page that says when it was
written decides), rules 5-8 over all pages:
1. an issue label: "date" with a word saying the document was written or issued (report, letter,
   notice, statement, request, order, decision, creation, print, run...; "Date of this notice",
   "Creation Date") or such a participle right before the date ("Issued", "Sent:", "Electronically
   signed:", "Generated on"); never a label that also names an event ("Statement covers period from");
2. the date beside a signature ("Signature ... Date: 10/30/2026", "Electronically signed by ... on ...");
3. a letter's date: a line holding only a date (a place may precede it) near the top of a page;
4. a bare "Date:" field (forms print the day they were filled in; "Dale:", one glyph misread, too);
5. the date of the event the document reports (visit, exam, discharge, transfer, consultation, operation):
   a note is written on the day of the visit when it says nothing else;
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

from chartfile.matching.dates import DateKind, FoundDate, find_dates, misread_slashes, one_digit_misread
from chartfile.matching.labels import STRAY_MARKS
from chartfile.records import OcrPage

LABEL_REACH = 30
HEADER_LINES = 3
LETTER_LINES = 14
_CELL_GAP = re.compile(r"\s{3,}")


def _label(alternatives: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z])(?:{alternatives})[ \t]*[:;|.]?", re.IGNORECASE)


# Rule 1's vocabulary: what says a document was written or issued, in any order with "date"
# ("Report Date", "Date of Notice", "Creation Date", "Date Printed"), or a participle right before the
# date ("Issued 04/28/2026", "Generated on ..."). A label that also names an event (a service, an
# admission, a period "from ... through ...") is that event's date, never the document's.
_ISSUE_NOUN = (
    r"report|results?|letter|notice|statement|request|referral|order|determination|decision|issue|print"
    r"|run|creation|preparation|signature|completion|correspondence|document|form|claim|remittance"
    r"|submission|dictation|today(?:['’]?s)?"  # "Today's Date": the day a form was filled in
    r"|rpt|stmt|req|ltr"  # the abbreviations short-label forms print ("Rpt Dt", "Stmt Date")
)
_ISSUE_PARTICIPLE = (
    r"reported|issued|printed|created|generated|prepared|written|dictated|signed|finali[sz]ed|approved"
    r"|verified|completed|mailed|dated|requested|submitted|authored|sent(?:\s+for\s+signature)?"
)
_DATE = r"(?:date|dt\b\.?)"  # "Date", and "Dt" as short labels print it
ISSUED = _label(
    rf"(?:{_ISSUE_NOUN}|{_ISSUE_PARTICIPLE})[ ]*{_DATE}|{_DATE}[ ]*(?:of[ ]*(?:this[ ]*)?)?(?:{_ISSUE_NOUN}"
    rf"|{_ISSUE_PARTICIPLE})|(?:{_ISSUE_PARTICIPLE})(?:[ ]*on)?"
)
EVENT = re.compile(
    r"(?<![A-Za-z])(?:servic|visit|exam|stud(?:y|ies)|procedur|encounter|admi(?:t|ssion)|discharg|onset"
    r"|injur|loss|accident|incident|effective|expir|due|next|last|fill|from|through|thru|period|cover"
    r"|collect|specimen|receiv|receipt|occurrence|start|end\b|hire|surg|since|eligib|appointment|follow"
    r"|birth|born|dob\b|transcri|schedul|paid|payment|check)",
    re.IGNORECASE,
)
SIGNED = re.compile(
    r"(?:^|\s{2,}|\t|[|])[ \t]*(?:note[ ]+|date[ ]+)?signed(?:[ ]+on)?[ \t]*[:;|.]"  # "Note signed:"
    r"|\b(?:signed|dictated|approved|finali[sz]ed|verified|interpreted|read|reported|reviewed|authenticated"
    r"|attested|released)[ ]+by\b[^\n]{0,60}?\bon\b"  # "by X on DATE"
    r"|signature\b[^\n]{0,60}?\bdate\b[ \t]*[:;|.]?",  # "Physician signature: ____  Date: 10/20/2026"
    re.IGNORECASE,
)
# Rule 5's events: what a document reports happening to the patient on its day (a visit, an exam, a
# transfer, a consultation, an operation), in either order with "date", also as short labels abbreviate
# them. Not an evaluation: a plan of care prints its initial evaluation's date (history) and the next
# re-evaluation's (a schedule) beside its own.
_EVENT_NOUN = (
    r"service|svc|exam(?:ination)?|visit|encounter|discharge|d/c|stud(?:y|ies)|procedure|transfer"
    r"|consult(?:ation)?|surgery|operation|assessment|test|treatment"
)
SERVICE = _label(rf"(?:{_EVENT_NOUN})[ ]*{_DATE}|{_DATE}[ ]*of[ ]*(?:{_EVENT_NOUN})|dos\b")
COLLECTED = _label(r"collect(?:ed|ion)(?:[ ]*(?:date|on))?|date[ ]*collected|specimen[ ]*date|received")
# "Date" and, before a colon, the word OCR makes of it with one glyph wrong ("Dale:", "Oate:", "Dete:")
_DATE_MISREAD = r"(?:date|[a-z]ate|d[a-z]te|da[a-z]e|dat[a-z])"
BARE_DATE = re.compile(  # "Date:" as a field; "DATE 02/02/2025" under a form's signature box; "Date:"
    # after the value of the field before it on the line ("Chart: 475882987 Date: 4/20/2026")
    rf"(?:^|\s{{2,}}|\t|[|])[ \t]*(?:date[ \t]+(?=\d)|{_DATE_MISREAD}[ \t]*[:;|.])"
    rf"|(?<=\d[ \t]){_DATE_MISREAD}[ \t]*[:;|]",
    re.IGNORECASE,
)
FAX_HEADER = re.compile(r"\b(?:fax|from|to|page|pg)\b|\bpage[ ]*\d+[ ]*of[ ]*\d+", re.IGNORECASE)
# Dates beside these labels are never the document's own date.
NOT_DOC_DATE = re.compile(
    r"(?<![A-Za-z])(?:d\.?[ ]?[o0]\.?[ ]?b\b|date[ ]*of[ ]*birth|birth[ ]*date|birthdate|born"
    r"|admi(?:t|ssion)|onset|expir|effective|eff\b|due\b|next\b|injur|loss\b|accident|incident"
    r"|last[ ]*(?:fill|filled|visit|seen|dose)|fill(?:ed)?[ ]*date|from\b|through\b|thru\b)",
    re.IGNORECASE,
)
_COMPACT = re.compile(r"^[ \t:|.]*(\d{6}|\d{8})(?!\d)")
_MIXED_MARKS = re.compile(r"^[ \t:|.]*(\d{1,2})[./\- ]{1,2}(\d{1,2})[./\- ]{1,2}(\d{4})(?!\d)")
_DIGIT_RUN = re.compile(r"^[ \t:|.]*(\d{7,11})(?![\d:])")  # not a time ("at 184700")
_PLACE_THEN_DATE = re.compile(r"^[A-Za-z .,'\-]{0,40}$")

Lines = Sequence[str]
Rule = Callable[[Lines, dt.date, set[dt.date]], dt.date | None]


def document_date(
    pages: Sequence[OcrPage],
    *,
    reference_date: dt.date,
    known_dobs: Iterable[dt.date] = (),
    fields: Sequence[Sequence[str]] = (),
) -> dt.date | None:
    """The document's date by the rules above, or None when no usable date is printed. Rules 1-4 say
    when the document was written: the first page that has one decides (later pages are continuations
    and enclosures: an enclosed authorization's signature date is not the letter's). Rules 5-8 look at
    every page. `fields[i]` are page i's "caption: value" lines (boxed fields, header cells over their
    values): the labelled rules read them too; the letter, fax-header and any-date rules do not."""
    known = set(known_dobs)
    printed = [page.text.split("\n") for page in pages]
    boxed = [list(f) for f in fields] or [[] for _ in pages]
    for lines, captions in zip(printed, boxed, strict=False):
        for rule in WRITTEN:  # a rule's reading of the boxes outranks the next rule's of the text
            found = rule(lines, reference_date, known) or (
                rule(captions, reference_date, known) if rule in LABELLED else None
            )
            if found is not None:
                return found
    for rule in FALLBACK:
        texts = [*printed, *boxed] if rule in LABELLED else printed
        for lines in texts:
            found = rule(lines, reference_date, known)
            if found is not None:
                return found
    return None


def _dates(text: str, reference: dt.date) -> tuple[FoundDate, ...]:
    return find_dates(text, reference_date=reference, kind=DateKind.DOCUMENT)


def _labelled_dates(window: str, reference: dt.date) -> tuple[FoundDate, ...]:
    """Dates right after a label, also in the compact forms claim forms print ("042826", "04282026"),
    and a fax's date whose slashes OCR read as digits ("771672024": 7/16/2024)."""
    found = _dates(window, reference)
    if found:
        return found
    mixed = _MIXED_MARKS.match(window)  # "DATE 07.17 2025": OCR read one slash as a dot, one as a space
    if mixed is not None:
        found = tuple(
            FoundDate(d.value, mixed.start(1), mixed.end(3))
            for d in _dates("/".join(mixed.groups()), reference)
        )
        if found:
            return found
    compact = _COMPACT.match(window)
    if compact is not None:
        digits = compact.group(1)
        shaped = f"{digits[:2]}/{digits[2:4]}/{digits[4:]}"
        found = tuple(FoundDate(d.value, compact.start(1), compact.end(1)) for d in _dates(shaped, reference))
    run = _DIGIT_RUN.match(window)
    if found:
        return found
    if run is None:  # "Date of Report; 96/18/2024": a digit OCR confuses, where one date fits
        return one_digit_misread(window, reference_date=reference, kind=DateKind.DOCUMENT)
    value = misread_slashes(run.group(1), reference_date=reference, kind=DateKind.DOCUMENT)
    return (FoundDate(value, run.start(1), run.end(1)),) if value else ()


def _after(label: re.Pattern[str], *, events: bool = True) -> Rule:
    """The first date within reach after `label` on a line (`events=False`: not when the label's field
    also names an event, "Statement Covers Period From")."""

    def rule(lines: Lines, reference: dt.date, dobs: set[dt.date]) -> dt.date | None:
        for line in lines:
            for match in label.finditer(line):
                if not events and EVENT.search(_field_label(line, match)):
                    continue
                window = line[match.end() : match.end() + LABEL_REACH]
                found = _labelled_dates(window, reference)
                if found and found[0].value not in dobs and found[0].start <= 12:
                    return found[0].value
        return None

    return rule


def _field_label(line: str, match: re.Match[str]) -> str:
    """The whole label a match is part of: from the start of its cell to the end of the label's words
    (before the value: a colon, a digit or the end of the cell)."""
    start = max((m.end() for m in _CELL_GAP.finditer(line, 0, match.start())), default=0)
    tail = re.match(r"[A-Za-z' .#/()]*", line[match.end() :])
    return line[start : match.end() + (tail.end() if tail else 0)]


def _letter_date(lines: Lines, reference: dt.date, dobs: set[dt.date]) -> dt.date | None:
    """A line that holds only a date, or a place and a date, near the top of a page (not the fax line)."""
    for line in lines[:LETTER_LINES]:
        found = _dates(line, reference)
        if len(found) != 1 or found[0].value in dobs or FAX_HEADER.search(line):
            continue
        before, after = line[: found[0].start], line[found[0].end :]
        if _PLACE_THEN_DATE.match(before.strip()) and not after.strip(STRAY_MARKS):  # "09/21/2026 |"
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


_ISSUED = _after(ISSUED, events=False)
_SIGNED, _BARE, _SERVICE, _COLLECTED = (_after(label) for label in (SIGNED, BARE_DATE, SERVICE, COLLECTED))
WRITTEN: tuple[Rule, ...] = (_ISSUED, _SIGNED, _letter_date, _BARE)
FALLBACK: tuple[Rule, ...] = (_SERVICE, _COLLECTED, _fax_header, _any_date)
LABELLED = frozenset({_ISSUED, _SIGNED, _BARE, _SERVICE, _COLLECTED})
