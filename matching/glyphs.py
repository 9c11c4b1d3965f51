"""A known birth date checked against digit boxes OCR read badly. (Pure.)

Small digit boxes on a faxed claim form come back as "(04 (30 20k", "07 |[11 ||2e01" or "102 26 “i949":
no date reader can parse them, but the master list knows which date each candidate patient was born on.
The same holds for a field of eight digits, MMDDYYYY, as a UB-04 claim prints the birth date. This
asks the narrower question, the way a lexicon corrects OCR: do three digit groups printed month,
day, year read as that date, where each glyph is the digit, a letter OCR takes for it (o for 0, i for 1,
S for 5 ...), or a glyph OCR could not read at all (one or two digits)? Enough of the digits must be
read (a year's decade always: "20k" could be a father's or a son's), the unreadable glyphs must sit in
one box, and no digit may differ: "f92" is not 02.

A run of digits only is the date reader's, read as printed, unless it cannot be a date at all ("06 26
2603", "05/34/1998", an ISO "1937-97-10"): then OCR certainly misread it, and it reads as the birth
date when exactly one digit differs and that digit is one OCR takes for the other on a fax (0 for 6, 4
for 1, 9 for 0 ...). A possible date that differs by a digit is another date: it never reads as this one.
"""

from __future__ import annotations

import datetime as dt
import re

from chartfile.matching.dates import OCR_DIGIT_PAIRS, YEARS

_AS_DIGIT = str.maketrans("oOQDiIl!zZsSbGBgq", "00001111225566899")  # letters OCR reads for digits
_BOX_EDGE = frozenset("1iIl!|[")  # a box's left rule, read as a glyph before the digits ("102")
_RIGHT_EDGE = frozenset("1iIl!|]?")  # its right rule, read as a glyph after them ("011", "2012?")
_GROUP = r"(?=[A-Za-z?]{0,3}[0-9])[0-9A-Za-z?]{1,5}"  # at least one digit: words are not date groups
_SEP = r"[ |/\[\]{}()!,.\-_;:'\"“”‘’]{1,7}"
_RUN = re.compile(rf"(?=(?<![0-9A-Za-z?])({_GROUP}){_SEP}({_GROUP}){_SEP}({_GROUP})(?![0-9A-Za-z?]))")
# One field of eight (or six) digits, MMDDYYYY as a UB-04 prints a birth date, some misread as letters.
_COMPACT = re.compile(
    r"(?<![0-9A-Za-z])(?=[A-Za-z]{0,2}[0-9])(?:[0-9A-Za-z]{8}|[0-9A-Za-z]{6})(?![0-9A-Za-z])"
)
_LETTER_BY_DIGIT = re.compile(r"[0-9][A-Za-z?]|[A-Za-z?][0-9]")  # "?": OCR's mark for a glyph it lost
# Month, day and year in digits only, as `_impossible` reads them (a box's rule may lead a group: "103").
_DIGITS_ONLY = re.compile(
    rf"(?<![0-9])([0-9]{{1,3}}){_SEP}([0-9]{{1,3}}){_SEP}([0-9]{{4}}|[0-9]{{2}})(?![0-9])"
)
# An ISO date ("1937-07-10"), which forms print year first.
_ISO = re.compile(r"(?<![0-9A-Za-z])([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?![0-9A-Za-z])")
MIN_READ = 6  # digits read (as digits or as letters OCR takes for them) across the three groups
MAX_UNREAD = 2  # glyphs OCR could not read, all in one box


Run = tuple[str, str, str]  # three groups printed month, day, year


def date_runs(text: str) -> tuple[Run, ...]:
    """Every run of three digit groups in `text` that could be a date OCR misread (found once, read many
    times); groups of digits only are left to the date reader, which reads them as printed."""
    runs: list[Run] = [(m[2], m[3], m[1]) for m in _ISO.finditer(text)]
    if _LETTER_BY_DIGIT.search(text) is None:  # digits only: read as printed unless no calendar has them
        runs += [(m[1], m[2], m[3]) for m in _DIGITS_ONLY.finditer(text)]
    else:
        runs += [(m[1], m[2], m[3]) for m in _RUN.finditer(text)]
        runs += [(run[:2], run[2:4], run[4:]) for run in _COMPACT.findall(text)]
    return tuple(dict.fromkeys(run for run in runs if not "".join(run).isdigit() or _impossible(run)))


