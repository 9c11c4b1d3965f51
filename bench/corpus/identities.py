"""Turn a person into the identity printed on a document, with realistic recorded variations."""

from __future__ import annotations

import datetime as dt
import functools
import random
import unicodedata
from dataclasses import dataclass
from typing import Any

from .contact import print_contact
from .patients import Patient

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_OCR_NAME = (("m", "rn"), ("rn", "m"), ("O", "0"), ("l", "1"), ("I", "l"), ("S", "5"), ("cl", "d"))
_OCR_DIGIT = (("0", "O"), ("1", "l"), ("5", "S"), ("8", "B"))
_KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"


@dataclass(frozen=True, slots=True)
class PrintedIdentity:
    """A patient's identity exactly as printed: name string, DOB string or None, MRN string or None.

    `first`/`middle`/`last`/`suffix` are the name's parts as printed (after any recorded variation) and
    `dob_date` the birth date the DOB string shows, so a form can lay them out its own way; `phone`,
    `street` and `city_line` are the contact details a document would print (perhaps outdated).
    """

    name: str
    dob: str | None = None
    mrn: str | None = None
    variations: tuple[str, ...] = ()
    surname: str = ""
    sex: str = ""
    first: str = ""
    middle: str = ""
    last: str = ""
    suffix: str = ""
    dob_date: dt.date | None = None
    phone: str = ""
    street: str = ""
    city_line: str = ""

    @property
    def printed_surname(self) -> str:
        """The surname as printed (before the comma, else the last word)."""
        if self.surname:
            return self.surname
        if "," in self.name:
            return self.name.split(",", 1)[0].strip()
        return self.name.split()[-1] if self.name.split() else ""


@functools.lru_cache(maxsize=1)
def _nicknamer() -> Any:
    from nicknames import NickNamer  # noqa: PLC0415 - slow to load; only when needed

    return NickNamer()


def nicknames_for(first: str) -> list[str]:
    """Sorted nicknames of a given name (empty when none are known)."""
    namer = _nicknamer()
    found: set[str] = namer.nicknames_of(first.lower())
    return sorted(n.capitalize() for n in found if len(n) > 1 and n.lower() != first.lower())


def format_date(day: dt.date, style: str) -> str:
    """A date printed in one of the styles: mdy, mdy_nopad, mdy_dash, long, short_month, iso, dmy_mon,
    mdy2 and mdy2_dash (two-digit year); forms also print mdy_space (03 04 1957, digit boxes),
    mdy2_space, mdy8 (03041957) and mdy6 (030457)."""
    m, d, y = day.month, day.day, day.year
    styles = {
        "mdy": f"{m:02d}/{d:02d}/{y}",
        "mdy_nopad": f"{m}/{d}/{y}",
        "mdy_dash": f"{m:02d}-{d:02d}-{y}",
        "long": f"{_MONTHS[m - 1]} {d}, {y}",
        "short_month": f"{_MONTHS[m - 1][:3]} {d}, {y}",
        "iso": day.isoformat(),
        "dmy_mon": f"{d:02d}-{_MONTHS[m - 1][:3]}-{y}",
        "mdy2": f"{m:02d}/{d:02d}/{y % 100:02d}",
        "mdy2_dash": f"{m}-{d}-{y % 100:02d}",
        "mdy_space": f"{m:02d} {d:02d} {y}",
        "mdy2_space": f"{m:02d} {d:02d} {y % 100:02d}",
        "mdy8": f"{m:02d}{d:02d}{y}",
        "mdy6": f"{m:02d}{d:02d}{y % 100:02d}",
    }
    return styles[style]


