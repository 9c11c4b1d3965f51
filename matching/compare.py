"""Field comparisons as ordered levels with log2 Bayes-factor weights, Fellegi-Sunter style. (Pure.)

Each comparison walks its levels from the strongest agreement down and stops at the first that holds;
a field missing on either side is level `null` with weight 0 (no evidence either way).

How the default weights were chosen (weight = log2(m/u)):
- u, the chance that two different people agree at a level, from population frequencies: a surname
  agrees exactly by chance for roughly 1 pair in 150-300 (common surnames dominate), a first name 1 in
  40-80, a birth date 1 in ~30,000 (365 days x ~80 birth years), an MRN practically never. Exact
  agreement weights sit below log2(m/u) on purpose (surname 7 < 7.4, DOB 12 < 14.7, MRN 14): names and
  birth dates cluster in real populations (families, common names) more than independence assumes.
- An MRN of another length is usually the sending clinic's own number, not a contradiction: -1.
- m, the chance that the same person's fields reach that level on a faxed document, from the OCR and
  transcription error rates seen on the generated corpus: exact name ~85%, DOB exact ~90%, a one-digit
  DOB slip ~4%, day/month swap ~2%, MRN exact ~90% when printed.
- The disagreement levels are set conservatively negative: a different birth date is strong evidence of
  a different person (twins, Jr./Sr. and same-name patients differ there first).
The same weights score FEBRL and splink-fake1000 pairs in bench/linkage_febrl.py.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection

from nicknames import NickNamer
from rapidfuzz.distance import OSA, JaroWinkler

from chartfile.matching.normalize import (
    digits_only,
    mrn_key,
    mrn_shape,
    normalize_mrn,
    normalize_name,
    ocr_fold,
    read_but_one_glyph,
    squash,
    strip_accents,
    surname_parts,
)
from chartfile.records import FieldScore
from chartfile.settings import MatchWeights

Weights = MatchWeights  # the name the scorers and callers use


DEFAULT_WEIGHTS = Weights()
_LOST_GLYPH = "OCR could not read one letter; the others are the same"
_CONFUSION = "an OCR confusion explains the difference"
_NICKNAME_MISREAD = "a nickname of it, as OCR can misread it"  # "OLLIF" for OLLIE, Oliver's


@functools.cache
def _nicknamer() -> NickNamer:
    return NickNamer()


@functools.lru_cache(maxsize=65_536)
def name_forms(first: str) -> frozenset[str]:
    """A first name with its nicknames and canonical forms (upper case)."""
    lower = first.lower()
    namer = _nicknamer()
    forms = {lower} | namer.nicknames_of(lower) | namer.canonicals_of(lower)
    return frozenset(form.upper() for form in forms)


@functools.lru_cache(maxsize=65_536)
def _folded_forms(first: str) -> dict[str, tuple[str, ...]]:
    """A first name's forms (`name_forms`) by their OCR fold: which of them a printing may be misread from
    is looked up, not tried one by one (asked for every candidate whose first name differs)."""
    by_fold: dict[str, list[str]] = {}
    for form in name_forms(first):
        by_fold.setdefault(ocr_fold(form), []).append(form)
    return {fold: tuple(forms) for fold, forms in by_fold.items()}


def _forms_folded_as(listed: str, printed: str) -> tuple[str, ...]:
    """The forms of the listed first name that fold as the printing does (a digit or bar read as an l
    too, as `_ocr_alike` reads it)."""
    folded = _folded_forms(listed)
    found = folded.get(ocr_fold(printed), ())
    as_l = _as_l(printed)
    return found + folded.get(ocr_fold(as_l), ()) if as_l != printed else found


def _misread(printed: str, listed: str) -> str | None:
    """How OCR can have read the listed name as `printed` (as printed, case kept), in the direction OCR
    errs (`_one_way`): `_CONFUSION` (`_ocr_alike`), `_LOST_GLYPH` (one glyph it could not read), or None."""
    if not _one_way(printed, listed):
        return None
    if _ocr_alike(squash(printed), squash(listed)):
        return _CONFUSION
    return _LOST_GLYPH if read_but_one_glyph(printed, listed) else None


def _one_way(printed: str, listed: str) -> bool:
    """A fold OCR makes in one direction only: a capital L is not a misread I (an l, a 1 or a bar may
    be: "BLNS" is another name than Bins, "BlNS" is Bins). So a printing as long as the listed name
    prints a capital L only where the listed name has an L ("KEEILNG" is Keeling's I and L swapped, no
    misreading of it), and any other holds no more capital L's than the listed name holds L's. (E and F
    go both ways: a scan read a printed RUNOLFSSON as "RUNOLESSON" at confidence 91.)"""
    if printed.isascii() and "L" not in printed:
        return True  # most printings: no capital L to weigh (asked for every candidate's every name)
    shown, names = [ch for ch in strip_accents(printed) if ch.isalnum()], squash(listed)
    if len(shown) == len(names):
        return all(ch != "L" or letter == "L" for ch, letter in zip(shown, names, strict=True))
    return shown.count("L") <= names.count("L")


def _ocr_alike(printed: str, listed: str) -> bool:
    """Do the two read alike through OCR's confusions? A digit or bar in a name is a letter OCR misread:
    a "1" or "|" may be an I or an l, and an l after a C reads as the D the fold makes of "CL"
    ("C1EVELAND" is "CLEVELAND")."""
    listed_fold = ocr_fold(listed)
    if ocr_fold(printed) == listed_fold:
        return True
    as_l = _as_l(printed)
    return as_l != printed and ocr_fold(as_l) == listed_fold


def _as_l(printed: str) -> str:
    """A name's digits 1 and bars read as the l they may be (the fold reads them as an I)."""
    return printed.replace("1", "L").replace("|", "L")


