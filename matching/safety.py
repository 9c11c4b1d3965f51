"""The rules no score can outweigh: when the best candidate must not be filed without a clerk. (Pure.)

Filing needs two identifiers that agree as printed (or differ only by an OCR confusion, on a page that
was OCR'd), one of them the birth date or the MRN, or else the full name in the patient's field and the
phone; a clear lead over the runner-up; one patient on the document; and no field that contradicts.
Each rule that holds a document back says why, in words a clerk reads, without patient data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from chartfile.matching.compare import compare_dob, compare_first, compare_surname
from chartfile.matching.index import first_keys, surname_keys
from chartfile.matching.normalize import ocr_fold, squash
from chartfile.matching.same import surname_misread
from chartfile.matching.tokens import PageWords, Token, birth_date_role
from chartfile.records import Candidate, Cell, Extraction, IdentityCandidate, PatientRecord, Role
from chartfile.settings import MatchingSettings

_SURNAME_AGREES = {"exact", "ocr", "part"}
_FIRST_AGREES = {"exact", "nickname", "ocr"}
_DOB_AGREES = {"exact", "glyphs", "day-month-swapped", "century"}
_MRN_AGREES = {"exact", "ocr-confusable"}
_SPELLED_DIFFERENTLY = {"close", "near"}
_CLEARLY_DIFFERENT_FIRST = {"else", "near"}
_AS_LISTED = {"exact", "ocr"}  # a name printed as the list spells it, or so read by OCR
_TWIN = "another patient has the same surname, birth date and a similar first name: filing needs the MRN"
# A birth date with a phone or address a household shares fits a twin or a relative born that day:
# unless the full name agrees (read, and the same) or the MRN does, only a clerk can tell them apart.
_HOUSEHOLD = "neither the full name nor the MRN agrees: a birth date and a phone fit a twin or relative too"
_SAME_BIRTH_DATE = {
    "exact",
    "glyphs",
    "day-month-swapped",
    "century",
    "one-digit",
}  # one birth date, read or printed badly
_CONTRADICTION_FIELDS = {"surname", "first_name", "dob", "mrn"}  # a middle name is weak evidence, no veto
_NAME_REACH = 2  # a surname sits at most this many words from its first name ("ROE, JANE A", "Jane A Roe")
_UPSTREAM = re.compile(r"[A-Z]{2}[li][A-Z]{2}")  # OCR's l for an I amid capitals: no one types it
_SURER_BY = 10.0  # Tesseract confidence points: a smaller difference between two readings says nothing
_UNSURE = 50.0  # Tesseract's confidence in a word below this: it is as likely misread as read


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate patient (its position in the index), its score, and the reading it was scored on."""

    position: int
    candidate: Candidate
    reading: IdentityCandidate
    in_patient_field: bool = False  # another reading names this patient in a field labels give the patient


def ocr_read(reading: IdentityCandidate) -> bool:
    """Was the name read by OCR: on a page chartfile OCR'd, or in a text layer OCR made upstream (a
    scanner's or fax server's searchable PDF). That shows where no one types: a digit inside a name
    ("FARRE1L"), a small l or i among capitals ("JENKlNS")."""
    name = f"{reading.last_name or ''} {reading.first_name or ''}"
    return reading.ocr or any(ch.isdigit() for ch in name) or bool(_UPSTREAM.search(name))


def agreeing(scored: Scored) -> list[str]:
    """The identifiers that agree for a scored reading (a name's OCR confusions count where OCR read it)."""
    return agreeing_fields(scored.candidate, ocr=ocr_read(scored.reading))


def agreeing_fields(candidate: Candidate, *, ocr: bool = True) -> list[str]:
    """Which identifiers agree: the full name, the birth date, the MRN, the phone. An OCR-folded name
    agrees only on an OCR'd page (a text layer prints what the sender typed)."""
    level = _levels(candidate)
    surname_ok = _SURNAME_AGREES if ocr else _SURNAME_AGREES - {"ocr"}
    first_ok = _FIRST_AGREES if ocr else _FIRST_AGREES - {"ocr"}
    agreed = []
    if level.get("surname") in surname_ok and level.get("first_name") in first_ok:
        agreed.append("name")
    if level.get("dob") in _DOB_AGREES:
        agreed.append("dob")
    if level.get("mrn") in _MRN_AGREES:
        agreed.append("mrn")
    if level.get("phone") == "exact":
        agreed.append("phone")
    return agreed


