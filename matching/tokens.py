"""What a page prints that can identify a person, independent of labels: words, dates, numbers, phones.

Each is found where it is (which cell), so the identity search can ask what is near what. (Pure.)
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace

from chartfile.matching.dates import (
    DateKind,
    birth_date_misread,
    boxed_dates,
    compact_dates,
    find_dates,
    half_slashed,
    slashes_read,
    zeros_read,
)
from chartfile.matching.glyphs import Run
from chartfile.matching.labels import DOB_LABEL, MRN_WORD
from chartfile.matching.layout import below, is_caption, split_below
from chartfile.matching.normalize import digits_only, mrn_key, normalize_mrn, ocr_fold, squash
from chartfile.matching.roles import label_role, patient_field_pages, role_in
from chartfile.records import Cell, Role

_PHONE = re.compile(r"(?<![\d\-])\(?\b(\d{3})\)?[\s.\-]{0,2}(\d{3})[\s.\-]{1,2}(\d{4})\b(?![\-]\d)")
_LAST_DOB_LABEL = re.compile(DOB_LABEL.pattern + r"[ \t:.#\-]*$", re.IGNORECASE)  # a label ending the text
_FAR_FUTURE = dt.date(3000, 1, 1)  # any date is a date here, not only a plausible one
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[A-Za-z]{2}")  # a word beside a date: a label of its own
_FAX_NUMBER = re.compile(r"\bfax\b|\bfx\b|\bf:", re.IGNORECASE)
_GLUED_INITIAL = re.compile(r"^([A-Za-z])\.([A-Za-z][A-Za-z'’\-]+)$")  # "A.O'KON"; not "J.R." nor "St.John"
# One digit OCR set before a word of letters (a box rule, a stutter: "0O'KON" for "O'KON"); no name
# prints one, and an ordinal ("1ST") or a dose ("5MG") keeps it (fewer than three letters follow).
_STRAY_DIGIT = re.compile(r"^[0-9](?=[A-Za-z][A-Za-z'’\-]{2,}$)")
_WORD_EDGES = "\"'‘’“”`.,;:|()[]{}<>*•_"
_READ: dict[int, tuple[tuple[Cell, ...], dt.date, PageWords]] = {}  # read_words' last readings, by id
_READ_LOCK = threading.Lock()
_READ_KEPT = 8  # more than the documents one process decides at once
_MIN_PART = 3  # a hyphenated word's part shorter than this is no surname of its own ("O-", "A-")


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a cell, with its keys: squashed as printed and OCR-folded."""

    cell: int  # index into the page's cells
    index: int  # position within the cell
    text: str  # as printed, stray marks stripped
    key: str
    fold: str
    comma_after: bool
    colon_after: bool = False  # "Nm:", "Patient:": a label's word, not a name's
    parts: frozenset[str] = frozenset()  # a hyphenated word's parts, squashed and folded ("MET#-BRAUN")

    def keyed(self, keys: Collection[str]) -> bool:
        """Does the word, OCR-folded, or a part of a hyphenated one, read as one of `keys`?"""
        return self.key in keys or self.fold in keys or not self.parts.isdisjoint(keys)


@dataclass(frozen=True, slots=True)
class DateSeen:
    value: dt.date
    cell: int
    text: str
    labelled: bool = False  # a birth-date label is before it, to its left or above it


@dataclass(frozen=True, slots=True)
class NumberSeen:
    value: str  # an MRN as printed (normalised) or ten phone digits
    cell: int
    labelled: bool = False  # an MRN label is before it, to its left or above it
    key: str = ""  # an MRN's OCR-folded key (normalize.mrn_key)


