"""Identity and date labels OCR damaged, restored from their vocabulary before any label is read. (Pure.)

A faxed form's small caption type comes back as "Date of Birta", "Patent's Name and Address" or "Medica
Record No": one glyph wrong, and a label pattern misses the field. Spelling every misreading into the
patterns never ends (the next fax drops another glyph), so the labels are corrected the way a lexicon
corrects OCR: a run of words on one line that reads like one of a few label phrases (a patient's
name, birth date and record number; a date's "Report Date", "Date of Service"...), every
word either exactly the phrase's word or (words of five letters or more) one edit from it, and at least
one word exact, is rewritten as the phrase. The phrase gives the context: "Birch" alone is a surname
and stays one; "Date of Birch" is a misread label. A short word ("of", "name") may be misread only
between words read exactly, in a phrase of three ("Date vf Request"). Words keep
their case, their marks ("Name:") and their boxes, so the page's geometry does not move.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import groupby

from rapidfuzz.distance import Levenshtein

from chartfile.records import OcrPage, Word

# What a date label says the date is: when the document was written (`docdate`'s issue words) or what
# it reports.
_DATE_WORDS = (
    *("report", "letter", "notice", "statement", "request", "referral", "decision", "determination"),
    *("creation", "preparation", "signature", "completion", "correspondence", "document", "remittance"),
    *("printed", "issued", "reported", "created", "generated", "prepared", "written", "dictated"),
    *("signed", "approved", "completed", "mailed", "requested"),
    *("service", "admission", "discharge", "collection", "collected"),
)
# The label phrases a patient's name, birth date and record number are printed under, and the dates
# that say when a document was written or what it reports (`docdate`), lower case.
PHRASES: tuple[tuple[str, ...], ...] = (
    ("date", "of", "birth"),
    ("birth", "date"),
    ("patient", "name"),
    ("patient's", "name"),
    ("medical", "record"),
    ("record", "number"),
    *(phrase for word in _DATE_WORDS for phrase in (("date", "of", word), (word, "date"), ("date", word))),
)
# Each label word: the phrases it is in, and where.
_BY_WORD: dict[str, list[tuple[tuple[str, ...], int]]] = {}
for _phrase in PHRASES:
    for _at, _word in enumerate(_phrase):
        _BY_WORD.setdefault(_word, []).append((_phrase, _at))
MIN_FUZZY = 5  # a word this long may be one edit from its label word
_WORD = re.compile(r"\S+")
_CORE = re.compile(r"^([^A-Za-z0-9]*)([A-Za-z0-9'’]+?)([^A-Za-z0-9]*)$")


def restore_labels(page: OcrPage) -> OcrPage:
    """The page with its misread labels spelled as printed (text and word boxes alike)."""
    text = "\n".join(_restored_line(line) for line in page.text.split("\n"))
    words = _restored_words(page.words)
    if text == page.text and words == page.words:
        return page
    return replace(page, text=text, words=words)


def _restored_line(line: str) -> str:
    spans = [m.span() for m in _WORD.finditer(line)]
    fixes = restorations([line[a:b] for a, b in spans])
    if not fixes:
        return line
    pieces: list[str] = []
    last = 0
    for i, (start, end) in enumerate(spans):
        if i in fixes:
            pieces.extend((line[last:start], fixes[i]))
            last = end
    return "".join(pieces) + line[last:]


def _restored_words(words: tuple[Word, ...]) -> tuple[Word, ...]:
    restored: list[Word] = []
    for _, line in groupby(words, key=lambda w: w.line_key):
        run = list(line)
        fixes = restorations([w.text for w in run])
        restored.extend(replace(w, text=fixes[i]) if i in fixes else w for i, w in enumerate(run))
    return tuple(restored) if restored != list(words) else words


def restorations(texts: Sequence[str]) -> dict[int, str]:
    """{index: restored word} for the words of one line that are a misread label phrase. Every such
    phrase has a word read exactly: only the phrases holding a word of the line are tried there."""
    fixes: dict[int, str] = {}
    for i, text in enumerate(texts):
        for phrase, at in _phrases_with(text):
            start = i - at
            window = texts[start : start + len(phrase)] if start >= 0 else ()
            if len(window) == len(phrase) and _misread(window, phrase):
                for offset, (word, label) in enumerate(zip(window, phrase, strict=True)):
                    fixes[start + offset] = _respelled(word, label)
    return {i: fixed for i, fixed in fixes.items() if fixed != texts[i]}


def _phrases_with(word: str) -> list[tuple[tuple[str, ...], int]]:
    core = _core(word)
    if core is None:
        return []
    folded = core.lower().replace("’", "'")
    return _BY_WORD.get(folded, []) + (_BY_WORD.get(folded[:-1], []) if folded.endswith("s") else [])


def _misread(window: Sequence[str], phrase: Sequence[str]) -> bool:
    """Every word exact or one edit off (a short word only between exact ones: "Date vf Request"), at
    least one exact and one not."""
    exact = fuzzy = short = 0
    for word, label in zip(window, phrase, strict=True):
        core = _core(word)
        if core is None:
            return False
        folded = core.lower().replace("’", "'")
        if folded in (label, f"{label}s"):  # "Medical Records" is read as printed
            exact += 1
        elif _one_edit(folded, label):
            fuzzy += 1
        elif (
            len(label) < MIN_FUZZY and len(folded) == len(label) and Levenshtein.distance(folded, label) == 1
        ):
            short += 1
        else:
            return False
    if short:
        return short == 1 and fuzzy == 0 and exact == len(phrase) - 1 >= 2
    return exact >= 1 and fuzzy >= 1


def _one_edit(word: str, label: str) -> bool:
    return len(label) >= MIN_FUZZY and len(word) >= MIN_FUZZY - 1 and Levenshtein.distance(word, label) <= 1


def _core(word: str) -> str | None:
    match = _CORE.match(word)
    return match.group(2) if match else None


def _respelled(word: str, label: str) -> str:
    """`label` in `word`'s case and with its marks ("Birta:" -> "Birth:", "PATENT'S" -> "PATIENT'S")."""
    match = _CORE.match(word)
    assert match is not None  # _misread matched it
    lead, core, trail = match.groups()
    spelled = label.replace("'", "’") if "’" in core else label
    letters = [ch for ch in core if ch.isalpha()]
    if sum(ch.isupper() for ch in letters) * 2 > len(letters):  # "CREATlON": OCR's l for an I
        spelled = spelled.upper()
    elif core[:1].isupper():
        spelled = spelled[:1].upper() + spelled[1:]
    return f"{lead}{spelled}{trail}"