def compare_surname(doc: str | None, patient: str, w: Weights = DEFAULT_WEIGHTS) -> FieldScore:
    if not doc:
        return FieldScore("surname", "null", 0.0)
    a, b = squash(doc), squash(patient)
    if a == b:
        return FieldScore("surname", "exact", w.surname_exact)
    if (why := _misread(doc, patient)) is not None:
        return FieldScore("surname", "ocr", w.surname_ocr_or_part, why)
    if _printed_part(surname_parts(doc), surname_parts(patient)):
        return FieldScore("surname", "part", w.surname_ocr_or_part, "one part of a compound surname")
    similarity = JaroWinkler.similarity(a, b)
    if similarity >= 0.92:
        return FieldScore("surname", "close", w.surname_close, f"jaro-winkler {similarity:.2f}")
    if similarity >= 0.85:
        return FieldScore("surname", "near", w.surname_near, f"jaro-winkler {similarity:.2f}")
    return FieldScore("surname", "else", w.surname_else)


def _printed_part(doc: tuple[str, ...], patient: tuple[str, ...]) -> bool:
    """One side prints only some parts of the other's compound surname ("BRAUN" for "METZ-BRAUN", or the
    reverse). Both printing two parts of which one differs ("METS-BRAUN") is a spelling difference."""
    shared = set(doc) & set(patient)
    return bool(shared) and (shared == set(doc) or shared == set(patient))


def compare_first(doc: str | None, patient: str, w: Weights = DEFAULT_WEIGHTS) -> FieldScore:
    if not doc:
        return FieldScore("first_name", "null", 0.0)
    a, b = squash(doc), squash(patient)
    if a == b:
        return FieldScore("first_name", "exact", w.first_exact)
    if len(a) > 1 and (a in name_forms(b) or b in name_forms(a)):
        return FieldScore("first_name", "nickname", w.first_nickname)
    if (why := _misread(doc, patient)) is not None:
        return FieldScore("first_name", "ocr", w.first_ocr, "" if why == _CONFUSION else why)
    if len(a) > 1 and any(_misread(doc, form) == _CONFUSION for form in _forms_folded_as(b, doc)):
        # an OCR reading, as surely as a misread name or a nickname: in a text layer it is a spelling
        return FieldScore("first_name", "ocr", min(w.first_ocr, w.first_nickname), _NICKNAME_MISREAD)
    similarity = JaroWinkler.similarity(a, b)
    if similarity >= 0.92:
        return FieldScore("first_name", "close", w.first_close, f"jaro-winkler {similarity:.2f}")
    if len(a) == 1 and b.startswith(a):
        return FieldScore("first_name", "initial", w.first_initial)
    if similarity >= 0.85:
        return FieldScore("first_name", "near", w.first_near, f"jaro-winkler {similarity:.2f}")
    return FieldScore("first_name", "else", w.first_else)


def joined_middle(
    doc: str | None, doc_middle: str | None, patient: str, patient_middle: str, w: Weights = DEFAULT_WEIGHTS
) -> tuple[FieldScore, FieldScore] | None:
    """OCR loses the space before a middle initial ("VANNAA" for "VANNA A"): a first name printed with
    no middle name that reads as the patient's first name (or a nickname of it: "RONNIEA") and middle
    name (or initial) run together is those two, an OCR confusion. None when it is not that."""
    if not doc or doc_middle or not patient_middle:
        return None
    a, middle = squash(doc), squash(patient_middle)
    detail = "a space lost before the middle name"
    for joined, level, weight in (
        (middle, "exact", w.middle_exact),
        (middle[:1], "initial", w.middle_initial),
    ):
        if len(a) > len(joined) and a.endswith(joined):
            given = compare_first(a[: -len(joined)], patient, w)
            if given.level in ("exact", "nickname", "ocr"):  # "RONNIEA": Ronnie, a nickname, and the A
                first = "nickname" if given.level == "nickname" else "ocr"  # "WILIG": Will, its L read I
                first_weight = w.first_nickname if given.level == "nickname" else w.first_ocr
                return FieldScore("first_name", first, first_weight, detail), FieldScore(
                    "middle_name", level, weight
                )
    return None