@dataclass(frozen=True, slots=True)
class PageWords:
    """The cells of one document and what they print, found once."""

    cells: tuple[Cell, ...]
    tokens: tuple[Token, ...]
    dates: tuple[DateSeen, ...]
    numbers: tuple[NumberSeen, ...]  # MRN-shaped words
    phones: tuple[NumberSeen, ...]
    keys: frozenset[str]  # every token key and fold on the document
    field_pages: frozenset[int]  # the pages with a field for the patient (roles.patient_field_pages)
    by_cell: dict[int, tuple[Token, ...]] = field(default_factory=dict)
    rows: dict[tuple[int, int], tuple[int, ...]] = field(default_factory=dict)  # (page, row) -> cells
    windows: dict[int, frozenset[int]] = field(default_factory=dict)  # filled as the search asks
    window_tokens: dict[int, list[Token]] = field(default_factory=dict)  # likewise
    roles: dict[tuple[int, int, int], Role] = field(default_factory=dict)  # (cell, words) -> its label's role
    row_runs: dict[tuple[int, int], tuple[Run, ...]] = field(default_factory=dict)  # glyphs.date_runs
    variant_days: frozenset[dt.date] | None = None  # the dates and their slips, when first needed
    birth_roles: dict[DateSeen, Role | None] = field(default_factory=dict)  # birth_date_role, as asked
    others_dates: dict[tuple[int, str, bool], bool] = field(default_factory=dict)  # evidence: another's date


def read_words(cells: Sequence[Cell], *, reference_date: dt.date) -> PageWords:
    """Tokens, dates, MRN-shaped numbers and phone numbers of every cell. A document's words are read
    once: `extract` and `decide` ask for the same cells (the extraction's), and the last few readings
    are kept by the cells' identity (a memo, not state: the same cells always read the same)."""
    if not isinstance(cells, tuple):
        return _read_words(tuple(cells), reference_date)
    with _READ_LOCK:
        kept = _READ.get(id(cells))
    if kept is not None and kept[0] is cells and kept[1] == reference_date:
        return kept[2]
    words = _read_words(cells, reference_date)
    with _READ_LOCK:
        _READ[id(cells)] = (cells, reference_date, words)
        while len(_READ) > _READ_KEPT:
            del _READ[next(iter(_READ))]
    return words


def _read_words(cells: tuple[Cell, ...], reference_date: dt.date) -> PageWords:
    tokens = tuple(t for i, cell in enumerate(cells) for t in _tokens(i, cell.text))
    by_cell: dict[int, list[Token]] = defaultdict(list)
    for token in tokens:
        by_cell[token.cell].append(token)
    rows: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, cell in enumerate(cells):
        rows[(cell.page, cell.row)].append(i)
    frozen_rows = {r: tuple(cs) for r, cs in rows.items()}
    field_pages = patient_field_pages(cells)
    dates = tuple(_dates(cells, frozen_rows, reference_date))
    mrn_labels = _label_cells(MRN_WORD, cells)
    numbers = tuple(
        replace(n, labelled=_labelled(mrn_labels, cells, frozen_rows, n.cell)) for n in _numbers(tokens)
    )
    keys = frozenset(k for t in tokens for k in (t.key, t.fold, *t.parts) if k)
    by_cell_frozen = {c: tuple(ts) for c, ts in by_cell.items()}
    return PageWords(
        cells,
        tokens,
        dates,
        numbers,
        tuple(_phones(cells)),
        keys,
        field_pages,
        by_cell_frozen,
        frozen_rows,
    )


def _label_cells(label: re.Pattern[str], cells: Sequence[Cell]) -> frozenset[int]:
    """The cells that print `label`: each cell's text is searched once per document."""
    return frozenset(i for i, cell in enumerate(cells) if label.search(cell.text))


def _labelled(
    labels: frozenset[int], cells: Sequence[Cell], rows: dict[tuple[int, int], tuple[int, ...]], cell: int
) -> bool:
    """Is one of the `labels` cells where the value's label is printed: its own cell, the cell to its
    left, or a caption just above it? A label cell with a value of its own ("DOB: 09/27/1962") labels
    nothing beside or below it."""
    if not labels:
        return False
    if cell in labels:
        return True
    here = cells[cell]
    row = rows.get((here.page, here.row), ())
    at = row.index(cell)
    if at >= 1 and row[at - 1] in labels and is_caption(cells[row[at - 1]].text):
        return True
    return _captioned(labels, cells, rows, cell)