def blockers(
    extraction: Extraction,
    ranked: Sequence[Scored],
    margin: float,
    settings: MatchingSettings,
    records: Sequence[PatientRecord],
    *,
    words: PageWords | None = None,
) -> list[str]:
    """Every reason the best candidate may not be filed (empty: file it)."""
    best = ranked[0]
    found = _evidence_rules(best, margin, settings)
    if words is not None:
        found += _other_birth_dates(words, records[best.position])
    found += _spelling(best)
    if words is not None:
        found += _clearest_printing(words, best, records[best.position])
    found += _contradictions(best)
    found += _twins(best, ranked[1:], records)
    found += _other_people(extraction, best, ranked[1:], records, words)
    return found


def _evidence_rules(best: Scored, margin: float, settings: MatchingSettings) -> list[str]:
    found = []
    if best.candidate.score < settings.auto_file_min_score:
        found.append(
            f"match probability {best.candidate.score:.4f} is below the auto-file threshold "
            f"{settings.auto_file_min_score}"
        )
    if margin < settings.min_weight_margin:
        found.append(
            f"the runner-up is within 2^{margin:.1f} of the best (needs 2^{settings.min_weight_margin:.0f})"
        )
    agreed = agreeing(best)
    if not (len(agreed) >= 2 and {"dob", "mrn"} & set(agreed)) and not _name_and_phone(best, agreed):
        found.append(
            "fewer than two identifiers agree, or neither the birth date nor the MRN does (nor the full "
            "name, printed in the patient's field, and the phone)"
        )
    elif not {"name", "mrn"} & set(agreed):
        found.append(_HOUSEHOLD)
    if best.reading.role is Role.OTHER:
        found.append("the name is printed in another person's field (insured, guarantor, provider, ...)")
    return found


def _name_and_phone(best: Scored, agreed: Sequence[str]) -> bool:
    """The full name and the phone number, two of the identifiers The Joint Commission accepts: the name
    printed as listed (no nickname, no spelling difference) in a field the document gives the patient,
    the patient's own phone number, no birth date read for them unless it agrees (a slip of one digit
    does not), no street address that differs. A name with no label, or in a relative's or sender's
    field, is never grounds to file on a phone a household shares."""
    level = _levels(best.candidate)
    return (
        best.reading.role is Role.PATIENT
        and {"name", "phone"} <= set(agreed)
        and level.get("surname") in _AS_LISTED
        and level.get("first_name") in _AS_LISTED
        and level.get("dob", "null") in {"null", *_DOB_AGREES}
        and level.get("address") != "else"
    )


def _spelling(best: Scored) -> list[str]:
    """A name spelled differently from the list in a way OCR does not explain is for a clerk to judge,
    unless the birth date agrees exactly and the MRN does too."""
    level = _levels(best.candidate)
    if _mrn_and_birth_date(best):
        return []
    differs = [f for f in ("surname", "first_name") if level.get(f) in _SPELLED_DIFFERENTLY]
    if not ocr_read(best.reading):
        differs += [f for f in ("surname", "first_name") if level.get(f) == "ocr"]
    if not differs:
        return []
    return [f"{' and '.join(differs)} spelled differently from the master list (not an OCR confusion)"]


def _mrn_and_birth_date(best: Scored) -> bool:
    """The MRN agrees as printed (`_mrn_as_printed`) and the birth date exactly: a name's spelling cannot
    make it another patient."""
    return _mrn_as_printed(best) and _levels(best.candidate).get("dob") == "exact"


def _mrn_as_printed(best: Scored) -> bool:
    """The MRN agrees as printed, or where OCR read it, but for letters OCR takes for digits ("1O262270"):
    one listed patient's number, which no namesake the list does not hold prints."""
    mrn_as_printed = {"exact", "ocr-confusable"} if ocr_read(best.reading) else {"exact"}
    return _levels(best.candidate).get("mrn") in mrn_as_printed


