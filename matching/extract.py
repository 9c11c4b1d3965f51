"""The extract stage: patient identities, document date and type from OCR text (pure, no clock)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

from chartfile.matching import labels
from chartfile.matching.dates import (
    DateKind,
    FoundDate,
    birth_date_misread,
    boxed_dates,
    compact_dates,
    find_dates,
    half_slashed,
    slashes_read,
    zeros_read,
)
from chartfile.matching.docdate import document_date
from chartfile.matching.doctype import document_type
from chartfile.matching.layout import caption_lines, page_cells, rows_text
from chartfile.matching.normalize import normalize_mrn, person_name
from chartfile.matching.parties import parties_differ
from chartfile.matching.relabel import restore_labels
from chartfile.matching.roles import MEMBER, misread_other, patient_field_pages, role_in
from chartfile.matching.same import same_person
from chartfile.matching.tokens import read_words
from chartfile.records import Cell, Extraction, IdentityCandidate, OcrPage, OcrResult, Role, Span

Name = tuple[str, str, str]
T = TypeVar("T")
# Any alphabet's letters (María, Avilés); digits inside: OCR reads l as 1, O as 0.
_NAME_TOKEN = re.compile(r"^[^\W\d_](?:[^\W_]|['’\-.])*$")
# OCR noise inside a printed date: stray marks, and spaces around its separators ("19-Jan- 1999").
_DATE_NOISE = re.compile(r"[~'’‘`]|(?<=[/\-.])\s+|\s+(?=[/\-.]\d)")
_SUB_BOX = re.compile(r"^[a-z][.)]?\s+(?=[A-Z])")  # a form box's letter before its value: "b PEMBERTON, LUCY"
_LAST_FIRST = re.compile(r"\(\s*last\b[^)]*\bfirst\b", re.IGNORECASE)  # "(Last Name, First Name, MI)"
_SUFFIXES = {"JR", "SR", "II", "III", "IV"}
_RE = re.compile(r"r[ef]|regarding", re.IGNORECASE)
# The next field's label run into a name where OCR lost the gap: "LEROY L BARROWS Dale of Service"
_NEXT_LABEL_PHRASE = re.compile(r"\s+[A-Za-z]+\s+of\b.*$", re.IGNORECASE)
_LAST_WORD = re.compile(r"([A-Za-z|!'’]+)[^A-Za-z|!'’]*$")  # the last word before a label
_NESTED_LABEL = re.compile(r"^[ \t]*(?:[A-Za-z'’.]+ ){0,2}[A-Za-z'’.]+ ?:[ \t]*")


def extract(ocr: OcrResult, *, reference_date: dt.date) -> Extraction:
    """Every identity each page prints, the document date and type; `reference_date` = day received.

    OCRed pages are read row by row from their word boxes (spans refer to that row text), after their
    labels OCR misread are restored (`relabel`)."""
    ocr = replace(ocr, pages=tuple(restore_labels(page) for page in ocr.pages))
    originals = {page.number: page.text for page in ocr.pages}
    layouts = {page.number: page_cells(page) for page in ocr.pages}
    captions = {number: "\n".join(caption_lines(cells)) for number, cells in layouts.items()}
    ocr = replace(ocr, pages=tuple(_by_rows(page, layouts[page.number]) for page in ocr.pages))
    cover_pages = {page.number for page in ocr.pages if _is_cover(page)}
    field_pages = patient_field_pages([cell for cells in layouts.values() for cell in cells])
    identities: list[IdentityCandidate] = []
    for page in ocr.pages:
        field = page.number in field_pages
        identities.extend(page_identities(page, reference_date=reference_date, has_patient_field=field))
        if page.words:  # Tesseract's own reading order too: rows can interleave on a badly skewed page
            as_read = replace(page, text=originals[page.number])
            identities.extend(
                page_identities(
                    as_read, reference_date=reference_date, headings=False, has_patient_field=field
                )
            )
        boxed = replace(
            page, text=captions[page.number]
        )  # a caption's value under it: "NAME" over "Jane Roe"
        identities.extend(
            page_identities(boxed, reference_date=reference_date, has_patient_field=field, captions=True)
        )
    identities = _dedupe(identities)
    content = [p for p in ocr.pages if p.number not in cover_pages] or list(ocr.pages)
    cells = tuple(cell for number in sorted(layouts) for cell in layouts[number])
    dobs = {i.dob for i in identities if i.dob is not None} | _labelled_birth_dates(cells, reference_date)
    fields = [[line for line in captions[p.number].split("\n") if line] for p in content]
    doc_date = document_date(content, reference_date=reference_date, known_dobs=dobs, fields=fields)
    ranked = _rank(identities, cover_pages)
    multiple = _several_people([i for i in ranked if i.page not in cover_pages])
    bundled = parties_differ({p.number: p.text for p in content}, parse_name)
    notes = tuple(
        note
        for note, holds in (
            ("pages name more than one patient", multiple),
            ("a party field names different people on different pages", bundled),
        )
        if holds
    )
    return Extraction(
        identities=tuple(ranked),
        doc_date=doc_date,
        doc_type=document_type(content),
        reference_date=reference_date,
        possibly_multiple_patients=multiple or bundled,
        notes=notes,
        cells=cells,
    )


def _labelled_birth_dates(cells: Sequence[Cell], reference: dt.date) -> set[dt.date]:
    """Dates under or beside a birth-date label, read from the page's geometry (a header row's "DOB" over
    a grid's value, a cardholder's too): never the document's own date."""
    return {seen.value for seen in read_words(cells, reference_date=reference).dates if seen.labelled}


