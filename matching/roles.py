"""Whose name is this? The label beside, before or above a name says the patient's, or someone else's.

A label is looked for where forms print it: earlier in the same cell ("Patient: Jane Roe", "Dr. Jane
Roe"), after the name ("Jane Roe, MD"), in the cell to its left on the same row (a label column), and in
the caption, header cell or section band above it. The first place that names a role decides. (Pure.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from chartfile.matching.labels import NAME_FORMAT
from chartfile.matching.layout import is_caption, split_below
from chartfile.records import Cell, Role

# Someone other than the patient: who pays, who treats, who sends, who is related.
OTHER = re.compile(
    r"guarantor|subscriber|insured|policy\s*holder|cardholder|parent|guardian|mother|father|spouse|"
    r"emergency|contact|next\s+of\s+kin|relative|physician|provider|doctor|\bdr\b|referr|ordering|"
    r"attending|prescrib|pharmacist|pharmacy|rendering|supervising|surgeon|radiologist|pathologist|"
    r"\bnpi\b|dea\b|attorney|\bcounsel(?:or|lor)?s?\b|esq|law\s+(?:firm|office)|adjuster|employer|responsible\s+party|"
    r"signature|signed|\bby\b|from|sender|\battn\b|attention|\bcc\b|nurse|clinician|therapist|"
    r"reviewer|case\s+manager|technologist|member\s+services|representative",
    re.IGNORECASE,
)
# A member, enrollee or beneficiary is the patient on a payer's form, unless the form also has a field
# for the patient: then it is the policy holder.
MEMBER = re.compile(r"member|enrollee|beneficiary|recipient|covered\s+person|insured\s+person", re.IGNORECASE)
PATIENT = re.compile(
    r"patient|\bpts?\b|\bpat\b|\bclient\b|resident|claimant|\bsubject\b|\bre\b|regarding|"
    r"our\s+(?:client|insured)|individual|\bchild\b|\bdependent\b|\bstudent\b|injured|\bname\b",
    re.IGNORECASE,
)
_GENERIC = re.compile(r"\bname\b", re.IGNORECASE)  # "Name:" alone is the patient; "Insured's name" is not
_ASIDE = re.compile(r"\([^()]{0,40}\)")  # "(if other than patient)", "(Last, First, MI)"
_NAME_FORMAT = re.compile(NAME_FORMAT, re.IGNORECASE)  # "(First, MI, Last)"
# Role words no label of the patient's resembles, matched through OCR damage (not "provider", "physician":
# "provided", "physical" are a letter or two away).
_OTHER_STEMS = (
    "insured", "subscriber", "guarantor", "policyholder", "cardholder", "guardian", "prescriber",
    "pharmacist", "attorney",
)  # fmt: skip
_MISREAD_SIMILARITY = 85
_LOST_LETTER = 90  # fuzz.ratio of a six-letter word to "patient" with one letter lost ("paient": 92)
_LONG_WORD = re.compile(r"[A-Za-z|!]{6,}")
_KEPT_PREFIX = 5  # OCR keeps a word's start more often than its end: "INSURCC" is "INSURED'S"
_CAPTION_LEVELS = 3  # a value's caption, the caption's header, the section band over both
_CAPTION_GAP_HEIGHTS = 1.5  # a caption sits at most this many line heights above what it labels
_SMALL_TYPE = 0.75  # a line this much shorter than the one under it is in smaller type (a form's caption)
_NUMBER_RUN = re.compile(r"\d{3}")
_AFTER_NAME = re.compile(r"^[\s,]*(?:M\.?D|D\.?O|N\.?P|P\.?A|R\.?N|Ph\.?D|Pharm\.?D|DDS|FNP|MSW|LCSW|Esq)\b")


def role_of(
    cells: Sequence[Cell], cell: int, first_word: int, last_word: int, *, has_patient_field: bool
) -> Role:
    """The role the nearest label gives the name in words first_word..last_word of cells[cell]: the
    first label that names a role decides; a label that only says "Name" makes it the patient's."""
    words = cells[cell].text.split()
    after = " ".join(words[last_word + 1 :])
    if _AFTER_NAME.match(after):
        return Role.OTHER
    generic = False
    for label in _labels(cells, cell, " ".join(words[:first_word])):
        role = role_in(label, has_patient_field=has_patient_field)
        if role is not Role.UNSTATED:
            return role
        generic = generic or bool(_GENERIC.search(label))
    return Role.PATIENT if generic else Role.UNSTATED


