"""Do two identities read from one document describe the same person? (Pure.)"""

from __future__ import annotations

from rapidfuzz.distance import OSA, JaroWinkler

from chartfile.matching.normalize import ocr_fold
from chartfile.records import IdentityCandidate


def _names_agree(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    return JaroWinkler.similarity(ocr_fold(a), ocr_fold(b)) >= 0.85


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
    return straight or crossed
