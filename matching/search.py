"""The identity search: which listed patients a document mentions, found from its words, not its labels.

The master list is the dictionary. Each door opens on a few patients, found by keys the page prints:
- a listed surname with a first name beside it (as printed, OCR-folded, a nickname); of a name many
  patients share, those a printed date or number points to;
- a birth date (also day/month swapped, a century off) whose patient's surname is on the page, or (for a
  date labelled as a birth date) a word on its page that reads like that surname;
- an MRN-shaped number or a phone number, when the patient's surname or birth date is also printed (a
  labelled MRN opens its patient alone).
For each patient found, the words near the name are read as that patient's identity (`evidence`), with
the role its label gives it. Nothing here decides: a mention is evidence to be scored. (Pure.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from chartfile.matching.compare import name_forms
from chartfile.matching.evidence import Anchor, assemble
from chartfile.matching.index import (
    NAME_BLOCK_KEPT,
    PatientIndex,
    dob_variants,
    first_keys,
    near_dob_variants,
    surname_keys,
)
from chartfile.matching.normalize import ocr_fold, squash
from chartfile.matching.tokens import PageWords, Token, cells_beside
from chartfile.records import IdentityCandidate, PatientRecord

_FUZZY_SURNAME = 0.85  # a word this close to a patient's surname, near its labelled birth date
_MAX_SURNAME_WORDS = 3  # "DE LA CRUZ": a surname printed as up to three words
_MIN_SOUNDING = 4  # a word sounding like a surname opens a window only with this many letters
_MIN_GLUED_PART = 3  # a first name or surname glued to the other has at least this many letters
_MIN_GLUED = 3  # a first name with a glued initial has at least this many letters before it


@dataclass(frozen=True, slots=True)
class Mention:
    """A listed patient (position in the index) and the words on the document read as their identity."""

    position: int
    identity: IdentityCandidate


def mentions(words: PageWords, index: PatientIndex) -> list[Mention]:
    """Every listed patient the document mentions, with each distinct reading of them (decide scores
    them all and keeps each patient's best)."""
    found: dict[tuple[int, IdentityCandidate], None] = {}
    for position, anchor in dict.fromkeys(_anchors(words, index)):
        field = words.cells[anchor.cell].page in words.field_pages
        reading = assemble(anchor, index.records[position], words, has_patient_field=field)
        if reading is not None:
            found[(position, reading)] = None
    return [Mention(position, reading) for position, reading in found]


def _anchors(words: PageWords, index: PatientIndex) -> Iterator[tuple[int, Anchor]]:
    yield from _by_name(words, index)
    yield from _by_birth_date(words, index)
    yield from _by_number(words, index)


def _by_name(words: PageWords, index: PatientIndex) -> Iterator[tuple[int, Anchor]]:
    """A listed surname with a listed first name for it beside it (either order, or a column over). A
    name more than NAME_BLOCK_KEPT patients share opens only those a printed date or number points to:
    a few of many namesakes, chosen by nothing on the page, would be no ranking (a labelled patient
    field printing the name alone still shows a few: `PatientIndex.narrowed`)."""
    for cell, tokens in words.by_cell.items():
        for i in range(len(tokens)):
            for width in range(1, _MAX_SURNAME_WORDS + 1):
                surname = tokens[i : i + width]
                if len(surname) < width:
                    break
                keys = _surname_lookup_keys(surname)
                if not index.any_surname(keys):
                    if width == 1:
                        yield from _misspelt(words, index, cell, i)
                        yield from _glued_name(surname[0], index)
                    continue
                for first, middle in _first_name_slots(words, cell, i, width):
                    named = _named(index, keys, first.text)
                    if len(named) > NAME_BLOCK_KEPT:
                        named = index.pointed(named, _printed_days(words), _printed_mrns(words))
                    for position in named:
                        yield position, Anchor(cell, surname, first, middle)


def _misspelt(words: PageWords, index: PatientIndex, cell: int, i: int) -> Iterator[tuple[int, Anchor]]:
    """A word that is no listed surname but misspells one (`PatientIndex.misspelt`), beside that
    patient's first name ("ANDERSSON, EDUARDO G", "Keelihg, Galen"). The clerk sees the patient; the
    spelling keeps it from filing."""
    token = words.by_cell[cell][i]
    if len(token.key) < _MIN_SOUNDING or not token.key.isalpha():
        return
    for first, middle in _first_name_slots(words, cell, i, 1):
        named = index.misspelt(token.key, first.key)
        if len(named) > NAME_BLOCK_KEPT:
            named = index.pointed(named, _printed_days(words), _printed_mrns(words))
        for position in named:
            yield position, Anchor(cell, (token,), first, middle)


def _glued_name(token: Token, index: PatientIndex) -> Iterator[tuple[int, Anchor]]:
    """A word that is a listed patient's first name and surname with the space between them lost
    ("ANGILAWISOKY", either order): read as the two words, each as listed."""
    text, key = token.text, token.key
    if len(key) < 2 * _MIN_GLUED_PART or len(text) != len(key) or not text.isalpha():
        return  # letters only: the key is the text in capitals, cut where the text is
    for cut in range(_MIN_GLUED_PART, len(key) - _MIN_GLUED_PART + 1):
        head, tail = slice(None, cut), slice(cut, None)
        for last, first in ((tail, head), (head, tail)):
            if not index.any_surname((key[last],)):
                continue
            for position in index.named(key[last], key[first]):
                surname = replace(token, text=text[last], key=key[last], fold=ocr_fold(key[last]))
                given = replace(token, text=text[first], key=key[first], fold=ocr_fold(key[first]))
                yield position, Anchor(token.cell, (surname,), given, None)


def _printed_days(words: PageWords) -> frozenset[dt.date]:
    """Every date printed on the document, with its one-digit slips, swaps and century (cached)."""
    if words.variant_days is not None:
        return words.variant_days
    days = frozenset(v for d in words.dates for v in dob_variants(d.value))
    object.__setattr__(words, "variant_days", days)  # a cache on a frozen record, filled once
    return days


def _printed_mrns(words: PageWords) -> frozenset[str]:
    return frozenset(n.key for n in words.numbers)


def _surname_lookup_keys(surname: Sequence[Token]) -> set[str]:
    if len(surname) == 1:
        return {surname[0].key, surname[0].fold, *surname[0].parts}
    return {"".join(t.key for t in surname), "".join(t.fold for t in surname)}


def _named(index: PatientIndex, surname_keys_: set[str], first: str) -> set[int]:
    forms = first_keys(first) | {f.replace(" ", "") for f in name_forms(first)}
    named = {p for s in surname_keys_ for f in forms for p in index.named(s, f)}
    return named | _initial_glued(index, surname_keys_, squash(first))


def _initial_glued(index: PatientIndex, surname_keys_: set[str], first: str) -> set[int]:
    """OCR lost the space before a middle initial ("MERTIEA" for "MERTIE A"): the patients named the
    first name without its last letter whose middle name starts with that letter."""
    if len(first) <= _MIN_GLUED:
        return set()
    given, initial = first[:-1], first[-1]
    return {
        p
        for s in surname_keys_
        for key in first_keys(given)  # as printed and OCR-folded ("WILIG": WILL G, its L read as I)
        for p in index.named(s, key)
        if squash(index.records[p].middle_name)[:1] == initial
    }


def _first_name_slots(
    words: PageWords, cell: int, i: int, width: int
) -> Iterator[tuple[Token, Token | None]]:
    """(first name, middle name) where forms print them around a surname at tokens[i:i+width]."""
    tokens = words.by_cell[cell]
    after = tokens[i + width] if i + width < len(tokens) else None
    if i >= 1:  # First Last, First Middle Last
        yield tokens[i - 1], None
        if i >= 2:
            yield tokens[i - 2], tokens[i - 1]
    if after is not None:  # Last, First Middle / LAST FIRST
        middle = tokens[i + width + 1] if i + width + 1 < len(tokens) else None
        yield after, middle
    if i == 0 and i + width == len(tokens):  # a surname alone in its cell: "WHITFIELD" | "HAROLD J"
        yield from _neighbour_cells(words, cell)


def _neighbour_cells(words: PageWords, cell: int) -> Iterator[tuple[Token, Token | None]]:
    """A table or a boxed form: last name and first name in neighbouring cells of one row. Only for a
    surname with a cell of its own: "Tommy Whitfield" | "Margaret Whitfield" are two people's names (a
    patient's and a member's), and the first cell's surname is not the second's first name's."""
    for side, tokens in cells_beside(words, cell):
        if side == "right":
            yield tokens[0], tokens[1] if len(tokens) > 1 else None
        else:
            yield tokens[-1], None


def _by_birth_date(words: PageWords, index: PatientIndex) -> Iterator[tuple[int, Anchor]]:
    """A printed date is a possible birth date: its patients, where their surname is printed too (or,
    for a date labelled as a birth date, a word near it reads like their surname)."""
    printed = words.keys
    for seen in words.dates:
        near = _page_tokens(words, seen.cell) if seen.labelled else _row_tokens(words, seen.cell)
        misread: list[int] = []
        for day in near_dob_variants(seen.value):
            for position in index.born_on(day):
                if printed.isdisjoint(index.surname_keys_of(position)):
                    misread.append(position)
                    continue
                anchor = _surname_near(words, index.records[position], seen.cell)
                yield position, anchor
                if anchor.surname[0] not in near:  # printed elsewhere (a city, a relative): misread here?
                    misread.append(position)
        yield from _read_like(words, index, misread, near, seen.cell)


def _surname_near(words: PageWords, record: PatientRecord, cell: int) -> Anchor:
    """The patient's printed surname nearest to a cell, preferring one printed beside their first name."""
    keys = surname_keys(record.last_name)
    exact = [t for t in _window_tokens(words, cell) if t.keyed(keys)]
    if not exact:
        exact = [t for t in words.tokens if t.keyed(keys)]
    firsts = first_keys(record.first_name)
    token = min(exact, key=lambda t: (not _beside(words, t, firsts), _distance(words, t.cell, cell)))
    return Anchor(token.cell, (token,), None, None)


def _read_like(
    words: PageWords, index: PatientIndex, positions: Sequence[int], near: Sequence[Token], cell: int
) -> Iterator[tuple[int, Anchor]]:
    """Patients whose surname one of the `near` words reads like (Jaro-Winkler >= 0.85): OCR misreadings
    that no fold explains, and other people's spellings, both for a clerk to judge. Of words that read
    alike, the one beside the patient's first name wins, then the nearest to `cell`."""
    if not positions or not near:
        return
    scores = process.cdist(
        [index.spelling_of(p) for p in positions],
        [t.key for t in near],
        scorer=JaroWinkler.similarity,
        score_cutoff=_FUZZY_SURNAME,
    )
    alike: dict[int, list[Token]] = {}
    for row, column in zip(*scores.nonzero(), strict=True):  # one pass over the few hits, not per row
        alike.setdefault(int(row), []).append(near[column])
    for row, tokens in alike.items():
        firsts = first_keys(index.records[positions[row]].first_name)
        token = min(tokens, key=lambda t: (not _beside(words, t, firsts), _distance(words, t.cell, cell)))
        yield positions[row], Anchor(token.cell, (token,), None, None)


def _beside(words: PageWords, token: Token, firsts: frozenset[str]) -> bool:
    tokens = words.by_cell[token.cell]
    at = tokens.index(token)
    return any(t.key in firsts or t.fold in firsts for t in tokens[max(0, at - 2) : at + 2] if t is not token)


def _by_number(words: PageWords, index: PatientIndex) -> Iterator[tuple[int, Anchor]]:
    """A listed MRN (labelled, or with the patient's surname or birth date also printed, or a word
    near it that reads like their surname) or phone (likewise)."""
    days = {d.value for d in words.dates}
    for seen in words.numbers:
        labelled = seen.labelled
        unconfirmed: list[int] = []
        for position in index.with_mrn(seen.value):
            record = index.records[position]
            if labelled or record.dob in days or not index.surname_keys_of(position).isdisjoint(words.keys):
                yield position, _anchor_at(words, record, seen.cell)
            else:
                unconfirmed.append(position)
        near = _window_tokens(words, seen.cell)
        yield from _read_like(words, index, unconfirmed, near, seen.cell)  # their surname, misread, near it
    for seen in words.phones:
        misread: list[int] = []
        for position in index.with_phone(seen.value):
            if not index.surname_keys_of(position).isdisjoint(words.keys):
                yield position, _anchor_at(words, index.records[position], seen.cell)
            else:
                misread.append(position)
        yield from _read_like(words, index, misread, _window_tokens(words, seen.cell), seen.cell)


def _anchor_at(words: PageWords, record: PatientRecord, cell: int) -> Anchor:
    if not surname_keys(record.last_name).isdisjoint(words.keys):
        return _surname_near(words, record, cell)
    return Anchor(cell, (), None, None)


def _row_tokens(words: PageWords, cell: int) -> list[Token]:
    """Words on a cell's own row, where a form or a table prints a name beside a birth date that no
    label names ("ADJMS, LULA J  09 | 11 | 1982")."""
    here = words.cells[cell]
    return [t for c in words.rows.get((here.page, here.row), ()) for t in words.by_cell.get(c, ())]


def _page_tokens(words: PageWords, cell: int) -> list[Token]:
    """Words on a cell's page: a labelled birth date's patient may be named anywhere on its form (a
    name-and-address box rows above a birth-date box)."""
    page = words.cells[cell].page
    return [t for t in words.tokens if words.cells[t.cell].page == page]


def _window_tokens(words: PageWords, cell: int) -> list[Token]:
    """Words in the rows around a cell (cached per cell)."""
    if cell not in words.window_tokens:
        here = words.cells[cell]
        words.window_tokens[cell] = [
            t
            for row in range(here.row - 3, here.row + 3)
            for c in words.rows.get((here.page, row), ())
            for t in words.by_cell.get(c, ())
        ]
    return words.window_tokens[cell]


def _distance(words: PageWords, a: int, b: int) -> tuple[int, int, int]:
    ca, cb = words.cells[a], words.cells[b]
    return (ca.page != cb.page, abs(ca.row - cb.row), abs(ca.left - cb.left))