def _captioned(
    labels: frozenset[int], cells: Sequence[Cell], rows: dict[tuple[int, int], tuple[int, ...]], cell: int
) -> bool:
    """Is one of the `labels` cells a caption just above the cell (a box's caption, a header cell)?"""
    here = cells[cell]
    return any(
        i in labels and _over(cells[i], here) and is_caption(cells[i].text)
        for up in (1, 2)
        for i in rows.get((here.page, here.row - up), ())
    )


def _over(upper: Cell, lower: Cell) -> bool:
    return min(upper.right, lower.right) > max(upper.left, lower.left)


def _tokens(cell: int, text: str) -> list[Token]:
    """A cell's words, without a digit OCR set before a word's letters; an initial glued to the next
    name by its period ("A.O'KON": OCR lost the space) is two words at one position (positions count
    the words as printed)."""
    found = []
    for index, raw in enumerate(text.split()):
        word = raw.strip(_WORD_EDGES)
        if word[:1].isdigit():
            word = _STRAY_DIGIT.sub("", word)
        glued = _GLUED_INITIAL.match(word)
        for part in (glued[1], glued[2]) if glued else (word,):
            key = squash(part)
            if key:
                comma, colon = raw.endswith(","), raw.endswith(":")
                found.append(Token(cell, index, part, key, ocr_fold(part), comma, colon, _parts(part)))
    return found


def _parts(word: str) -> frozenset[str]:
    """The parts of a hyphenated word, as printed and OCR-folded: a compound surname whose other part
    OCR damaged ("MET#-BRAUN") still prints one of the patient's surnames whole."""
    if "-" not in word:
        return frozenset()
    squashed = [squash(p) for p in word.split("-")]
    return frozenset(k for p in squashed if len(p) >= _MIN_PART for k in (p, ocr_fold(p)))


def _dates(
    cells: Sequence[Cell],
    rows: dict[tuple[int, int], tuple[int, ...]],
    reference: dt.date,
) -> list[DateSeen]:
    """Dates as written ("03/04/1957", "March 4, 1957"); dates in digit boxes ("03 | 04 | 1957") with a
    four-digit year; the compact forms claims and interfaces print ("03041957", "19570304"), labelled
    or not (a birth-date caption OCR could not read); and, in a field labelled as a birth date, the
    boxed two-digit year, a date whose slashes OCR read as digits or with one slash lost, and (where OCR
    read it) a date no birth date can be, read through one digit OCR confuses."""
    found = []
    dob_labels = _label_cells(DOB_LABEL, cells)
    for i, cell in enumerate(cells):
        if not _DIGIT.search(cell.text):
            continue
        labelled = _labelled(dob_labels, cells, rows, i)
        text = zeros_read(cell.text)
        dates = find_dates(text, reference_date=reference, kind=DateKind.DOB)
        for date in dates + half_slashed(text, reference_date=reference, kind=DateKind.DOB, lost=labelled):
            found.append(DateSeen(date.value, i, text[date.start : date.end], labelled))
        found.extend(_compact_dates(i, text, reference, labelled=labelled))
        if labelled:
            found.extend(_slashes_misread(i, text, reference, ocr=cell.ocr))
    for row in rows.values():
        found.extend(_boxed_dates(cells, rows, row, reference, dob_labels))
    return _down_the_column(_distinct(found), cells, rows, dob_labels)


def _down_the_column(
    found: list[DateSeen],
    cells: Sequence[Cell],
    rows: dict[tuple[int, int], tuple[int, ...]],
    dob_labels: frozenset[int],
) -> list[DateSeen]:
    """A table's birth-date column: a date under a birth date labelled by the column's caption (one or
    two rows down, in its columns) is a birth date too ("DOB" over "06/01/1959" over "05/05/2010": a
    second person's row). Only a date alone in its cell continues a column ("Collected: 10/28/2026" under
    it is a field of its own), and only a date under its caption heads one: a label's value beside it
    ("DOB: 06/01/1959", "DOB:" | "5/24/1974") is one field, and the date under it another's."""
    column = {d.cell for d in found if d.labelled and _captioned(dob_labels, cells, rows, d.cell)}
    if not column:
        return found
    bare = {d.cell for d in found if _alone(cells[d.cell], d)}
    for i in sorted(bare - column, key=lambda i: (cells[i].page, cells[i].row)):
        here = cells[i]
        if any(_column_above(cells[j], here) for j in column):
            column.add(i)
    return [replace(d, labelled=True) if d.cell in column and not d.labelled else d for d in found]


