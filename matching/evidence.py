"""Read the words around a patient's printed name as that patient's identity on the document. (Pure.)

Where a name was found (the anchor), the birth date, MRN, phone and street address are looked for in the
window forms print them in: the same row, the rows just above and below, the cell under a caption. A
value that agrees with the patient is taken wherever it is in the window; when none agrees, a value the
document labels as a birth date or MRN there is taken, and it will count against the patient. An
agreeing MRN or phone counts anywhere on the document: they are specific to one person.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from operator import itemgetter

from rapidfuzz.distance import JaroWinkler

from chartfile.matching import glyphs
from chartfile.matching.compare import compare_dob, compare_mrn, name_forms
from chartfile.matching.index import first_keys
from chartfile.matching.normalize import digits_only, mrn_key, squash
from chartfile.matching.roles import role_of
from chartfile.matching.tokens import (
    DateSeen,
    PageWords,
    Token,
    birth_date_role,
    cells_beside,
    date_labels_role,
)
from chartfile.records import IdentityCandidate, PatientRecord, Role

_ROWS_UP, _ROWS_DOWN = 2, 4  # the window around a name
_DOB_RANK = {"exact": 0, "day-month-swapped": 1, "century": 2, "one-digit": 3}  # agreeing, best first
_STREET = re.compile(r"^\d{1,6}[A-Z]?\s+[A-Za-z][A-Za-z.'-]*(?:[\s,]|$)")  # "12 Elm St", not "90 RX8146900"
_ADDRESS_LABEL = re.compile(r"^[A-Za-z' .#/]{0,25}:\s*")  # "Address: 9 Oak Road", "Street Addr.: ..."
_FIRST_ALIKE = 0.8  # a word this close to the patient's first name is read as it (scored as printed)
_RECENT_DAYS = 365
_SHORT_YEAR = re.compile(r"(?<![0-9])[0-9]{2}\W*$")  # a date's text ending in a two-digit year
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’\-.]*$")


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a patient's name was found: its cell, the surname's words and the first/middle name's."""

    cell: int
    surname: tuple[Token, ...]
    first: Token | None
    middle: Token | None


def assemble(
    anchor: Anchor, record: PatientRecord, words: PageWords, *, has_patient_field: bool
) -> IdentityCandidate | None:
    """The document's reading of `record`'s identity around `anchor`; None if nothing identifies."""
    window = _window(words, anchor.cell)
    first, middle = (anchor.first, anchor.middle) if anchor.first else _first_for(words, anchor, record)
    span = [t.index for t in (*anchor.surname, first, middle) if t is not None and t.cell == anchor.cell]
    role = _role(words, anchor.cell, min(span, default=0), max(span, default=0), has_patient_field)
    if role is Role.UNSTATED and first is not None and first.cell != anchor.cell:
        # OCR split the name in two cells ("ORELLANA," | "KIMBER R"): the caption over either labels it
        role = _role(words, first.cell, first.index, first.index, has_patient_field)
    dob, unread = _dob(
        words,
        window,
        record,
        anchor.cell,
        patient_field=role is Role.PATIENT and bool(span),
        own=role is not Role.OTHER,
    )
    mrn = _mrn(words, window, record)
    if not anchor.surname and dob is None and mrn is None:
        return None
    cell = words.cells[anchor.cell]
    apart = [abs(words.cells[d.cell].row - cell.row) for d in (dob,) if d is not None]
    return IdentityCandidate(
        last_name=" ".join(t.text for t in anchor.surname) or None,
        first_name=first.text if first else None,
        middle_name=middle.text if middle else None,
        dob=dob.value if dob else None,
        dob_unread_glyphs=unread,
        mrn=mrn,
        page=cell.page,
        phone=_phone(words, window, record, anchor.cell),
        address=_address(words, window, record, anchor.cell),
        role=role,
        found_by="search",
        ocr=cell.ocr,
        rows_apart=min(apart, default=0),
        name_words=(anchor.cell, min(span), max(span)) if span else None,
    )


def _role(words: PageWords, cell: int, first: int, last: int, has_patient_field: bool) -> Role:
    """The role the labels give these words (cached per page: namesakes share one printed name)."""
    key = (cell, first, last)
    if key not in words.roles:
        words.roles[key] = role_of(words.cells, cell, first, last, has_patient_field=has_patient_field)
    return words.roles[key]


def _window(words: PageWords, cell: int) -> frozenset[int]:
    """Cells in the rows a form prints a name's other fields in (cached per cell)."""
    if cell not in words.windows:
        here = words.cells[cell]
        words.windows[cell] = frozenset(
            i
            for row in range(here.row - _ROWS_UP, here.row + _ROWS_DOWN + 1)
            for i in words.rows.get((here.page, row), ())
        )
    return words.windows[cell]


