"""Normalise person names and record numbers into comparable, idempotent forms."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

SUFFIXES: frozenset[str] = frozenset({"JR", "SR", "II", "III", "IV", "2ND", "3RD"})
TITLES: frozenset[str] = frozenset({"MR", "MRS", "MS", "MISS", "MX"})
SURNAME_PARTICLES: frozenset[str] = frozenset(
    {"DE", "DEL", "DELA", "LA", "LE", "DA", "DI", "DOS", "DAS", "VAN", "VON", "DER", "DEN", "ST", "MC", "MAC"}
)

_DROP = re.compile(r"['’`.]")
_NOT_NAME = re.compile(r"[^A-Z0-9\- ]+")
_HYPHEN = re.compile(r"\s*(?:-\s*)+")
_SPACES = re.compile(r"\s+")
_OCR_NAME_FOLDS: tuple[tuple[str, str], ...] = (
    ("RN", "M"),
    ("CL", "D"),
    ("VV", "W"),
    ("RI", "N"),  # an n whose arch OCR broke reads as "ri" ("HEGMARIN" for HEGMANN), as an m reads "rn"
    ("0", "O"),
    ("1", "I"),
    ("L", "I"),
    ("|", "I"),
    ("5", "S"),
    ("8", "B"),
    ("6", "G"),
    ("H", "II"),  # a broken H reads as "Il" or "II" (after L -> I above)
    ("F", "E"),  # a fax's thin bottom stroke lost: E reads as F ("LFMUS", "GFORGF")
)
_MRN_FOLDS = str.maketrans(
    {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "|": "1", "S": "5", "B": "8", "Z": "2", "G": "6"}
)
_MRN_KEEP = re.compile(r"[^A-Z0-9|]")


@dataclass(frozen=True, slots=True)
class PersonName:
    """A normalised name: surname, first and middle names and a generational suffix."""

    last: str
    first: str
    middle: str = ""
    suffix: str = ""


def strip_accents(text: str) -> str:
    """Remove diacritics: 'Gómez' -> 'Gomez'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=131_072)
def normalize_name(text: str) -> str:
    """Upper-case, accent-free name with only letters, digits, single spaces and single hyphens."""
    upper = strip_accents(text).upper()
    cleaned = _NOT_NAME.sub(" ", _DROP.sub("", upper))
    cleaned = _HYPHEN.sub("-", cleaned).strip(" -")
    return _SPACES.sub(" ", cleaned)


def split_suffix(name: str) -> tuple[str, str]:
    """Split a trailing generational suffix (JR, SR, II, III, IV) off a normalised name."""
    tokens = normalize_name(name).split(" ")
    if len(tokens) > 1 and tokens[-1] in SUFFIXES:
        return " ".join(tokens[:-1]), tokens[-1]
    return " ".join(tokens), ""


def drop_titles(name: str) -> str:
    """Remove a leading courtesy title (Mr, Mrs, Ms) from a normalised name."""
    tokens = normalize_name(name).split(" ")
    while len(tokens) > 1 and tokens[0] in TITLES:
        tokens = tokens[1:]
    return " ".join(tokens)


@functools.lru_cache(maxsize=131_072)
def surname_parts(surname: str) -> tuple[str, ...]:
    """The parts of a compound or hyphenated surname, particles dropped: 'GARCIA-LOPEZ' -> both parts."""
    parts = [p for p in re.split(r"[- ]", normalize_name(surname)) if p]
    core = tuple(p for p in parts if p not in SURNAME_PARTICLES and len(p) > 1)
    return core or tuple(parts)


@functools.lru_cache(maxsize=131_072)
def squash(name: str) -> str:
    """A name with spaces and hyphens removed: 'DE LA CRUZ' and 'DELACRUZ' compare equal."""
    return normalize_name(name).replace(" ", "").replace("-", "")


@functools.lru_cache(maxsize=131_072)
def ocr_fold(name: str) -> str:
    """Map OCR-confusable letter groups to one form (rn->m, cl->d, vv->w, ri->n, 0->O, 1/l->I, 5->S, 8->B,
    F->E)."""
    folded = squash(name)
    for source, target in _OCR_NAME_FOLDS:
        folded = folded.replace(source, target)
    return folded


_NAME_MARKS = frozenset(" -'‘’`.,/:;")  # what a name may hold besides letters, or a separator between two
_MIN_READ_LETTERS = 4  # an unread glyph is excused only in a name with this many letters read
_FOLDED = frozenset(source for source, _ in _OCR_NAME_FOLDS if len(source) == 1 and not source.isalpha())


@functools.lru_cache(maxsize=131_072)
def read_but_one_glyph(printed: str, listed: str) -> bool:
    """Does a name OCR read with one glyph it could not read ("MET#-BRAUN", "SM%TH") read as `listed`
    everywhere else? A name never prints a symbol or a digit, so one between letters is a letter lost,
    not a spelling. The other letters must agree, as printed or OCR-folded; a glyph at either end, or
    two, excuse nothing."""
    read = strip_accents(printed).upper()
    lost = [i for i, ch in enumerate(read) if not (ch.isalpha() or ch in _NAME_MARKS or ch in _FOLDED)]
    if len(lost) != 1:
        return False
    before, after = squash(read[: lost[0]]), squash(read[lost[0] + 1 :])
    whole = squash(listed)
    if not before or not after or len(before) + len(after) < _MIN_READ_LETTERS:
        return False
    if len(whole) != len(before) + 1 + len(after):
        return False
    head, tail = whole[: len(before)], whole[len(before) + 1 :]
    return ocr_fold(head) == ocr_fold(before) and ocr_fold(tail) == ocr_fold(after)


@functools.lru_cache(maxsize=131_072)
def normalize_mrn(text: str) -> str:
    """An MRN as printed, upper-cased, with spaces, dashes and other separators removed."""
    return _MRN_KEEP.sub("", strip_accents(text).upper())


@functools.lru_cache(maxsize=131_072)
def mrn_key(text: str) -> str:
    """An MRN with OCR-confusable letters mapped to digits and leading zeros removed."""
    folded = normalize_mrn(text).translate(_MRN_FOLDS)
    return folded.lstrip("0") or folded[:1]


def mrn_shape(text: str) -> tuple[int, bool]:
    """An MRN's shape as a master list uses it: the length of its key, and whether the key is all digits."""
    key = mrn_key(text)
    return len(key), key.isdigit()


def digits_only(text: str) -> str:
    """The digits of a phone number, a ZIP code or a street number."""
    return "".join(ch for ch in text if ch.isdigit())


def person_name(last: str, first: str, middle: str = "") -> PersonName:
    """Normalise a name's parts, pulling a generational suffix out of whichever part carries it."""
    last_n, suffix = split_suffix(last)
    first_n, first_suffix = split_suffix(drop_titles(first))
    middle_n, middle_suffix = split_suffix(middle)
    return PersonName(last_n, first_n, middle_n, suffix or first_suffix or middle_suffix)