def page_identities(
    page: OcrPage,
    *,
    reference_date: dt.date,
    headings: bool = True,
    has_patient_field: bool = False,
    captions: bool = False,
) -> list[IdentityCandidate]:
    """Identities on one page: each name label with the birth date and MRN nearest to it. With
    `headings`, a label alone on its line takes the next line as its value (only where lines are rows
    in reading order: in Tesseract's block order the next line can be anywhere on the page).
    `has_patient_field`: the page has a field for the patient, so a "member" on it is the policy holder.
    `captions`: the page's text is its "caption: value" lines (`layout.caption_lines`)."""
    text, field = page.text, has_patient_field
    names = _names(text, headings=headings, has_patient_field=field)
    dobs = _dobs(text, reference_date, has_patient_field=field, captions=captions, ocr=page.source == "ocr")
    mrns = _mrns(text, has_patient_field=field)
    if not names and (dobs or mrns):
        names = [(None, Span(page.number, 0, 0))]
    found = []
    for index, (name, span) in enumerate(names):
        others = [s.start for j, (_, s) in enumerate(names) if j != index]
        if name is None:  # no name to be near: the page's first labelled birth date and MRN, wherever
            dob, mrn = (dobs[0] if dobs else None), (mrns[0] if mrns else None)
        else:
            dob, mrn = _nearest(dobs, span.start, others), _nearest(mrns, span.start, others)
        last, first, middle = name if name else (None, None, None)
        found.append(
            IdentityCandidate(
                last_name=last,
                first_name=first,
                middle_name=middle,
                dob=dob[0] if dob else None,
                mrn=mrn[0] if mrn else None,
                page=page.number,
                name_span=Span(page.number, span.start, span.end) if name else None,
                dob_span=Span(page.number, dob[1], dob[2]) if dob else None,
                mrn_span=Span(page.number, mrn[1], mrn[2]) if mrn else None,
                low_confidence=page.low_confidence,
                ocr=page.source == "ocr",
            )
        )
    return _dedupe(found)


def _names(text: str, *, headings: bool, has_patient_field: bool) -> list[tuple[Name | None, Span]]:
    hits: list[tuple[Name | None, Span]] = []
    for match in _name_labels(text, has_patient_field):
        value, start = match["value"], match.start("value")
        if not value.strip() and headings:  # a heading: the name is on the next non-empty line
            value, start = _next_line(text, match.end())
        nested = _NESTED_LABEL.match(value) if _RE.fullmatch(match.groupdict().get("short") or "") else None
        if nested:  # "RE: Our Client: Jane Roe", "Re: Claimant: ...": the inner label says whose name
            if role_in(nested.group(), has_patient_field=False) is Role.OTHER:
                continue
            value, start = value[nested.end() :], start + nested.end()
        value = labels.VALUE_END.split(value.lstrip(labels.STRAY_MARKS), maxsplit=1)[0]
        value = _NEXT_LABEL_PHRASE.sub("", value)
        value = _without_trailing_words(_SUB_BOX.sub("", value.strip(labels.STRAY_MARKS)))
        parsed = parse_name(
            value, last_first=_LAST_FIRST.search(text, match.start(), match.start("value")) is not None
        )
        if parsed:
            hits.append((parsed, Span(0, start, start + len(value))))
    return hits


