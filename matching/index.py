"""The patient index: the master list as a dictionary, built once, looked up by a page's own words.

Every lookup is keyed by something a page prints, so one document costs a handful of dictionary reads and
scores only the patients they return, whatever the size of the list:
- an MRN (OCR-confusable letters folded), a phone number (ten digits), a birth date;
- a surname together with a first name (as printed, OCR-folded; each part of a compound surname);
- a phonetic surname with a first initial, for names read too badly for the exact keys;
- a misspelt surname (one that sounds like the listed one, or is it with one letter wrong) printed beside
  the patient's first name.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import itertools
from array import array
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import TypeAlias

import jellyfish
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from chartfile.matching.normalize import digits_only, mrn_key, mrn_shape, ocr_fold, squash, surname_parts
from chartfile.records import IdentityCandidate, PatientRecord

MAX_BLOCK = 5_000  # a block bigger than this (a very common name, no DOB) is cut, never scanned whole
WEAK_KEPT = 40  # a name or birth date alone: the patients most like the printed name, no more
SOUNDING_BLOCK = 500  # a phonetic surname and initial shared by more patients than this is not read
NAME_BLOCK_KEPT = 6  # of many patients with one name and nothing else printed to tell them apart, this many
_MIN_MISSPELT = 5  # a surname this long or longer is looked up with a letter wrong (LEE and LI are too alike)
_EMPTY: tuple[int, ...] = ()
Block: TypeAlias = "array[int]"  # positions, packed: 4 bytes each, no int object to reach per position
# Reading a name-block patient's birth date costs about as much as five set probes of a birth-date block
# (80 ns against 14 ns here; the probes run in C): a name block is walked only when it is that much smaller.
_WALK_COST = 5
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _block() -> Block:
    return array("i")


def _phonetic(name: str) -> str:
    return jellyfish.metaphone(name) or name[:4]


@functools.lru_cache(maxsize=262_144)
def surname_keys(last: str) -> frozenset[str]:
    """The surname and each part of a compound one, as printed and OCR-folded."""
    keys = set()
    for part in {squash(last), *surname_parts(last)}:
        plain = squash(part)
        if plain:
            keys |= {plain, ocr_fold(plain)}
    return frozenset(keys)


@functools.lru_cache(maxsize=262_144)
def _spelling(last: str) -> str:
    return squash(last)  # cached: one string per distinct surname, however many patients share it


@functools.lru_cache(maxsize=262_144)
def first_keys(first: str) -> frozenset[str]:
    plain = squash(first)
    return frozenset({plain, ocr_fold(plain)} if plain else ())


def _letter_out(name: str) -> set[str]:
    return {name[:i] + name[i + 1 :] for i in range(len(name))}


def _name_keys(last: str, first: str) -> set[tuple[str, str]]:
    """Phonetic surname (and each part of a compound one) + first initial, as printed and OCR-folded
    (GREENHOLT and its OCR reading GREENIIO1T share the folded key, not the phonetic one)."""
    keys = set()
    parts = {squash(last), *surname_parts(last)}
    for fold in (squash, ocr_fold):
        initial = fold(first)[:1]
        for part in parts:
            folded = fold(part).replace(" ", "").replace("-", "")
            if folded:
                keys.add((_phonetic(folded), initial))
    return keys


@functools.lru_cache(maxsize=65_536)
def dob_variants(dob: dt.date) -> frozenset[dt.date]:
    """The DOB, day/month swapped, a century off, and every one-digit slip of YYYYMMDD."""
    year, month, day = dob.year, dob.month, dob.day
    slips = [(y, month, day) for y in _slips(year, 4)]
    slips += [(year, m, day) for m in _slips(month, 2)]
    slips += [(year, month, d) for d in _slips(day, 2)]
    variants = near_dob_variants(dob)
    variants.update(dt.date(*ymd) for ymd in slips if _exists(*ymd))
    return frozenset(variants)


def _slips(value: int, width: int) -> list[int]:
    """The value with each one of its `width` digits replaced by each digit."""
    text = f"{value:0{width}d}"
    return [int(text[:at] + digit + text[at + 1 :]) for at in range(width) for digit in "0123456789"]


def near_dob_variants(dob: dt.date) -> set[dt.date]:
    """The DOB, day/month swapped and a century off: the readings one date lookup tries."""
    readings = (
        (dob.year, dob.day, dob.month),
        (dob.year - 100, dob.month, dob.day),
        (dob.year + 100, dob.month, dob.day),
    )
    return {dob} | {dt.date(*ymd) for ymd in readings if _exists(*ymd)}


def _exists(year: int, month: int, day: int) -> bool:
    """Is there such a day (no exception raised and caught for each slip that is none)?"""
    if not (dt.MINYEAR <= year <= dt.MAXYEAR and 1 <= month <= 12 and day >= 1):
        return False
    return day <= _MONTH_DAYS[month - 1] or (month == 2 and day == 29 and calendar.isleap(year))


class PatientIndex:
    """Patients in a plain list plus the block maps that point into it."""

    def __init__(self, records: list[PatientRecord]) -> None:
        self.records = records
        self._by_mrn: dict[str, Block] = defaultdict(_block)
        self._by_dob: dict[dt.date, Block] = defaultdict(_block)
        self._by_phone: dict[str, Block] = defaultdict(_block)
        self._by_name: dict[tuple[str, str], Block] = defaultdict(_block)
        self._by_full_name: dict[str, Block] = defaultdict(_block)
        self._surnames: set[str] = set()
        self._first_names: set[str] = set()  # every first name key (first_keys) of the list
        self._spelt: set[str] = set()  # every surname as listed (squashed)
        self._letter_out: dict[str, list[str]] = defaultdict(list)  # a surname less one letter -> surnames
        self._surname_keys: list[frozenset[str]] = []  # each record's surname keys (shared, not copied)
        self._spellings: list[str] = []  # each record's surname, squashed (shared, not copied)
        self._mrn_shapes: set[tuple[int, bool]] = set()
        for position, record in enumerate(records):
            self._add(position, record)

    def _add(self, position: int, record: PatientRecord) -> None:
        self._by_mrn[mrn_key(record.mrn)].append(position)
        self._mrn_shapes.add(mrn_shape(record.mrn))
        if record.dob is not None:
            self._by_dob[record.dob].append(position)
        phone = digits_only(record.phone)[-10:]
        if len(phone) == 10:
            self._by_phone[phone].append(position)
        for key in _name_keys(record.last_name, record.first_name):
            self._by_name[key].append(position)
        lasts, firsts = surname_keys(record.last_name), first_keys(record.first_name)
        spelt = _spelling(record.last_name)
        self._add_spelling(spelt)
        self._spellings.append(spelt)
        self._surnames |= lasts
        self._first_names |= firsts
        self._surname_keys.append(lasts)
        for last in lasts:
            for first in firsts:
                self._by_full_name[f"{last}|{first}"].append(position)

    def _add_spelling(self, surname: str) -> None:
        """Each listed surname once, under each of its one-letter-out forms (a few per distinct surname,
        not per patient)."""
        if surname in self._spelt or len(surname) < _MIN_MISSPELT:
            return
        self._spelt.add(surname)
        for form in _letter_out(surname):
            self._letter_out[form].append(surname)

    @classmethod
    def from_records(cls, records: Iterable[PatientRecord]) -> PatientIndex:
        return cls(list(records))

    def __len__(self) -> int:
        return len(self.records)

    def any_surname(self, keys: Collection[str]) -> bool:
        """Is one of these (squashed) words a listed surname, or a part of one, as printed or OCR-folded?"""
        return not self._surnames.isdisjoint(keys)

    def named(self, surname_key: str, first_key: str) -> Sequence[int]:
        """Patients with this surname (key) and first name (key)."""
        return self._by_full_name.get(f"{surname_key}|{first_key}", _EMPTY)

    def misspelt(self, surname: str, first: str) -> set[int]:
        """Patients whose surname the printed `surname` misspells and whose first name is the printed
        `first` (as printed or OCR-folded): a surname that sounds like theirs (its phonetic key:
        "ANDERSSON, EDUARDO"), or is theirs with one letter wrong (another letter, one added or dropped,
        two side by side swapped: "KEELIHG, GALEN"). A phonetic block too big to read is not read."""
        keys = first_keys(first)
        if keys.isdisjoint(self._first_names):
            return set()  # no listed patient has this first name (most words beside a word are no name)
        block = self._by_name.get((_phonetic(squash(surname)), squash(first)[:1]), _EMPTY)
        found = set() if len(block) > SOUNDING_BLOCK else set(block)
        found = {p for p in found if not keys.isdisjoint(first_keys(self.records[p].first_name))}
        for listed in self._one_letter_off(squash(surname)):
            for key in keys:
                found.update(self.named(listed, key))
        return found

    def _one_letter_off(self, printed: str) -> set[str]:
        """The listed surnames one letter from `printed` (Damerau: a letter changed, added or dropped, or
        two neighbours swapped), found through their one-letter-out forms."""
        if len(printed) < _MIN_MISSPELT - 1 or not printed.isalpha():
            return set()
        forms = _letter_out(printed)
        near = {s for form in (printed, *forms) for s in self._letter_out.get(form, ())}
        near |= forms & self._spelt
        return {s for s in near if s != printed and OSA.distance(s, printed, score_cutoff=1) <= 1}

    def spelling_of(self, position: int) -> str:
        """A listed patient's surname, squashed, kept from the build."""
        return self._spellings[position]

    def surname_keys_of(self, position: int) -> frozenset[str]:
        """surname_keys() of a listed patient, kept from the build (no call per look-up)."""
        return self._surname_keys[position]

    @property
    def mrn_shapes(self) -> Collection[tuple[int, bool]]:
        """Every shape (`mrn_shape`) the list's MRNs have: a number of no such shape is another
        institution's."""
        return self._mrn_shapes

    def born_on(self, day: dt.date) -> Sequence[int]:
        return self._by_dob.get(day, _EMPTY)

    def with_mrn(self, printed: str) -> Sequence[int]:
        return self._by_mrn.get(mrn_key(printed), _EMPTY)

    def with_phone(self, ten_digits: str) -> Sequence[int]:
        return self._by_phone.get(ten_digits, _EMPTY)

    def pointed(self, positions: set[int], days: Collection[dt.date], mrns: Collection[str]) -> set[int]:
        """Of patients sharing one name, those a printed birth date (or a slip of it) or MRN points to."""
        records = self.records
        kept = {p for p in positions if records[p].dob in days}
        return kept | {p for key in mrns for p in self._by_mrn.get(key, _EMPTY) if p in positions}

    def narrowed(self, positions: set[int], days: Collection[dt.date], mrns: Collection[str]) -> set[int]:
        """Many patients with one name (a million-patient list has hundreds of John Smiths), cut to those
        a printed birth date or MRN also points to (`pointed`). Only when none is, a few of them are kept
        as review candidates: the name is all the document gives. Beside a pointed one, the others agree
        on the name alone: never a filed patient's rival, and no help to a clerk."""
        if len(positions) <= NAME_BLOCK_KEPT:
            return positions
        return self.pointed(positions, days, mrns) or set(sorted(positions)[:NAME_BLOCK_KEPT])

    def candidates(self, identity: IdentityCandidate) -> set[int]:
        """Patients sharing a block with a labelled identity, cheapest evidence first: where two fields
        can agree (an MRN, a name with a birth date) and the exact name; only when none of those finds
        anyone, the single-field blocks (a phonetic name, a birth date)."""
        return self._strong(identity) | self._named(identity) or self._weak(identity)

    def _strong(self, identity: IdentityCandidate) -> set[int]:
        found: set[int] = set()
        if identity.mrn:
            found.update(self.with_mrn(identity.mrn))
        if identity.dob is None:
            return found
        names = self._name_block(identity)
        days = dob_variants(identity.dob)
        born = [self.born_on(day) for day in days]
        if len(names) * _WALK_COST < sum(len(b) for b in born):  # walk the cheaper side
            found |= {p for p in names if self.records[p].dob in days}
        else:
            found |= names.intersection(itertools.chain.from_iterable(born))
        if identity.last_name:
            keys = surname_keys(identity.last_name) | surname_keys(identity.first_name or "")
            near = (p for day in near_dob_variants(identity.dob) for p in self.born_on(day))
            mine = self._surname_keys
            found |= {p for p in near if not keys.isdisjoint(mine[p])}
        return found

    def _named(self, identity: IdentityCandidate) -> set[int]:
        found: set[int] = set()
        if identity.last_name and identity.first_name:
            for last, first in (
                (identity.last_name, identity.first_name),
                (identity.first_name, identity.last_name),
            ):
                for lk in surname_keys(last):
                    for fk in first_keys(first):
                        found.update(self.named(lk, fk))
        days = dob_variants(identity.dob) if identity.dob else set()
        return self.narrowed(found, days, {mrn_key(identity.mrn)} if identity.mrn else set())

    def _weak(self, identity: IdentityCandidate) -> set[int]:
        found = set(self._name_block(identity))
        if identity.dob is not None:
            for day in near_dob_variants(identity.dob):
                found.update(self.born_on(day))
        if len(found) <= WEAK_KEPT:
            return found
        query = f"{squash(identity.last_name or '')} {squash(identity.first_name or '')}"
        names = {
            p: f"{squash(self.records[p].last_name)} {squash(self.records[p].first_name)}" for p in found
        }
        return {p for _, _, p in process.extract(query, names, scorer=fuzz.ratio, limit=WEAK_KEPT)}

    def _name_block(self, identity: IdentityCandidate) -> set[int]:
        found: set[int] = set()
        if identity.last_name and identity.first_name:
            for last, first in (
                (identity.last_name, identity.first_name),
                (identity.first_name, identity.last_name),
            ):
                for key in _name_keys(last, first):
                    found.update(self._by_name.get(key, _EMPTY)[:MAX_BLOCK])
        return found