def _first_for(words: PageWords, anchor: Anchor, record: PatientRecord) -> tuple[Token | None, Token | None]:
    """The first name beside a surname found by date or number: the patient's if printed (or a word that
    reads nearly like it: an OCR misreading, a misspelling, both for the scorer to judge), else the word
    where the name's order puts it. A label's word ("Patient Nm:") is never a name."""
    if not anchor.surname:
        return None, None
    tokens = words.by_cell.get(anchor.cell, ())
    last = anchor.surname[-1]
    at, start = tokens.index(last), tokens.index(anchor.surname[0])
    before = [t for t in tokens[max(0, start - 2) : start] if not t.colon_after][::-1]  # nearest first
    after = [t for t in tokens[at + 1 : at + 3] if not t.colon_after]
    wanted = first_keys(record.first_name) | {squash(f) for f in name_forms(record.first_name)}
    for slot in (*before[:1], *after[:1], *before[1:], *after[1:]):
        if slot.key in wanted or slot.fold in wanted:
            return slot, None
    if not before and not after:  # the surname fills its cell: the first name is in the next one
        return _first_beside(words, anchor.cell, wanted)
    given = squash(record.first_name)
    scored = [(JaroWinkler.similarity(t.key, given), t) for t in (*before, *after)]
    similarity, alike = max(scored, key=itemgetter(0))  # the first of equals, as the slots are ordered
    if similarity >= _FIRST_ALIKE:
        return alike, None
    natural = after[0] if after and (last.comma_after or not before) else before[0] if before else None
    return natural, None


def _first_beside(
    words: PageWords, cell: int, wanted: frozenset[str] | set[str]
) -> tuple[Token | None, None]:
    """A surname alone in its cell ("GAYLORD | TOMEKA"): the patient's first name if a cell beside prints
    it, else the word of the next cell to the right (forms split "Last | First" far more often than
    "First | Last"), when it reads as a name. A twin's first name read there tells the twins apart."""
    beside = list(cells_beside(words, cell))
    for _, tokens in beside:
        for token in tokens:
            if token.key in wanted or token.fold in wanted:
                return token, None
    right = [tokens[0] for side, tokens in beside if side == "right"]
    if right and _NAME_WORD.match(right[0].text) and len(right[0].key) > 1:
        return right[0], None
    return None, None


def _dob(
    words: PageWords,
    window: frozenset[int],
    record: PatientRecord,
    anchor: int,
    *,
    patient_field: bool,
    own: bool,
) -> tuple[DateSeen | None, bool]:
    """The birth date read for the patient, and whether it was read through digit boxes OCR partly
    misread. A date in the window that agrees wins (for a name no label gives someone else, `own`, not
    one its labels give someone else: an insured's name box whose caption OCR damaged, "INSYRCC S NAME",
    reads as a name field, but "INSURED'S DOB" under it is still the insured's); then the patient's
    birth date exactly as listed elsewhere (see `_birth_date_afar`); then boxes that read as the
    patient's birth date nearer the name than a labelled birth date that does not agree (an insured's,
    say); then that one, unless its label names someone else ("Cardholder DOB": no evidence against the
    patient)."""
    near = [_century_open(d, record) for d in words.dates if d.cell in window]
    levels = [(_DOB_RANK.get(compare_dob(d.value, record.dob).level, len(_DOB_RANK)), d) for d in near]
    agreeing = [(rank, d) for rank, d in levels if rank < len(_DOB_RANK)]
    if own:
        agreeing = [(rank, d) for rank, d in agreeing if not _someone_elses(words, d)]
    if agreeing:
        return min(agreeing, key=lambda pair: pair[0])[1], False
    boxed = _birth_date_afar(words, record, anchor, patient_field=patient_field)
    if boxed is not None:
        return boxed, False
    # a birth date labelled as another's ("Cardholder DOB") is no evidence against the patient
    labelled = [d for d in near if d.labelled and birth_date_role(words, d) is not Role.OTHER]
    here = words.cells[anchor].row
    within = min((abs(words.cells[d.cell].row - here) for d in labelled), default=_ROWS_DOWN + 1)
    misread = _read_through_glyphs(words, record, anchor, within)
    if misread is not None:
        return misread, True
    return (labelled[0] if labelled else None), False


def _century_open(seen: DateSeen, record: PatientRecord) -> DateSeen:
    """A birth date printed with a two-digit year ("02/16/18") prints the listed 1918-02-16 as much as
    the 2018 the date reader chose: read as the listed one."""
    listed = record.dob
    if listed is None or seen.value == listed or not _SHORT_YEAR.search(seen.text):
        return seen
    if compare_dob(seen.value, listed).level != "century":
        return seen
    return replace(seen, value=listed)