def _impossible(run: Run) -> bool:
    """Digits that cannot be a date month, day, year as printed: OCR misread one of them."""
    month, day, year = run
    if _edged(month) != month or _edged(day) != day:
        return True  # a box's rule read as a 1 before two digits ("103 |[19 ||1971")
    if len(year) not in (2, 4) or not (1 <= len(month) <= 2 and 1 <= len(day) <= 2):
        return False  # not shaped like a date at all (a phone, an account number)
    full = int(year) if len(year) == 4 else 2000 + int(year)
    if len(year) == 4 and full not in YEARS:
        return True
    try:
        dt.date(full, int(month), int(day))
    except ValueError:
        return True
    return False


def reads_as(text: str, birth_date: dt.date) -> bool:
    """Does `text` print `birth_date` month, day, year in digit groups OCR partly misread?"""
    return runs_read_as(date_runs(text), birth_date)


def runs_read_as(runs: tuple[Run, ...], birth_date: dt.date) -> bool:
    """Does one of `runs` (`date_runs`) read as `birth_date`?"""
    targets = (f"{birth_date.month:02d}", f"{birth_date.day:02d}")
    years = (f"{birth_date.year:04d}", f"{birth_date.year % 100:02d}")
    for month, day, year in runs:
        if f"{month}{day}{year}".isdigit():  # impossible as printed (`date_runs`): one digit misread
            if _one_confused((month, day, year), targets, years) or _rule_read(
                (month, day, year), targets, years
            ):
                return True
            continue
        parts = [_group(month, targets[0]), _group(day, targets[1]), _year(year, years)]
        if all(parts) and _enough([p for p in parts if p]):
            return True
    return False


def _edged(group: str) -> str:
    """A group of three digits led by a 1, the box's left rule, as its last two ("103" -> "03"); one
    that a rule cannot lead, ended by a 1 (the right rule), as its first two ("011" -> "01")."""
    if len(group) != 3:
        return group
    return group[1:] if group[0] in _BOX_EDGE else group[:-1] if group[-1] in _RIGHT_EDGE else group


def _rule_read(run: Run, targets: tuple[str, str], years: tuple[str, str]) -> bool:
    """Does the run print the date exactly once a box rule read as a 1 is taken off its month or day?
    The year must be printed whole, as listed."""
    month, day, year = run
    edged = (_edged(month), _edged(day))
    return edged != (month, day) and (edged[0].zfill(2), edged[1].zfill(2)) == targets and year == years[0]


def _one_confused(run: Run, targets: tuple[str, str], years: tuple[str, str]) -> bool:
    """Does the run print month, day and year with exactly one digit OCR took for another?"""
    month, day, year = run
    printed = f"{month.zfill(2)}{day.zfill(2)}{year}"
    wanted = f"{targets[0]}{targets[1]}{years[0] if len(year) == 4 else years[1]}"
    differ = (
        [(a, b) for a, b in zip(printed, wanted, strict=True) if a != b]
        if len(printed) == len(wanted)
        else []
    )
    return len(differ) == 1 and frozenset(differ[0]) in OCR_DIGIT_PAIRS


def _year(printed: str, years: tuple[str, str]) -> tuple[int, int] | None:
    """The year group, read far enough to tell a father from a son: a four-digit year printed in four
    glyphs whose third, the decade, is read ("2e01", not "20k"), a two-digit year's both digits."""
    four = _group(printed, years[0])
    decade = any(len(g) == 4 and g[2].translate(_AS_DIGIT).isdigit() for g in (printed, printed[1:]))
    if four is not None and decade:
        return four
    two = _group(printed, years[1])
    return two if two is not None and two[1] == 0 else None


def _enough(parts: list[tuple[int, int]]) -> bool:
    """Enough digits read, and the glyphs not read few and in one box."""
    read, unread = sum(p[0] for p in parts), sum(p[1] for p in parts)
    boxes_unread = sum(p[1] > 0 for p in parts)
    return read >= MIN_READ and unread <= MAX_UNREAD and boxes_unread <= 1


def _group(printed: str, digits: str) -> tuple[int, int] | None:
    """(glyphs read, glyphs unread) if `printed` can be `digits`, else None."""
    tries = [printed]
    if len(printed) > len(digits) and printed[0] in _BOX_EDGE:
        tries.append(printed[1:])
    elif len(printed) > len(digits) and printed[-1] in _RIGHT_EDGE:
        tries.append(printed[:-1])  # a rule after the digits, where none can stand before them
    for glyphs in tries:
        mapped = glyphs.translate(_AS_DIGIT)
        pattern = "".join(ch if ch.isdigit() else r"\d{1,2}" for ch in mapped)
        if re.fullmatch(pattern, digits):
            unread = sum(not ch.isdigit() for ch in mapped)
            return len(mapped) - unread, unread
    return None