def _column_above(upper: Cell, lower: Cell) -> bool:
    return upper.page == lower.page and 0 < lower.row - upper.row <= 2 and _over(upper, lower)


def _alone(cell: Cell, seen: DateSeen) -> bool:
    """Is the date all its cell prints (no word beside it that would be a label of its own)?"""
    return not _LETTER.search(cell.text.replace(seen.text, ""))


def _boxed_dates(
    cells: Sequence[Cell],
    rows: dict[tuple[int, int], tuple[int, ...]],
    row: Sequence[int],
    reference: dt.date,
    dob_labels: frozenset[int],
) -> list[DateSeen]:
    """Digit boxes read across a row's cells ("[12 |[11 |l1967": OCR splits the boxes and reads their
    rules as brackets, bars or an l); each date belongs to the cell its month is in."""
    digits = [i for i in row if _DIGIT.search(cells[i].text)]
    if not digits:
        return []
    text, starts = "", []
    for i in digits:
        starts.append((len(text), i))
        text += zeros_read(cells[i].text) + " | "
    found = []
    for date in boxed_dates(text, reference_date=reference, short_years=True):
        cell = max((i for start, i in starts if start <= date.start), default=digits[0])
        labelled = _labelled(dob_labels, cells, rows, cell)
        full_year = text[date.end - 4 : date.end].isdigit()  # a box separates a two-digit year
        if labelled or full_year:  # "01 18 08" could be anything; under a DOB caption it is a date
            found.append(DateSeen(date.value, cell, text[date.start : date.end], labelled))
    return found


def _slashes_misread(i: int, text: str, reference: dt.date, *, ocr: bool) -> list[DateSeen]:
    """In a birth-date field, digits whose slashes OCR read as digits ("032872005" for 03/28/2005); where
    OCR read it, a date misread through one slip (`birth_date_misread`: "6/12/2069" on a 2024 page,
    "Sop 18, 2016")."""
    found = slashes_read(text, reference_date=reference, kind=DateKind.DOB)
    if ocr:
        found += birth_date_misread(text, reference_date=reference)
    return [DateSeen(date.value, i, text[date.start : date.end], True) for date in found]


def _compact_dates(i: int, text: str, reference: dt.date, *, labelled: bool) -> list[DateSeen]:
    found = compact_dates(text, reference_date=reference, kind=DateKind.DOB)
    return [DateSeen(date.value, i, text[date.start : date.end], labelled) for date in found]


def _distinct(found: list[DateSeen]) -> list[DateSeen]:
    return list({(d.value, d.cell): d for d in found}.values())


def _phones(cells: Sequence[Cell]) -> list[NumberSeen]:
    found = []
    for i, cell in enumerate(cells):
        for match in _PHONE.finditer(cell.text):
            if not _FAX_NUMBER.search(cell.text[max(0, match.start() - 12) : match.start()]):
                found.append(NumberSeen("".join(match.groups()), i))
    return found