def compare_middle(doc: str | None, patient: str, w: Weights = DEFAULT_WEIGHTS) -> FieldScore:
    a, b = squash(doc or ""), squash(patient)
    if not a or not b:
        return FieldScore("middle_name", "null", 0.0)
    if a == b:
        return FieldScore("middle_name", "exact", w.middle_exact)
    if a[0] == b[0] and (len(a) == 1 or len(b) == 1):
        return FieldScore("middle_name", "initial", w.middle_initial)
    return FieldScore("middle_name", "else", w.middle_else)


@functools.lru_cache(maxsize=131_072)
def _digits(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def compare_dob(
    doc: dt.date | None, patient: dt.date | None, w: Weights = DEFAULT_WEIGHTS, *, unread_glyphs: bool = False
) -> FieldScore:
    """`unread_glyphs`: `doc` is the listed date, read through digit boxes OCR partly misread."""
    if doc is None or patient is None:
        return FieldScore("dob", "null", 0.0)
    if unread_glyphs and doc == patient:
        return FieldScore("dob", "glyphs", w.dob_glyphs, "OCR could not read or misread some of its digits")
    if doc == patient:
        return FieldScore("dob", "exact", w.dob_exact)
    if (doc.year, doc.month, doc.day) == (patient.year, patient.day, patient.month):
        return FieldScore("dob", "day-month-swapped", w.dob_swapped)
    if (doc.month, doc.day) == (patient.month, patient.day) and abs(doc.year - patient.year) == 100:
        return FieldScore("dob", "century", w.dob_century)
    if OSA.distance(_digits(doc), _digits(patient)) == 1:  # a slip or a swap
        return FieldScore("dob", "one-digit", w.dob_typo)
    return FieldScore("dob", "else", w.dob_else)


def compare_mrn(
    doc: str | None,
    patient: str,
    w: Weights = DEFAULT_WEIGHTS,
    *,
    list_shapes: Collection[tuple[int, bool]] = (),
) -> FieldScore:
    """A printed record number against the patient's. One of another length than theirs, or of a shape
    no MRN on the master list has (letters where the list's are digits, a length it never uses), is
    another institution's number: it weighs a little against, it does not contradict."""
    if not doc:
        return FieldScore("mrn", "null", 0.0)
    a, b = normalize_mrn(doc), normalize_mrn(patient)
    if a == b:
        return FieldScore("mrn", "exact", w.mrn_exact)
    if mrn_key(a) == mrn_key(b):
        return FieldScore("mrn", "ocr-confusable", w.mrn_ocr)
    if len(a) == len(b) and OSA.distance(a, b) == 1:  # one wrong digit, or two adjacent ones swapped
        return FieldScore("mrn", "one-character", w.mrn_one_edit)
    if len(mrn_key(a)) != len(mrn_key(b)) or (list_shapes and mrn_shape(a) not in list_shapes):
        return FieldScore(
            "mrn", "other-format", w.mrn_other_format, "looks like another institution's number"
        )
    return FieldScore("mrn", "else", w.mrn_else)


def compare_phone(doc: str | None, patient: str, w: Weights = DEFAULT_WEIGHTS) -> FieldScore:
    """A printed phone number: the patient's is an identifier; another one near the name weighs a little
    against (people change numbers)."""
    mine = digits_only(patient)[-10:]
    if not doc or len(mine) != 10:
        return FieldScore("phone", "null", 0.0)
    if digits_only(doc)[-10:] == mine:
        return FieldScore("phone", "exact", w.phone_exact)
    return FieldScore("phone", "else", w.phone_else)


def compare_address(
    doc: str | None, patient: str, w: Weights = DEFAULT_WEIGHTS, *, patient_zip: str = ""
) -> FieldScore:
    """A printed address: house number and street name agreeing support (a household shares them, so
    it is supporting evidence, not an identifier); the same ZIP code a little; another street weighs a
    little against (people move)."""
    mine = normalize_name(patient).split()
    if not doc or len(mine) < 2:
        return FieldScore("address", "null", 0.0)
    printed = normalize_name(doc).split()
    if mine[0] in printed and mine[1] in printed[printed.index(mine[0]) + 1 :]:
        return FieldScore("address", "exact", w.address_exact)
    similarity = JaroWinkler.similarity(" ".join(printed[:3]), " ".join(mine[:3]))
    if similarity >= 0.92:
        return FieldScore("address", "close", w.address_close, f"jaro-winkler {similarity:.2f}")
    if len(patient_zip) >= 4 and digits_only(patient_zip) in printed:
        return FieldScore("address", "zip", w.address_zip, "same ZIP code, another street")
    return FieldScore("address", "else", w.address_else)