def _birth_date_afar(
    words: PageWords, record: PatientRecord, anchor: int, *, patient_field: bool
) -> DateSeen | None:
    """The patient's birth date exactly as listed, however far from a name that a label gives the
    patient on the name's own page (a form's birth-date box sits rows below a name-and-address box): in
    a field labelled as a birth date, or unlabelled (also as the eight digits claim software prints,
    "10251962", under a caption OCR could not read: `tokens` reads those as dates). An unlabelled date
    within a year of the newest date printed is a visit's more likely than a birth's: it does not
    count, nor does one its labels give someone else (`_someone_elses`). A name no label gives the
    patient (a signature, a caregiver) takes no birth date from afar,
    and none from another page: a later page's running header that OCR happened to read as a listed
    name ("BASHIRIAN" for the printed "BASHIIRIAN") must not borrow page 1's birth date."""
    if record.dob is None or not patient_field:
        return None
    page = words.cells[anchor].page
    here = [seen for seen in words.dates if seen.value == record.dob and words.cells[seen.cell].page == page]
    here = [seen for seen in here if not _someone_elses(words, seen)]
    labelled = next((seen for seen in here if seen.labelled), None)
    if labelled is not None:
        return labelled
    newest = max((d.value for d in words.dates), default=record.dob)
    if (newest - record.dob).days < _RECENT_DAYS:
        return None
    return here[0] if here else None


def _someone_elses(words: PageWords, seen: DateSeen) -> bool:
    """A date its labels give someone else ("INSURED'S DATE OF BIRTH" over it, read as a birth-date
    label or too damaged to be, "2 INSURED S DAIF OF BIRTH"): never the patient's from afar, however a
    name box rows above it was read (a claim for an unlisted child prints the listed parent as the
    insured, with their birth date in the insured's box). Asked per candidate: answered once per date."""
    key = (seen.cell, seen.text, seen.labelled)
    if key not in words.others_dates:
        words.others_dates[key] = _labelled_anothers(words, seen)
    return words.others_dates[key]


def _labelled_anothers(words: PageWords, seen: DateSeen) -> bool:
    role = birth_date_role(words, seen) if seen.labelled else date_labels_role(words, seen)
    return role is Role.OTHER


def _read_through_glyphs(
    words: PageWords, record: PatientRecord, anchor: int, within: int
) -> DateSeen | None:
    """A row of the window, fewer than `within` rows from the name, whose digit boxes read as the
    patient's birth date where OCR could read them (`glyphs.runs_read_as`); nearest rows first."""
    if record.dob is None:
        return None
    for apart, cell, runs in _glyph_rows(words, anchor):
        if apart < within and glyphs.runs_read_as(runs, record.dob):
            return DateSeen(record.dob, cell, words.cells[cell].text)
    return None


def _glyph_rows(words: PageWords, anchor: int) -> Iterator[tuple[int, int, tuple[glyphs.Run, ...]]]:
    """(rows apart, first cell, digit groups OCR misread) of each window row around a name that has
    any, nearest first."""
    page, here = words.cells[anchor].page, words.cells[anchor].row
    for row in sorted(range(here - _ROWS_UP, here + _ROWS_DOWN + 1), key=lambda r: abs(r - here)):
        cells = words.rows.get((page, row), ())
        runs = _row_runs(words, page, row) if cells else ()
        if runs:
            yield abs(row - here), cells[0], runs


def _row_runs(words: PageWords, page: int, row: int) -> tuple[glyphs.Run, ...]:
    """A row's digit groups OCR misread (`glyphs.date_runs`), read once per row."""
    if (page, row) not in words.row_runs:
        cells = sorted(words.rows[(page, row)], key=lambda i: words.cells[i].left)
        words.row_runs[(page, row)] = glyphs.date_runs(" ".join(words.cells[i].text for i in cells))
    return words.row_runs[(page, row)]


def _mrn(words: PageWords, window: frozenset[int], record: PatientRecord) -> str | None:
    mine = mrn_key(record.mrn)
    for seen in words.numbers:
        if seen.key == mine:
            return seen.value
    labelled = [n for n in words.numbers if n.cell in window and n.labelled]
    if labelled and compare_mrn(labelled[0].value, record.mrn).level != "other-format":
        return labelled[0].value
    return None


def _level_or_below(words: PageWords, cell: int, anchor: int) -> bool:
    """Forms print a patient's phone and address beside or under the name; what is above it is the
    sender's letterhead or another section."""
    return words.cells[cell].row >= words.cells[anchor].row


def _phone(words: PageWords, window: frozenset[int], record: PatientRecord, anchor: int) -> str | None:
    mine = digits_only(record.phone)[-10:]
    if any(p.value == mine for p in words.phones):
        return mine
    near = [p.value for p in words.phones if p.cell in window and _level_or_below(words, p.cell, anchor)]
    return near[0] if near and mine else None


def _address(words: PageWords, window: frozenset[int], record: PatientRecord, anchor: int) -> str | None:
    parts = record.address.split()
    if len(parts) < 2 or not parts[0][:1].isdigit():
        return None
    number, street = parts[0].upper(), squash(parts[1])
    printed = number in words.keys and street in words.keys  # else no cell can hold both
    for cell, tokens in words.by_cell.items() if printed else ():
        keys = [t.key for t in tokens]
        if number in keys and street in keys[keys.index(number) + 1 :]:
            return words.cells[cell].text
    streets = [
        _ADDRESS_LABEL.sub("", words.cells[i].text)
        for i in sorted(window)
        if _level_or_below(words, i, anchor)
    ]
    return next((street for street in streets if _STREET.match(street)), None)