def _clearest_printing(words: PageWords, best: Scored, patient: PatientRecord) -> list[str]:
    """The surname printed beside the patient's first name more than once (a form and its running
    headers): the printing OCR read most surely says how the document spells it. When that one is spelled
    differently from the list in a way OCR does not explain ("PCUROS" read surely, "POUROS" unsurely, for
    "Pouros"), the document may be about a namesake the list does not hold: a clerk decides. Printings
    read about as surely (within `_SURER_BY`; a text layer's) leave the list's spelling standing. When
    every printing that agrees was read unsurely (below `_UNSURE`), OCR may have read a namesake's
    name a letter off as the listed one (a scan's "HERMIISTON", not on the list, read "HERMISTON" at
    confidence 28): a clerk decides too, unless the MRN agrees (no namesake prints it); and so when the
    surest printing is a fold off the list's (`_surer_respelt`)."""
    if _levels(best.candidate).get("surname") not in _AS_LISTED or _mrn_and_birth_date(best):
        return []  # `_spelling` speaks for a best reading spelled differently
    printings = _surname_printings(words, patient)
    differing = [confidence for confidence, level, _ in printings if level in _SPELLED_DIFFERENTLY]
    agreeing_ = [confidence for confidence, level, _ in printings if level in _AS_LISTED]
    if differing and agreeing_ and max(differing) > max(agreeing_) + _SURER_BY:
        return ["the surname's most clearly read printing is spelled differently from the master list"]
    if _mrn_as_printed(best):
        return []  # no namesake the list does not hold prints the patient's MRN
    if agreeing_ and max(agreeing_) < _UNSURE:
        return [
            f"OCR read the surname unsurely (confidence {max(agreeing_):.0f} of 100): a name a letter "
            "different would read the same"
        ]
    if _surer_respelt(printings, patient):
        return [
            "the surname's most clearly read printing is a letter off the master list's, which was read "
            "less surely: a namesake's name may have been misread as the listed one"
        ]
    if _a_letter_off_unconfirmed(words, best, patient):
        return [
            "the surname, printed once, agrees only through a letter OCR confuses (an F for an E, an I for "
            "an L): a namesake a letter off reads the same; filing needs the MRN, phone or street too"
        ]
    if _spelt_so_throughout(words, best, patient):
        return [
            "the surname is printed the same way more than once, a letter differing from the master list "
            "in each: a spelling, not an OCR misreading"
        ]
    return []


def _surer_respelt(printings: Sequence[tuple[float, str, str]], patient: PatientRecord) -> bool:
    """Was a printing a letter off the list's through an OCR confusion read more surely (by over
    `_SURER_BY`) than any printing spelled as listed ("BAYFR" at 90, "BAYER" at 44, for Bayer)? OCR reads
    a namesake's F as an E as readily as an E as an F; the surer reading says how the document spells it."""
    listed = squash(patient.last_name)
    respelt = [
        confidence for confidence, level, key in printings if level == "ocr" and _a_spelling(key, listed)
    ]
    as_listed = [confidence for confidence, _, key in printings if key == listed]
    return bool(respelt and as_listed) and max(respelt) > max(as_listed) + _SURER_BY


def _a_letter_off_unconfirmed(words: PageWords, best: Scored, patient: PatientRecord) -> bool:
    """The surname printed once, read as the list's only through a letter-for-letter OCR fold ("BAYFR"
    for Bayer: an F for an E), with nothing but the first name and birth date beside it: that is also
    exactly how a namesake the list does not hold, spelled a letter off, reads. The MRN (checked before),
    the phone or the street agreeing says it is the patient. A digit, letters OCR runs together (rn for
    m) or a small letter amid capitals ("WHlTFIELD") is never a spelling; a surname printed more than once
    is weighed printing by printing (`_surer_respelt`, `_spelt_so_throughout`)."""
    read, level = best.reading.last_name, _levels(best.candidate)
    if level.get("surname") != "ocr" or not read or _mixed_case(read):
        return False
    listed = squash(patient.last_name)
    if not _a_spelling(squash(read), listed) or len(_printed_surnames(words, listed)) > 1:
        return False
    return level.get("phone") != "exact" and level.get("address") != "exact"


def _mixed_case(name: str) -> bool:
    """Small letters and two or more capitals after the first letter ("WHlTFIELD", "LlNDQVIST"): OCR's
    glyphs, not a spelling ("McDermott", "O'Keefe" hold one capital after their first)."""
    letters = [ch for ch in name if ch.isalpha()]
    return any(ch.islower() for ch in letters) and sum(ch.isupper() for ch in letters[1:]) >= 2


def _spelt_so_throughout(words: PageWords, best: Scored, patient: PatientRecord) -> bool:
    """The surname read as the list's only through an OCR confusion, a letter for another ("BIICK" for
    Blick: a capital L whose foot a fax lost reads as an I), and printed that way two or more times, never
    as listed. OCR's misreadings differ from printing to printing; a name the document spells so does
    not. (A digit in a name is always OCR's.)"""
    if _levels(best.candidate).get("surname") != "ocr":
        return False
    listed = squash(patient.last_name)
    printed = _printed_surnames(words, listed)
    spellings = set(printed)
    if len(printed) < 2 or len(spellings) != 1:
        return False
    (spelling,) = spellings
    return _a_spelling(spelling, listed)