def _name_labels(text: str, has_patient_field: bool) -> list[re.Match[str]]:
    """Name labels ("Patient Name:", "Name:", "RE:") not in someone else's field, and role-worded ones
    ("Client Name", "Resident Name", "Member Name" where no patient field exists), in text order."""
    found = [
        m for m in labels.NAME_LABEL.finditer(text) if not _someone_else(text, m.start(), has_patient_field)
    ]
    starts = {m.start("value") for m in found}
    for match in labels.ROLE_NAME_LABEL.finditer(text):
        patient = role_in(match["role"], has_patient_field=has_patient_field) is Role.PATIENT
        if patient and match.start("value") not in starts and not labels.NAME_LABEL.match(match.group()):
            found.append(match)
    return sorted(found, key=lambda m: m.start())


def _without_trailing_words(value: str) -> str:
    """'Quinton Thomas Conn Notice' (from 'Notice Date:') -> 'Quinton Thomas Conn': words no name has."""
    tokens = value.split()
    while len(tokens) > 2 and tokens[-1].upper().strip(".:") in labels.NOT_NAME_WORDS:
        tokens.pop()
    return " ".join(tokens).strip(labels.STRAY_MARKS) if tokens else value


def _next_line(text: str, position: int) -> tuple[str, int]:
    for line_match in re.finditer(r"[^\n]+", text[position:]):
        if line_match.group().strip():
            return line_match.group(), position + line_match.start()
    return "", position


def parse_name(value: str, *, last_first: bool = False) -> tuple[str, str, str] | None:
    """(last, first, middle) from `LAST, FIRST M` or `First M Last` (`last_first`: the label says the
    surname comes first, "(Last Name, First Name, Middle Initial)": `LAST FIRST M` without a comma);
    None if it is not a person's name."""
    if labels.PROVIDER_MARK.search(value):
        return None
    if "," in value:
        last_part, _, rest = value.partition(",")
        tokens = rest.split()
        last_tokens = last_part.split()
        if not tokens or not last_tokens:
            return None
        last, first, middle = " ".join(last_tokens), tokens[0], " ".join(tokens[1:])
    else:
        tokens = value.split()
        while len(tokens) > 2 and tokens[0].islower() and tokens[1][:1].isupper():
            tokens.pop(0)  # "no Madelyn Kutch": a stray mark read as a word before a capitalised name
        suffix = [tokens.pop()] if len(tokens) > 2 and tokens[-1].upper().strip(".") in _SUFFIXES else []
        if len(tokens) < 2:
            return None
        if last_first and min(len(t.strip(".")) for t in tokens[:2]) > 1:  # "MURPHY SOLEDAD A"
            last, first, middle = " ".join([tokens[0], *suffix]), tokens[1], " ".join(tokens[2:])
        elif len(tokens[-1].strip(".")) == 1:
            return None  # "CARMELIA L": a first name and an initial, the surname printed elsewhere
        else:
            last, first, middle = " ".join([tokens[-1], *suffix]), tokens[0], " ".join(tokens[1:-1])
    words = [*last.split(), first, *middle.split()]
    if len(words) > 5 or not all(_NAME_TOKEN.match(w) for w in words):
        return None
    if sum(ch.isdigit() for ch in "".join(words)) > 1:
        return None
    if any(w.upper().strip(".") in labels.NOT_NAME_WORDS for w in words):
        return None
    return last, first, middle


def _dobs(
    text: str, reference: dt.date, *, has_patient_field: bool, captions: bool = False, ocr: bool = True
) -> list[tuple[dt.date, int, int]]:
    """Birth dates after their labels. On a caption line the value follows the whole caption, however
    long ("3. PATIENT'S BIRTH DATE MM | | SEX [| 4. INSURED'S NAME (...): 07|[10]/1937|"). Where OCR read
    the page, a date no birth date can be ("6/12/2069" on a 2024 page) is the one plausible date a digit
    OCR confuses turns it into, and a month's name read a letter off is the one month it can be
    (`birth_date_misread`); in a text layer it is the sender's typo."""
    hits = []
    for match in labels.DOB_LABEL.finditer(text):
        if _someone_else(text, match.start(), has_patient_field):
            continue
        raw = text[match.end() : match.end() + 40].split("\n", 1)[0]  # its value is on its line
        skipped = len(raw) - len(raw.lstrip(labels.STRAY_MARKS))  # "DOB: . - 05/30/76": stray marks first
        window = _DATE_NOISE.sub("", raw[skipped:])
        found = (
            find_dates(window, reference_date=reference, kind=DateKind.DOB)
            or half_slashed(window, reference_date=reference, kind=DateKind.DOB, lost=True)
            or compact_dates(window, reference_date=reference, kind=DateKind.DOB)
            or slashes_read(window, reference_date=reference, kind=DateKind.DOB)
            or (birth_date_misread(window, reference_date=reference) if ocr else ())
        )
        if found and found[0].start <= 12:
            start = match.end() + skipped + found[0].start
            hits.append((found[0].value, start, match.end() + skipped + found[0].end))
        elif boxed := _boxed_value(_caption_value(text, match.end()) if captions else raw, reference):
            hits.append((boxed.value, match.end() + boxed.start, match.end() + boxed.end))
    return hits


