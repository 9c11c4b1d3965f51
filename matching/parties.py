"""A bundle of forms: the same party field naming different people on different pages. (Pure.)

A fax server batches what a payer sends: two claim notices, two EOBs, each a page or two with its own
subscriber and patient. When one page's "Subscriber:" (or "Patient:", "Member:", "Insured:") names
someone clearly different from another page's, the pages are about different people: a clerk splits
them. The same person printed again (a running header, an OCR slip of the name) is not a bundle.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping

from chartfile.matching import labels
from chartfile.matching.compare import compare_first, compare_surname
from chartfile.matching.roles import MEMBER, PATIENT
from chartfile.matching.same import run_on

Name = tuple[str, str, str]

# Whose coverage or care a payer's form is about: the patient, the member, and the policy's holder.
_PARTY = re.compile(r"guarantor|subscriber|insured|policy\s*holder|cardholder", re.IGNORECASE)
_FIELD = re.compile(
    r"(?:^|(?<=\s\s)|(?<=\t))(?P<label>[A-Za-z][A-Za-z'’ ]{1,30}?)\s*:[ \t]*(?P<value>[^\n]*)", re.MULTILINE
)


def parties_differ(pages: Mapping[int, str], parse: Callable[[str], Name | None]) -> bool:
    """Does a party field ("Subscriber:", "Patient:") name clearly different people on two pages?"""
    named: dict[str, dict[int, Name]] = defaultdict(dict)
    for number, text in pages.items():
        for label, name in _party_names(text, parse):
            named[label].setdefault(number, name)
    return any(_two_people(list(by_page.values())) for by_page in named.values())


def _party_names(text: str, parse: Callable[[str], Name | None]) -> list[tuple[str, Name]]:
    found = []
    for match in _FIELD.finditer(text):
        label = " ".join(match["label"].lower().split())
        if not (_PARTY.search(label) or MEMBER.search(label) or PATIENT.search(label)):
            continue
        name = parse(_value(match["value"]))
        if name is not None:
            found.append((label, name))
    return found


def _value(text: str) -> str:
    """The field's value up to the next label or column gap; a "LAST," whose first name the gap put in
    the next cell keeps it ("LOWE,    CORTNEY")."""
    pieces = labels.VALUE_END.split(text.lstrip(labels.STRAY_MARKS), maxsplit=2)
    value = pieces[0].strip()
    if value.endswith(",") and len(pieces) > 1:
        value = f"{value} {pieces[1].strip()}"
    return value.strip(labels.STRAY_MARKS)


def _two_people(names: list[Name]) -> bool:
    first = names[0]
    return any(_clearly_different(first, other) for other in names[1:])


def _clearly_different(a: Name, b: Name) -> bool:
    if run_on(a[:2], b) or run_on(b[:2], a):  # one's value ran on into the next field's words
        return False
    surnames = compare_surname(a[0], b[0]).level
    firsts = compare_first(a[1], b[1]).level
    return surnames == "else" or firsts == "else"