def _printed_surnames(words: PageWords, listed: str) -> list[str]:
    """The key of every word on the document that prints the (squashed) listed surname, as listed or as
    OCR folds it alike."""
    folded = ocr_fold(listed)
    return [t.key for t in words.tokens if t.key == listed or t.fold == folded]


def _a_spelling(printed: str, listed: str) -> bool:
    """Could a printing OCR folds to the listed surname be how a document spells a namesake's: letters
    only (a digit in a name is OCR's), as many as the list's, not the list's own."""
    return printed != listed and printed.isalpha() and len(printed) == len(listed)


def _surname_printings(words: PageWords, patient: PatientRecord) -> list[tuple[float, str, str]]:
    """(OCR's confidence in the word, spelling level, the word's key) of each word beside the patient's
    first name, in its cell, that reads as their surname, as listed or spelled alike."""
    firsts = first_keys(patient.first_name)
    found: dict[tuple[int, int], tuple[float, str, str]] = {}
    for token in words.tokens:
        if token.key not in firsts and token.fold not in firsts:
            continue
        cell = words.by_cell[token.cell]
        at = cell.index(token)
        for other in cell[max(0, at - _NAME_REACH) : at + _NAME_REACH + 1]:
            if other is token or (other.cell, other.index) in found:
                continue
            level = compare_surname(other.text, patient.last_name).level
            if level in _AS_LISTED | _SPELLED_DIFFERENTLY:
                confidence = _word_confidence(words.cells[other.cell], other)
                found[(other.cell, other.index)] = (confidence, level, other.key)
    return list(found.values())


def _word_confidence(cell: Cell, token: Token) -> float:
    """OCR's confidence in the word a token was read from (its cell's least confident word's, when the
    cell does not keep each word's)."""
    each = cell.word_confidences
    return each[token.index] if token.index < len(each) else cell.confidence


def _contradictions(best: Scored) -> list[str]:
    contradicted = [
        f.field for f in best.candidate.fields if f.level == "else" and f.field in _CONTRADICTION_FIELDS
    ]
    return [f"{', '.join(contradicted)} contradicts the best candidate"] if contradicted else []


def _twins(best: Scored, others: Sequence[Scored], records: Sequence[PatientRecord]) -> list[str]:
    """Another patient with the surname and birth date the document prints: the first name tells them
    apart (agreeing with the best, clearly different from the other), else only the MRN can."""
    reading = best.reading
    if _levels(best.candidate).get("mrn") in _MRN_AGREES or reading.dob is None:
        return []
    mine = _levels(best.candidate).get("first_name")
    for other in others:
        patient = records[other.position]
        if compare_surname(reading.last_name, patient.last_name).level not in _SURNAME_AGREES:
            continue
        if compare_dob(reading.dob, patient.dob).level != "exact":
            continue
        theirs = compare_first(reading.first_name, patient.first_name).level
        if not (mine in _FIRST_AGREES and theirs in _CLEARLY_DIFFERENT_FIRST):
            return [_TWIN]
    return []


def _other_people(
    extraction: Extraction,
    best: Scored,
    others: Sequence[Scored],
    records: Sequence[PatientRecord],
    words: PageWords | None = None,
) -> list[str]:
    """A second listed patient named with a birth date or MRN, or a labelled patient who is not the best
    (not one read from inside the best's own printed name: "SHANTAY LYNN BINS" holds a "Lynn Bins")."""
    found = []
    patient = records[best.position]
    others = [o for o in others if not _inside_name_of(o, patient, words)]
    if extraction.possibly_multiple_patients:
        found.append("the document names more than one patient")
    strong = [o for o in others if _second_patient(o)]
    if strong:
        found.append("the document also names another listed patient with a birth date or MRN")
    alike = [o for o in others if o.reading.role is not Role.OTHER and _alike(o) and _elsewhere(o, best)]
    if alike and not strong:
        found.append("the document also prints another listed patient's birth date beside a name like theirs")
    labelled = [
        o
        for o in others
        if (o.reading.role is Role.PATIENT or o.in_patient_field)
        and _named(o.candidate, ocr_read(o.reading))
        and _elsewhere(o, best)
    ]
    if labelled and not strong:
        found.append("a patient field on the document names another listed patient")
    if any(_names_someone_else(identity, patient) for identity in extraction.identities):
        found.append("a patient field on the document names someone other than the best candidate")
    return found


def _inside_name_of(other: Scored, patient: PatientRecord, words: PageWords | None) -> bool:
    """Was the other reading's name read from a cell that prints the patient's own surname and first
    name (a middle name taken for a relative's first name)?"""
    if words is None or other.reading.name_words is None:
        return False
    keys = {k for t in words.by_cell.get(other.reading.name_words[0], ()) for k in (t.key, t.fold)}
    return bool(surname_keys(patient.last_name) & keys) and bool(first_keys(patient.first_name) & keys)


