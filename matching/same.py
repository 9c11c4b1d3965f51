"""Do two identities read from one document describe the same person? (Pure.)"""

from __future__ import annotations

import datetime as dt

from rapidfuzz.distance import OSA, JaroWinkler

from chartfile.matching.normalize import ocr_fold, squash
from chartfile.records import IdentityCandidate

_MRN_LENGTH = 6  # an MRN this long names one person, however OCR damaged the name beside it
_MISREAD_SURNAME = 0.7  # Jaro-Winkler of a surname OCR damaged past its folds ("PIETLER" for PFEFFER)


def surname_misread(
    printed: tuple[str | None, str | None, dt.date | None], known: tuple[str, str, dt.date | None]
) -> bool:
    """(last, first, dob) printed against (last, first, dob) known: the same first name and birth date,
    and a surname near enough to be the same one misread (a running header's name damaged by OCR)."""
    (last, first, dob), (known_last, known_first, known_dob) = printed, known
    if not (last and first and dob) or dob != known_dob or squash(first) != squash(known_first):
        return False
    return JaroWinkler.similarity(ocr_fold(last), ocr_fold(known_last)) >= _MISREAD_SURNAME


def _names_agree(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    return JaroWinkler.similarity(ocr_fold(a), ocr_fold(b)) >= 0.85


def run_on(short: tuple[str | None, str | None], long: tuple[str | None, ...]) -> bool:
    """Are one reading's (last, first) names both words of another's (last, first, middle), whose value ran
    on into the next field's words ("Client: Williams Daugherty Merrimack Family Services", a running
    header against the letterhead)?"""
    wanted = {squash(short[0] or ""), squash(short[1] or "")}
    return "" not in wanted and wanted <= {squash(w) for part in long if part for w in part.split()}


def same_person(a: IdentityCandidate, b: IdentityCandidate) -> bool:
    """False only on clear evidence: a different surname (either order) or a different birth date (not
    one misread digit: one person's birth date printed twice and read once wrongly is still one person)."""
    if a.dob is not None and b.dob is not None and a.dob != b.dob:
        swapped = a.dob.month == b.dob.day and a.dob.day == b.dob.month and a.dob.year == b.dob.year
        misread = OSA.distance(f"{a.dob:%Y%m%d}", f"{b.dob:%Y%m%d}") == 1  # one digit: OCR, not a twin
        if not (swapped or misread):
            return False
    straight = _names_agree(a.last_name, b.last_name) and _names_agree(a.first_name, b.first_name)
    crossed = _names_agree(a.last_name, b.first_name) and _names_agree(a.first_name, b.last_name)
    return straight or crossed or _misread(a, b) or _ran_on(a, b) or _ran_on(b, a) or _numbered(a, b)


def _numbered(a: IdentityCandidate, b: IdentityCandidate) -> bool:
    """The same MRN printed with both (six characters or more, read alike) and a surname near enough to
    be the same one misread: a running header whose name OCR damaged ("Evchoe Mane Witheiser" for
    Eveline Marie Wintheiser, MRN 28036759 in both places). An MRN is one person's."""
    if not (a.mrn and b.mrn and a.last_name and b.last_name) or len(a.mrn) < _MRN_LENGTH:
        return False
    return (
        a.mrn == b.mrn
        and JaroWinkler.similarity(ocr_fold(a.last_name), ocr_fold(b.last_name)) >= _MISREAD_SURNAME
    )


def _ran_on(a: IdentityCandidate, b: IdentityCandidate) -> bool:
    return run_on((a.last_name, a.first_name), (b.last_name, b.first_name, b.middle_name))


def _misread(a: IdentityCandidate, b: IdentityCandidate) -> bool:
    return bool(b.last_name and b.first_name) and surname_misread(
        (a.last_name, a.first_name, a.dob), (b.last_name or "", b.first_name or "", b.dob)
    )