def _numbers(tokens: Sequence[Token]) -> list[NumberSeen]:
    found = []
    for token in tokens:
        if not _DIGIT.search(token.text):
            continue
        value = normalize_mrn(token.text)
        digits = len(digits_only(value))
        if len(value) >= 5 and digits >= max(4, len(value) // 2) and "/" not in token.text:
            found.append(NumberSeen(value, token.cell, key=mrn_key(value)))
    return found


def cells_beside(words: PageWords, cell: int) -> Iterator[tuple[str, tuple[Token, ...]]]:
    """("right" | "left", words) of the cells beside `cell` on its row, where a table or a boxed form
    prints the rest of a name ("Last | First", "First | Last"); a middle initial's box may sit between
    ("Last | MI | First"): then the cell after it too. Right first, then left (nearest first)."""
    here = words.cells[cell]
    row = words.rows.get((here.page, here.row), ())
    position = row.index(cell)
    yield from (("right", t) for t in _cells_from(words, row[position + 1 : position + 3]))
    yield from (("left", t) for t in _cells_from(words, row[max(0, position - 2) : position][::-1]))


def _cells_from(words: PageWords, cells: Sequence[int]) -> Iterator[tuple[Token, ...]]:
    for i, cell in enumerate(cells):
        tokens = words.by_cell.get(cell, ())
        if not tokens:
            return
        yield tokens
        if i == 0 and not (len(tokens) == 1 and len(tokens[0].key) == 1):
            return


def birth_date_role(words: PageWords, seen: DateSeen) -> Role | None:
    """Whose birth date `seen` is, by its birth-date label (`birth_date_label`): the label's own words
    first ("Cardholder DOB", "INSURED'S DATE OF BIRTH", "Member DOB" where the page has a field for the
    patient), then the labels over it up to its section band ("GUARANTOR" over "DOB"). None when no
    birth-date label stands by it. Asked per date and per candidate patient: answered once per date."""
    if seen not in words.birth_roles:
        words.birth_roles[seen] = _birth_date_role(words, seen)
    return words.birth_roles[seen]


def _birth_date_role(words: PageWords, seen: DateSeen) -> Role | None:
    label = birth_date_label(words, seen)
    if label is None:
        return None
    named = DOB_LABEL.search(label)  # up to it: "3. PATIENT'S BIRTH DATE | 4. INSURED'S NAME" is one cell
    label = label[: named.end()] if named else label
    field = words.cells[seen.cell].page in words.field_pages
    role = role_in(label, has_patient_field=field)
    return role if role is not Role.UNSTATED else date_labels_role(words, seen)


def date_labels_role(words: PageWords, seen: DateSeen) -> Role:
    """The role the labels around a date give it, birth-date label or not: its cell's words before it,
    the cell to its left, the captions over it up to the section band (`roles.label_role`)."""
    cell = words.cells[seen.cell]
    before = cell.text[: max(0, cell.text.find(seen.text))]
    return label_role(words.cells, seen.cell, before, has_patient_field=cell.page in words.field_pages)


def birth_date_label(words: PageWords, seen: DateSeen) -> str | None:
    """The birth-date label a date is printed right after (in its cell, or ending the cell to its left)
    or under (its caption), with the words before it ("Member DOB"); None when it has none."""
    cell = words.cells[seen.cell]
    row = words.rows.get((cell.page, cell.row), ())
    at = row.index(seen.cell)
    beside = [
        cell.text[: max(0, cell.text.find(seen.text))][-40:],
        words.cells[row[at - 1]].text[-40:] if at >= 1 else "",
    ]
    for label in beside:
        if _LAST_DOB_LABEL.search(label):
            return label
    for caption in words.cells:
        near = caption.page == cell.page and 0 < cell.row - caption.row <= 2
        if near and _is_birth_date_caption(caption.text) and _under(caption, cell, words.cells):
            return caption.text
    if not seen.labelled or not _alone(cell, seen):
        return None
    above = [d for d in words.dates if d.labelled and _column_above(words.cells[d.cell], cell)]
    return birth_date_label(words, above[0]) if above else None  # a table's next row: its column's


def _under(caption: Cell, cell: Cell, cells: Sequence[Cell]) -> bool:
    """Is `cell` the value under `caption`, or one of the values under it when OCR ran two fields'
    captions into one cell ("3. PATIENT'S BIRTH DATE MM DD YY SEX 4. INSURED'S NAME" over a date and a
    name: the name overlaps it most)?"""
    return below(caption, cells) == cell or cell in split_below(caption, cells)


def _is_birth_date_caption(text: str) -> bool:
    """A caption naming a birth date and printing none ("3. PATIENT'S BIRTH DATE MM | DD | YY")."""
    if not is_caption(text) or not DOB_LABEL.search(text):
        return False
    return not find_dates(text, reference_date=_FAR_FUTURE, kind=DateKind.DOCUMENT)