def _other_birth_dates(words: PageWords, patient: PatientRecord) -> list[str]:
    """A date printed right after a birth-date label (or under a birth-date caption) that is not the
    patient's (nor a slip or swap of it), and whose label does not name someone else (insured,
    subscriber, guarantor, mother: `tokens.birth_date_role`): the document is about a second person,
    listed or not."""
    for seen in words.dates:
        role = birth_date_role(words, seen)
        if role is None or compare_dob(seen.value, patient.dob).level in _SAME_BIRTH_DATE:
            continue
        if role is not Role.OTHER:
            return ["the document prints another person's birth date as a patient's"]
    return []


def _elsewhere(other: Scored, best: Scored) -> bool:
    """Another person printed elsewhere on the document: not the best's own words read against a
    namesake (or a part of them), and not the best's printed name and birth date repeated (a running
    header on page 2)."""
    mine, theirs = best.reading.name_words, other.reading.name_words
    if mine is not None and theirs is not None:
        overlapping = mine[0] == theirs[0] and theirs[1] <= mine[2] and theirs[2] >= mine[1]
        if overlapping:
            return False
    return _printed(other.reading) != _printed(best.reading)


def _printed(reading: IdentityCandidate) -> tuple[frozenset[str], dt.date | None]:
    names = frozenset(squash(n) for n in (reading.last_name, reading.first_name) if n)
    return names, reading.dob


def _alike(other: Scored) -> bool:
    """Another listed patient's birth date printed beside a name spelled like theirs (a second patient
    whose name was misspelled or misread is still a second patient)."""
    level = _levels(other.candidate)
    return (
        level.get("dob") in {"exact", "glyphs", "day-month-swapped"}
        and level.get("surname") in {"exact", "ocr", "part", "close", "near"}
        and level.get("first_name") in {"exact", "nickname", "ocr", "close"}
    )


def _named(candidate: Candidate, ocr: bool) -> bool:
    """The reading's printed name is this patient's (a search reading: the name was found beside a
    patient label, not read from a birth date or number alone)."""
    return "name" in agreeing_fields(candidate, ocr=ocr)


def _second_patient(other: Scored) -> bool:
    """Another listed patient named with their birth date or MRN in a field of their own; or, in any
    field, with their MRN exactly: the facility's number for its patient is printed for a patient, even
    beside a name whose label reads as someone else's ("Member" on one page of a bundle whose other page
    has a patient field)."""
    if _strong(other.candidate, ocr_read(other.reading)):
        return other.reading.role is not Role.OTHER or _levels(other.candidate).get("mrn") == "exact"
    return False


def _strong(candidate: Candidate, ocr: bool) -> bool:
    agreed = agreeing_fields(candidate, ocr=ocr)
    return "name" in agreed and bool({"dob", "mrn"} & set(agreed))


def _names_someone_else(identity: IdentityCandidate, patient: PatientRecord) -> bool:
    """A labelled identity with a name and a birth date that clearly is not this patient (not the patient's
    name with its surname misread, beside their first name and birth date)."""
    if not (identity.last_name and identity.first_name and identity.dob):
        return False
    printed = (identity.last_name, identity.first_name, identity.dob)
    if surname_misread(printed, (patient.last_name, patient.first_name, patient.dob)):
        return False
    straight = compare_surname(identity.last_name, patient.last_name).level
    crossed = compare_surname(identity.first_name, patient.last_name).level
    surname_differs = (
        straight == "else" and crossed == "else" and not _names_in_another_order(identity, patient)
    )
    return surname_differs or compare_dob(identity.dob, patient.dob).level == "else"


def _names_in_another_order(identity: IdentityCandidate, patient: PatientRecord) -> bool:
    """The patient's surname and first name both among the reading's name words, in another order than
    its label promised ("MEMBER NAME (Last, First)" over "MAYRA GRACE LLAMAS"): the same name."""
    words = [n for n in (identity.last_name, identity.first_name, identity.middle_name) if n]
    surname = [w for w in words if compare_surname(w, patient.last_name).level in _AS_LISTED]
    first = [
        w for w in words if w not in surname and compare_first(w, patient.first_name).level in _FIRST_AGREES
    ]
    return bool(surname) and bool(first)


def _levels(candidate: Candidate) -> dict[str, str]:
    return {f.field: f.level for f in candidate.fields}