_PATIENT_FIELD = re.compile(
    r"^\W*(?:\d{1,2}[a-z]?[.)]\s*)?(?:patient|pt|dependent)\b(?:['’]s)?"
    r"(?!\s*(?:acc|acct|account|id\b|#|no\b|num|signature|sign|address|phone|relation|status|type|control|"
    r"portal|balance|responsib|condition|information))[^:]{0,25}(?::|$)",
    re.IGNORECASE,
)  # a field for the patient's name: "Patient:", "PATIENT'S NAME"; not "Patient Acct #:" or "Patient ID"


def label_role(cells: Sequence[Cell], cell: int, before: str, *, has_patient_field: bool) -> Role:
    """The role the labels of a value in cells[cell] give it: the text before it in its cell, the cell to
    its left, then its captions up to the section band ("GUARANTOR" over "DOB" over "07/15/1949")."""
    for label in _labels(cells, cell, before):
        role = role_in(label, has_patient_field=has_patient_field)
        if role is not Role.UNSTATED:
            return role
    return Role.UNSTATED


_ENDS_LABEL = re.compile(r":[^A-Za-z0-9]*$")  # "Re:", "Re: '" (a stray mark after the colon)
_SENTENCE_END, _WORD, _SENTENCE_WORDS = re.compile(r"[.!?]\s*$"), re.compile(r"[A-Za-z]{2,}"), 5
_PROSE_SHARE = 0.5  # more than this share of a line's words in lower case: a sentence, not a caption
_PROSE = re.compile(r"[.;!?]\s*$|^\W*(?:patient|pt)\s+[a-z]+\s+[a-z]")  # "patient at this visit." wraps prose


def patient_field_pages(cells: Sequence[Cell]) -> frozenset[int]:
    """The pages that print a field named for the patient ("Patient:", "PATIENT NAME" over a box), so
    that a "member" on the same page is someone else. A page is one form: in a bundle of two payer
    notices, one page's "Member" is its patient even when the other's has a "Patient" field. Prose that
    mentions "the patient" is no field, nor is another label's value ("Re:" then "Patient records")."""
    return frozenset(
        c.page
        for c in cells
        if _PATIENT_FIELD.match(c.text) and not _prose(c.text) and not _labelled_value(cells, c)
    )


def _labelled_value(cells: Sequence[Cell], cell: Cell) -> bool:
    """Is `cell` the value of a label in the cell just to its left on its row ("Re:" | "Patient records"),
    specks between them aside?"""
    left = [
        c
        for c in cells
        if c.page == cell.page
        and c.row == cell.row
        and c.right <= cell.left
        and any(map(str.isalnum, c.text))
    ]
    return bool(left) and bool(_ENDS_LABEL.search(max(left, key=lambda c: c.right).text))


def _prose(text: str) -> bool:
    return ":" not in text and bool(_PROSE.search(text))


def _labels(cells: Sequence[Cell], index: int, before: str) -> list[str]:
    """Where a label for this cell's name can be: before it in the cell, the cell to its left, then the
    captions above it: a header cell, and over that a section band ("GUARANTOR", "PATIENT")."""
    cell = cells[index]
    found = [_without_asides(before)[-40:]] if before.strip() else []
    left = [c for c in cells if c.page == cell.page and c.row == cell.row and c.right <= cell.left]
    if left and not before.strip():
        found.append(max(left, key=lambda c: c.right).text[-40:])
    if not left and not before.strip():
        found.extend(_wrapped_from(cells, cell))
    for _ in range(_CAPTION_LEVELS):
        over = _above(cells, cell)
        if over is None or not _labels_it(over, cell) or _labelled_value(cells, over):
            break  # a value above ("Pt Name:" | "TERRY, NORMA G") is another field's, not this one's label
        found.append(over.text[:60])
        cell = over
    return found


def _wrapped_from(cells: Sequence[Cell], cell: Cell) -> list[str]:
    """The end of the line before, where a sentence wraps onto the name's line ("... His mother," then
    "Margaret Roe, date of birth ..."): a line that ends mid-sentence (no full stop, no colon) and
    reaches past where the name's line starts."""
    before = [c for c in cells if c.page == cell.page and c.row == cell.row - 1]
    if not before:
        return []
    last = max(before, key=lambda c: c.right)
    text = last.text.rstrip()
    if not text or text[-1] in ".!?:" or min(c.left for c in before) > cell.left or not _sentence_like(text):
        return []
    if _small_type(last, cell):
        return []  # a caption over its value, its words damaged into what reads like prose
    return [text[-40:]]


