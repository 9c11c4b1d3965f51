"""Do two identities read from one document describe the same person? (Pure.)"""

from __future__ import annotations

from rapidfuzz.distance import JaroWinkler

from chartfile.matching.normalize import ocr_fold
from chartfile.records import IdentityCandidate


def _names_agree(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    return JaroWinkler.similarity(ocr_fold(a), ocr_fold(b)) >= 0.85


def same_person(a: IdentityCandidate, b: IdentityCandidate) -> bool:
    """False only on clear evidence: a different surname (either order) or a different birth date."""
    if a.dob is not None and b.dob is not None and a.dob != b.dob:
        swapped = a.dob.month == b.dob.day and a.dob.day == b.dob.month and a.dob.year == b.dob.year
        if not swapped:
            return False
    straight = _names_agree(a.last_name, b.last_name) and _names_agree(a.first_name, b.first_name)
    crossed = _names_agree(a.last_name, b.first_name) and _names_agree(a.first_name, b.last_name)
    return straight or crossed