DOB_STYLES: tuple[tuple[str, float], ...] = (
    ("mdy", 0.34), ("mdy_nopad", 0.14), ("mdy_dash", 0.07), ("long", 0.1), ("short_month", 0.04),
    ("iso", 0.1), ("dmy_mon", 0.05), ("mdy2", 0.08), ("mdy2_dash", 0.08),
)  # fmt: skip


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def typo(word: str, rng: random.Random) -> str:
    """One keyboard-style slip (substitute, drop, swap or double a letter), never the first letter."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(("sub", "drop", "swap", "double"))
    if op == "drop":
        return word[:i] + word[i + 1 :]
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == "double":
        return word[:i] + word[i] + word[i:]
    letter = rng.choice([c for c in _KEYBOARD if c != word[i].lower()])
    return word[:i] + (letter.upper() if word[i].isupper() else letter) + word[i + 1 :]


def ocr_confuse(text: str, rng: random.Random, pairs: tuple[tuple[str, str], ...] = _OCR_NAME) -> str:
    """Apply one OCR-style confusion (rn/m, 0/O, 1/l, 5/S, ...) to `text`, if any pattern occurs."""
    options = []
    for src, dst in pairs:
        for variant_src, variant_dst in ((src, dst), (src.upper(), dst.upper())):
            start = text.find(variant_src, 1)
            if start > 0:
                options.append((start, variant_src, variant_dst))
    if not options:
        return text
    start, src, dst = rng.choice(sorted(set(options)))
    return text[:start] + dst + text[start + len(src) :]


@dataclass(slots=True)
class _Draft:
    first: str
    middle: str
    last: str
    suffix: str
    variations: list[str]


def _vary_name(person: Patient, rng: random.Random, *, faithful: bool) -> _Draft:
    """Nickname, hyphen part, middle name, accents and typo variations (a faithful print: middle only)."""
    draft = _Draft(person.first_name, person.middle_name, person.last_name, person.suffix, [])
    nicks = nicknames_for(person.first_name)
    if nicks and rng.random() < 0.2 and not faithful:
        draft.first = rng.choice(nicks)
        draft.variations.append("nickname")
    if "-" in draft.last and rng.random() < 0.5 and not faithful:
        draft.last = rng.choice(draft.last.split("-"))
        draft.variations.append("hyphen_part")
    roll = rng.random()
    if draft.middle and roll < 0.3:
        draft.middle = ""
        draft.variations.append("no_middle")
    elif draft.middle and roll < 0.7:
        draft.middle = draft.middle[0]
        draft.variations.append("middle_initial")
    if strip_accents(draft.first + draft.last) != draft.first + draft.last and rng.random() < 0.5:
        draft.first, draft.last = strip_accents(draft.first), strip_accents(draft.last)
        draft.variations.append("accents_stripped")
    if rng.random() < 0.06 and not faithful:
        if rng.random() < 0.5:
            draft.first = typo(draft.first, rng)
        else:
            draft.last = typo(draft.last, rng)
        draft.variations.append("typo")
    return draft


def _compose_name(draft: _Draft, rng: random.Random, *, faithful: bool) -> tuple[str, str]:
    """(full name as printed, surname as printed) in one of the usual orders and cases."""
    style = rng.choices(("LAST, FIRST", "Last, First", "First Last", "FIRST LAST"), (0.4, 0.15, 0.35, 0.1))[0]
    if style.isupper():
        draft.first, draft.middle, draft.last = draft.first.upper(), draft.middle.upper(), draft.last.upper()
        draft.suffix = draft.suffix.upper()
        draft.variations.append("all_caps")
    if rng.random() < 0.05 and not faithful:
        target = rng.choice(("first", "last"))
        before = getattr(draft, target)
        setattr(draft, target, ocr_confuse(before, rng))
        if getattr(draft, target) != before:
            draft.variations.append("ocr_confusion")
    middle = f" {draft.middle}" if draft.middle else ""
    suffix = f" {draft.suffix}" if draft.suffix else ""
    if style.startswith("L"):
        return f"{draft.last}, {draft.first}{middle}{suffix}", draft.last
    return f"{draft.first}{middle} {draft.last}{suffix}", draft.last


def _printed_dob(
    dob: dt.date, rng: random.Random, allow_dob_changes: bool, variations: list[str]
) -> tuple[str | None, dt.date | None]:
    """(the DOB as printed, the date it shows): None when not printed; maybe day and month swapped."""
    if allow_dob_changes and rng.random() < 0.06:
        variations.append("no_dob")
        return None, None
    shown = dob
    if allow_dob_changes and dob.day <= 12 and dob.day != dob.month and rng.random() < 0.05:
        shown = dt.date(dob.year, dob.day, dob.month)
        variations.append("dob_swapped")
    style = _pick(rng, DOB_STYLES)
    if style.startswith("mdy2"):
        variations.append("dob_two_digit_year")
    return format_date(shown, style), shown


def _printed_mrn(person: Patient, listed: bool, rng: random.Random, variations: list[str]) -> str | None:
    roll = rng.random()
    if roll < 0.35:
        variations.append("no_mrn")
        return None
    if listed and roll < 0.43:
        variations.append("outside_mrn")
        return outside_mrn(rng)
    return person.mrn


def outside_mrn(rng: random.Random) -> str:
    """Another clinic's record number: 9 digits, so it never equals a (7-8 digit) master MRN."""
    return str(rng.randrange(100_000_000, 1_000_000_000))


def print_identity(
    person: Patient,
    rng: random.Random,
    *,
    listed: bool = True,
    allow_dob_changes: bool = True,
    faithful: bool = False,
) -> PrintedIdentity:
    """The identity as a document prints it, varied like real documents; variations are recorded.

    `faithful` prints the name as the person spells it (no nickname, typo, OCR confusion or hyphen part):
    a near-miss whose spelling is what tells it apart from a listed patient.
    """
    draft = _vary_name(person, rng, faithful=faithful)
    name, surname = _compose_name(draft, rng, faithful=faithful)
    variations = draft.variations
    dob, shown = _printed_dob(person.dob, rng, allow_dob_changes, variations)
    mrn = _printed_mrn(person, listed, rng, variations)
    if mrn and rng.random() < 0.03:
        confused = ocr_confuse(mrn, rng, _OCR_DIGIT)
        if confused != mrn:
            mrn = confused
            variations.append("ocr_confusion_mrn")
    contact = print_contact(person, rng, variations)
    parts = (draft.first, draft.middle, draft.last, draft.suffix)
    return PrintedIdentity(name, dob, mrn, tuple(variations), surname, person.sex, *parts, shown, *contact)