def _caption_value(text: str, label_end: int) -> str:
    """A caption line's rest after a label: up to its first ": " (caption's end), then its value."""
    line = text[label_end:].split("\n", 1)[0]
    joint = line.find(": ")
    return line if joint < 0 else line[: joint + 2] + line[joint + 2 :][:40]


def _boxed_value(raw: str, reference: dt.date) -> FoundDate | None:
    """A birth date in digit boxes after its label, or after its caption's format hint and colon
    ("BIRTH DATE MM | DD | YY: [06 |[24 ||1984]": a caption line joins caption and value with ": ")."""
    value_start = raw.rfind(": ") + 1
    found = boxed_dates(zeros_read(raw[value_start:]), reference_date=reference, short_years=True)
    if not found or found[0].start > 12:
        return None
    return FoundDate(found[0].value, value_start + found[0].start, value_start + found[0].end)


def _mrns(text: str, *, has_patient_field: bool) -> list[tuple[str, int, int]]:
    hits = []
    for match in labels.MRN_LABEL.finditer(text):
        if _someone_else(text, match.start(), has_patient_field):
            continue
        value = normalize_mrn(match["value"])
        if sum(ch.isdigit() for ch in value) >= max(3, len(value) // 2):
            hits.append((value, match.start("value"), match.end("value")))
    return hits


def _someone_else(text: str, position: int, has_patient_field: bool) -> bool:
    """Is the label on this line preceded by words making it a guarantor's, provider's, ... field (a
    member's, when the document has a field for the patient)?"""
    line_start = text.rfind("\n", 0, position) + 1
    before = text[max(line_start, position - 30) : position]
    member = has_patient_field and bool(MEMBER.search(before))
    owner = _LAST_WORD.search(before)  # "INSURFO'S DATE OF BIRTH": the label's own possessive, misread
    return member or bool(labels.DISTRACTOR_CONTEXT.search(before)) or bool(owner and misread_other(owner[1]))


def _nearest(
    hits: Sequence[tuple[T, int, int]], anchor: int, other_names: list[int]
) -> tuple[T, int, int] | None:
    """The hit closest to this name (at most ~12 lines away) that is not closer to another name."""
    best = None
    for hit in hits:
        distance = abs(hit[1] - anchor)
        if distance > 900 or any(abs(hit[1] - other) < distance for other in other_names):
            continue
        if best is None or distance < abs(best[1] - anchor):
            best = hit
    return best


def _dedupe(found: list[IdentityCandidate]) -> list[IdentityCandidate]:
    kept: list[IdentityCandidate] = []
    for identity in found:
        key = (identity.last_name, identity.first_name, identity.dob, identity.mrn)
        if all((k.last_name, k.first_name, k.dob, k.mrn) != key for k in kept):
            kept.append(identity)
    return kept


def _by_rows(page: OcrPage, cells: Sequence[Cell]) -> OcrPage:
    return replace(page, text=rows_text(cells)) if page.words else page


def _is_cover(page: OcrPage) -> bool:
    head = page.text[:400]
    return bool(labels.COVER_SHEET.search(head)) and "to:" in page.text.lower()


def _rank(identities: list[IdentityCandidate], cover_pages: set[int]) -> list[IdentityCandidate]:
    """Most complete identities first (of equals, one with a birth date); cover sheets last; then page
    order."""

    def key(identity: IdentityCandidate) -> tuple[bool, int, bool, int]:
        fields = sum(v is not None for v in (identity.last_name, identity.dob, identity.mrn))
        return (identity.page in cover_pages, -fields, identity.dob is None, identity.page)

    return sorted(identities, key=key)


def _several_people(identities: list[IdentityCandidate]) -> bool:
    """Does any identity clearly describe someone other than the most complete one?"""
    if len(identities) < 2:
        return False
    first = identities[0]
    return any(not same_person(first, other) for other in identities[1:])


__all__ = ["extract", "normalize_mrn", "parse_name", "person_name"]
