"""The patient index: candidate generation by blocking, so one document costs milliseconds at 1M patients."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import jellyfish

from chartfile.matching.normalize import mrn_key, ocr_fold, squash, surname_parts
from chartfile.records import IdentityCandidate, PatientRecord

MAX_BLOCK = 5_000  # a block bigger than this (a very common name, no DOB) is cut, never scanned whole


def _phonetic(name: str) -> str:
    return jellyfish.metaphone(name) or name[:4]


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


def dob_variants(dob: dt.date) -> set[dt.date]:
    """The DOB, day/month swapped, a century off, and every one-digit slip of YYYYMMDD."""
    variants = {dob}
    for year, month, day in (
        (dob.year, dob.day, dob.month),
        (dob.year - 100, dob.month, dob.day),
        (dob.year + 100, dob.month, dob.day),
    ):
        variants |= _valid(year, month, day)
    text = dob.strftime("%Y%m%d")
    for position in range(8):
        for digit in "0123456789":
            slip = text[:position] + digit + text[position + 1 :]
            variants |= _valid(int(slip[:4]), int(slip[4:6]), int(slip[6:]))
    return variants


def _valid(year: int, month: int, day: int) -> set[dt.date]:
    try:
        return {dt.date(year, month, day)}
    except ValueError:
        return set()


class PatientIndex:
    """Patients in plain lists plus three block maps: MRN key, birth date, phonetic surname + initial."""

    def __init__(self, records: list[PatientRecord]) -> None:
        self.records = records
        self._by_mrn: dict[str, list[int]] = defaultdict(list)
        self._by_dob: dict[dt.date, list[int]] = defaultdict(list)
        self._by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
        for position, record in enumerate(records):
            self._by_mrn[mrn_key(record.mrn)].append(position)
            if record.dob is not None:
                self._by_dob[record.dob].append(position)
            for key in _name_keys(record.last_name, record.first_name):
                self._by_name[key].append(position)

    @classmethod
    def from_records(cls, records: Iterable[PatientRecord]) -> PatientIndex:
        return cls(list(records))

    def __len__(self) -> int:
        return len(self.records)

    def candidates(self, identity: IdentityCandidate) -> set[int]:
        """Positions of every patient sharing a block with the identity."""
        found: set[int] = set()
        if identity.mrn:
            found.update(self._by_mrn.get(mrn_key(identity.mrn), ()))
        if identity.dob is not None:
            for variant in dob_variants(identity.dob):
                found.update(self._by_dob.get(variant, ()))
        if identity.last_name and identity.first_name:
            for last, first in (
                (identity.last_name, identity.first_name),
                (identity.first_name, identity.last_name),
            ):
                for key in _name_keys(last, first):
                    found.update(self._by_name.get(key, ())[:MAX_BLOCK])
        return found