def _small_type(over: Cell, cell: Cell) -> bool:
    """Is `over` printed in smaller type than `cell`: a form's caption over its value ("Cardholder /
    Policy Holder Name (if different from member)" in small print over "Bernice Ondricka"), not a line of
    prose wrapping onto the next?"""
    return over.bottom - over.top < _SMALL_TYPE * (cell.bottom - cell.top)


def _sentence_like(text: str) -> bool:
    """Prose, not a form's caption ("6. Patient's Name and Address 7. Provider's Name"): five words or
    more, most of them in lower case."""
    words = _WORD.findall(text)
    return len(words) >= _SENTENCE_WORDS and sum(w.islower() for w in words) > len(words) * _PROSE_SHARE


def _without_asides(label: str) -> str:
    """A label without its asides, a name-format hint kept as the word "Name" it stands for: "Employee
    (First, MI, Last):" is a field for a person's name, the patient's when no role word says otherwise."""
    return _ASIDE.sub(" ", _NAME_FORMAT.sub(" Name ", label))


def _labels_it(over: Cell, cell: Cell) -> bool:
    """Is `over` a caption of `cell`: words without a value of their own (no street number, phone or
    ZIP, not a sentence), close above it? A title or a letterhead set off by space above a form labels
    nothing."""
    if not is_caption(over.text) or _NUMBER_RUN.search(over.text) or _sentence(over.text):
        return False
    if _sentence_like(_ASIDE.sub(" ", over.text)) and not _small_type(over, cell):
        return False  # prose above a name ("Patient will walk with a walker within 4 weeks") labels nothing
    height = max(cell.bottom - cell.top, over.bottom - over.top, 1)
    return cell.top - over.bottom <= _CAPTION_GAP_HEIGHTS * height


def _sentence(text: str) -> bool:
    """A sentence (five words or more, ending in a full stop) above a name is a value of its own
    ("Patient will walk safely with a walker within 4 weeks."), not its caption."""
    return (
        ":" not in text and bool(_SENTENCE_END.search(text)) and len(_WORD.findall(text)) >= _SENTENCE_WORDS
    )


def _above(cells: Sequence[Cell], cell: Cell) -> Cell | None:
    """The caption, header cell or band over `cell`: the nearest cell above whose value it is, or a part
    of it ("FEEST," | "BRANDON A": OCR split the name in two cells under its caption)."""
    over = [c for c in cells if c.page == cell.page and cell.row - 3 <= c.row < cell.row]
    return max((c for c in over if cell in split_below(c, cells)), key=lambda c: c.row, default=None)


def role_in(label: str, *, has_patient_field: bool) -> Role:
    label = _ASIDE.sub(" ", label)
    other, member = OTHER.search(label), MEMBER.search(label)
    patients = [m for m in PATIENT.finditer(label) if not _GENERIC.fullmatch(m.group())]
    if member and not other:
        return Role.OTHER if has_patient_field and not patients else Role.PATIENT
    if other and patients:  # "Patient's physician", "Patient signature": the later word rules
        return Role.OTHER if other.start() > patients[-1].start() else Role.PATIENT
    if other:
        return Role.OTHER
    if patients:
        return Role.PATIENT
    if misread_other(label):
        return Role.OTHER
    return Role.PATIENT if _misread_patient(label) else Role.UNSTATED


def _misread_patient(label: str) -> bool:
    """A caption's "Patient's" that OCR damaged on a fax ("Patiert's", "PATlENT", "Paient's"): a word of
    six letters or more that nearly holds "patient", or is it with a letter lost."""
    return any(
        fuzz.partial_ratio("patient", word) >= _MISREAD_SIMILARITY
        or fuzz.ratio("patient", word) >= _LOST_LETTER
        for word in _long_words(label)
    )


def misread_other(label: str) -> bool:
    """A word OCR misread from one that names someone else ("INSUREIYS DATE OF BIRTH", "SUBSCRlBER"):
    a long word that nearly holds one of the unmistakable role words, or begins as one does."""
    return any(
        word.startswith(stem[:_KEPT_PREFIX]) or fuzz.partial_ratio(stem, word) >= _MISREAD_SIMILARITY
        for word in _long_words(label)
        for stem in _OTHER_STEMS
    )


def _long_words(label: str) -> list[str]:
    """A label's words of six letters or more (OCR's "|" and "!" for an l or I kept), lower-cased: the
    words a misread role word can be."""
    return [w.lower() for w in _LONG_WORD.findall(label)]
