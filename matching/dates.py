"""Find and parse US-style dates in OCR text; never raises, never looks at the clock."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_AGE_YEARS = 125
DOC_DATE_MAX_AHEAD = dt.timedelta(days=366)
EARLIEST_DOC_YEAR = 1900

_MONTHS: dict[str, int] = {
    "JAN": 1,
    "FEB": 2,
    "MAR": 3,
    "APR": 4,
    "MAY": 5,
    "JUN": 6,
    "JUL": 7,
    "AUG": 8,
    "SEP": 9,
    "SEPT": 9,
    "OCT": 10,
    "NOV": 11,
    "DEC": 12,
}
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_NUMERIC = re.compile(
    r"(?<![0-9/.\-])(?P<m>[0-9]{1,2}) ?(?P<sep>[/\-.]) ?(?P<d>[0-9]{1,2}) ?(?P=sep) ?(?P<y>[0-9]{4}|[0-9]{2})"
    r"(?![0-9]|[/\-][0-9])"
)
_ISO = re.compile(
    r"(?<![0-9/.\-])(?P<y>[0-9]{4})(?P<sep>[\-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})(?![0-9])"
)
_MONTH_FIRST = re.compile(
    _MONTH + r"[.:]?[ \-]?(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?[,.]{0,2}[ \-]{0,2}"  # "April 4,. 1960": a speck
    r"(?P<y>[0-9]{4}|[0-9]{2})(?![0-9])",
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(
    r"(?<![0-9])(?P<d>[0-9]{1,2})[ \-]?" + _MONTH + r"\.?,?[ \-]?(?P<y>[0-9]{4}|[0-9]{2})(?![0-9])",
    re.IGNORECASE,
)

# Digit boxes: "01 | 18 | 2008"; their rules read as "01 |[18 ||2008", "|04 |/07 |[1950", "03 05} 1955",
# "06 “10 ‘1954’".
# Two digits with a letter run on ("19k") are a four-digit year half read, not a two-digit year.
_BOXED = re.compile(
    r"(?<![\d/.\-])(\d{1,2})[ |/\[\]{}()lI!,“”‘’]{1,7}(\d{1,2})[ |/\[\]{}()lI!,“”‘’]{1,7}"
    r"(\d{4}|\d{2}(?![A-Za-z]))(?![\d/.\-])"
)
# A letter O read for a zero inside a number ("[o8 |", "O3/15/1957"): a run of digits and O's, not part
# of a word, with at least one of each.
_ZERO_AS_O = re.compile(r"(?<![A-Za-z])(?=[0-9oO]*[0-9])(?=[0-9]*[oO])[0-9oO]{2,4}(?![A-Za-z])")


class DateKind(enum.Enum):
    """What a date is for: a date of birth is never in the future; a document date at most ~1 year."""

    DOB = "dob"
    DOCUMENT = "document"


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date read from text, with its character offsets."""

    value: dt.date
    start: int
    end: int


def _resolve_year(year_text: str, month: int, day: int, *, reference: dt.date, kind: DateKind) -> int:
    year = int(year_text)
    if len(year_text) == 4:
        return year
    century = reference.year - reference.year % 100
    if kind is DateKind.DOB:
        candidate = century + year
        too_late = candidate > reference.year or (
            candidate == reference.year
            and (month, day)
            > (
                reference.month,
                reference.day,
            )
        )
        return candidate - 100 if too_late else candidate
    options = (century - 100 + year, century + year, century + 100 + year)
    return min(options, key=lambda y: abs(y - reference.year))


def _plausible(value: dt.date, *, reference: dt.date, kind: DateKind) -> bool:
    if kind is DateKind.DOB:
        return reference.year - MAX_AGE_YEARS <= value.year and value <= reference
    return value.year >= EARLIEST_DOC_YEAR and value <= reference + DOC_DATE_MAX_AHEAD


def _build(year_text: str, month: int, day: int, *, reference: dt.date, kind: DateKind) -> dt.date | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    year = _resolve_year(year_text, month, day, reference=reference, kind=kind)
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    return value if _plausible(value, reference=reference, kind=kind) else None


def _numeric_parts(match: re.Match[str]) -> tuple[str, int, int]:
    return (match["y"], *_month_first(int(match["m"]), int(match["d"])))


def _month_first(month: int, day: int) -> tuple[int, int]:
    """Month and day of a numeric date read month first, unless it is an unambiguous day-first form
    (13/04/1957)."""
    return (day, month) if month > 12 and day <= 12 else (month, day)


def _matches(text: str) -> Iterator[tuple[re.Match[str], tuple[str, int, int]]]:
    for match in _ISO.finditer(text):
        yield match, (match["y"], int(match["m"]), int(match["d"]))
    for match in _NUMERIC.finditer(text):
        yield match, _numeric_parts(match)
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        for match in pattern.finditer(text):
            yield match, (match["y"], _MONTHS[match["mon"][:3].upper()], int(match["d"]))


def find_dates(text: str, *, reference_date: dt.date, kind: DateKind) -> tuple[FoundDate, ...]:
    """Every plausible date in `text`, in reading order; overlapping reads keep the earliest, longest."""
    found: list[FoundDate] = []
    for match, (year, month, day) in _matches(text):
        value = _build(year, month, day, reference=reference_date, kind=kind)
        if value is not None:
            found.append(FoundDate(value, match.start(), match.end()))
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[FoundDate] = []
    for item in found:
        if not kept or item.start >= kept[-1].end:
            kept.append(item)
    return tuple(kept)


def parse_date(text: str, *, reference_date: dt.date, kind: DateKind) -> dt.date | None:
    """The first plausible date in `text`, or None."""
    found = find_dates(text, reference_date=reference_date, kind=kind)
    return found[0].value if found else None


_COMPACT = re.compile(r"(?<!\d)\d{8}(?!\d)")


def compact_dates(text: str, *, reference_date: dt.date, kind: DateKind) -> tuple[FoundDate, ...]:
    """Eight digits as claims and interfaces print a date: MMDDYYYY ("03041957", a UB-04's birth date)
    or YYYYMMDD ("19570304"); each reading that is a plausible date."""
    found = []
    for match in _COMPACT.finditer(text):
        digits = match.group()
        for shaped in (
            f"{digits[:2]}/{digits[2:4]}/{digits[4:]}",
            f"{digits[:4]}-{digits[4:6]}-{digits[6:]}",
        ):
            for date in find_dates(shaped, reference_date=reference_date, kind=kind):
                found.append(FoundDate(date.value, match.start(), match.end()))
    return tuple(found)


def zeros_read(text: str) -> str:
    """The text with each O that OCR read for a zero inside a number put back ("[o8" -> "[08"); the same
    length, so offsets into it hold for the text as printed."""
    return _ZERO_AS_O.sub(lambda m: m.group().replace("o", "0").replace("O", "0"), text)


def boxed_shape(text: str) -> bool:
    """Does `text` hold three digit groups in boxes, shaped like a date ("[03 |[05 | [1958")?"""
    return _BOXED.search(text) is not None


def boxed_dates(text: str, *, reference_date: dt.date, short_years: bool) -> tuple[FoundDate, ...]:
    """Dates printed in digit boxes, month first ("03 | 04 | 1957"); a two-digit year only with
    `short_years` (under a birth-date caption: elsewhere "01 18 08" could be anything)."""
    found = []
    for match in _BOXED.finditer(text):
        if len(match.group(3)) == 2 and not short_years:
            continue
        month, day = _month_first(int(match.group(1)), int(match.group(2)))
        value = _build(match.group(3), month, day, reference=reference_date, kind=DateKind.DOB)
        if value is not None:
            found.append(FoundDate(value, match.start(), match.end()))
    return tuple(found)


_SLASH_READS = frozenset("147")  # what a fax's thin slash is read as, when it is not lost
_DAY_YEAR_RUN = re.compile(r"(?<![\d/.\-])(\d{1,2})/(\d{4,7})(?![\d/.\-])")  # "02/19743"
_MONTH_DAY_RUN = re.compile(r"(?<![\d/.\-])(\d{3,5})/(\d{2}|\d{4})(?![\d/.\-])")  # "02719/43"
_YEAR_DIGITS = 4
YEARS = range(1850, 2101)  # four digits that read as a year ("01/1980": a month and year); others misread


def misread_slashes(
    digits: str, *, reference_date: dt.date, kind: DateKind, lost: bool = True
) -> dt.date | None:
    """A date whose slashes OCR read as digits or lost ("771672024" for 7/16/2024, "11411725" for
    11/11/25): the one plausible month/day/year the run splits into, with each slash read as 1, 4 or 7
    (with `lost`, one of them may be lost); None when no split or more than one different date fits."""
    found = {
        value
        for month, day, year in _slash_splits(digits, lost=lost)
        if (value := _build(year, int(month), int(day), reference=reference_date, kind=kind)) is not None
    }
    return found.pop() if len(found) == 1 else None


# Digits OCR reads for one another on a fax, either way round.
OCR_DIGIT_PAIRS = frozenset(
    frozenset(pair) for pair in ("06", "08", "09", "14", "17", "27", "38", "56", "58", "68", "89")
)
_SLASHED = re.compile(r"(?<![\d/])(\d{1,2})([/\-.])(\d{1,2})\2(\d{4}|\d{2})(?![\d/])")


def one_digit_misread(text: str, *, reference_date: dt.date, kind: DateKind) -> tuple[FoundDate, ...]:
    """Dates no calendar has ("96/18/2024"), each read as the one plausible date a single digit OCR
    confuses on a fax (`OCR_DIGIT_PAIRS`) turns it into; none where no date or several fit. For a
    labelled field only, after the date reader found nothing."""
    found = []
    for match in _SLASHED.finditer(text):
        month, _, day, year = match.groups()
        if _build(year, int(month), int(day), reference=reference_date, kind=kind) is not None:
            continue  # a date as printed: not misread
        values = {
            value
            for m, d, y in _one_swapped(month, day, year)
            if (value := _build(y, int(m), int(d), reference=reference_date, kind=kind)) is not None
        }
        if len(values) == 1:
            found.append(FoundDate(values.pop(), match.start(), match.end()))
    return tuple(found)


# A month's name (or a word OCR made of one) before a day and a four-digit year: "Sop 18, 2016" (Sep),
# "JULY 1672016" (the comma read as a 7).
_NAMED_MONTH = re.compile(
    r"(?<![A-Za-z])(?P<mon>[A-Za-z]{3,9})\.?[ \-]?(?P<d>[0-9]{1,2})"
    r"(?P<sep>,?[ \-]{0,2}|[0-9])(?P<y>[0-9]{4})(?![0-9])"
)
# Letters OCR reads for one another in a month's name, either way round (round letters, n/m/u, i/l).
_LETTER_PAIRS = frozenset(
    frozenset(pair) for pair in ("EO", "EC", "OC", "AO", "AE", "DO", "NM", "NU", "UV", "IL")
)


def month_misread(text: str, *, reference_date: dt.date, kind: DateKind) -> tuple[FoundDate, ...]:
    """A date with its month named, one thing OCR misread: a letter of the month's name ("Sop 18, 2016",
    read as the one month it can be), or the comma after the day, read as a digit ("JULY 1672016"). For
    a labelled field OCR read only, after the date reader found nothing."""
    found = []
    for match in _NAMED_MONTH.finditer(text):
        word, separator = match["mon"].upper(), match["sep"]
        listed = _MONTHS.get(word[:3])
        if listed is not None and separator.isdigit():
            month = listed  # the month as printed, the comma after the day read as a digit
        elif listed is None and not separator.isdigit():
            months = {
                _MONTHS[name] for name in _MONTHS if len(name) == 3 and _one_letter_misread(word[:3], name)
            }
            if len(months) != 1:
                continue
            month = months.pop()
        else:
            continue
        value = _build(match["y"], month, int(match["d"]), reference=reference_date, kind=kind)
        if value is not None:
            found.append(FoundDate(value, match.start(), match.end()))
    return tuple(found)


def birth_date_misread(text: str, *, reference_date: dt.date) -> tuple[FoundDate, ...]:
    """A birth date in a labelled field OCR read, misread: through a digit (`one_digit_misread`), a
    letter of its month's name or the comma after its day (`month_misread`). Each reads only what the
    other cannot, so the two never read one date twice."""
    return one_digit_misread(text, reference_date=reference_date, kind=DateKind.DOB) + month_misread(
        text, reference_date=reference_date, kind=DateKind.DOB
    )


def _one_letter_misread(read: str, name: str) -> bool:
    """Is `read` the month abbreviation `name` with one letter OCR confuses read for another?"""
    differing = [frozenset((a, b)) for a, b in zip(read, name, strict=True) if a != b]
    return len(differing) == 1 and differing[0] in _LETTER_PAIRS


def _one_swapped(month: str, day: str, year: str) -> Iterator[tuple[str, str, str]]:
    digits = f"{month}{day}{year}"
    cuts = (len(month), len(month) + len(day))
    for at, digit in enumerate(digits):
        for pair in OCR_DIGIT_PAIRS:
            if digit in pair:
                (other,) = pair - {digit}
                read = digits[:at] + other + digits[at + 1 :]
                yield read[: cuts[0]], read[cuts[0] : cuts[1]], read[cuts[1] :]


# Eight to eleven digits: a date whose two slashes OCR read as digits (or one lost); eight only where the
# compact forms claims print read no date in them, and both slashes read ("01721717" for 01/21/17, not
# "06211966"; "72472016" is no date: 7/24/2016 only with a slash lost); never six.
_SLASHES_AS_DIGITS = re.compile(r"(?<![\d\-/.])\d{8,11}(?![\d\-/])")
_COMPACT_LENGTH = 8


def slashes_read(text: str, *, reference_date: dt.date, kind: DateKind) -> tuple[FoundDate, ...]:
    """Each run of eight to eleven digits that is one date whose slashes OCR misread ("032872005" for
    03/28/2005, "01721717" for 01/21/17: `misread_slashes`); eight digits that read as a compact date are
    that date, and eight are read only with both slashes there. For a labelled field only: elsewhere such
    a run is a number."""
    found = []
    for run in _SLASHES_AS_DIGITS.finditer(text):
        digits = run.group()
        eight = len(digits) == _COMPACT_LENGTH
        if eight and compact_dates(digits, reference_date=reference_date, kind=kind):
            continue  # read as printed, MMDDYYYY or YYYYMMDD (`compact_dates`)
        value = misread_slashes(digits, reference_date=reference_date, kind=kind, lost=not eight)
        if value is not None:
            found.append(FoundDate(value, run.start(), run.end()))
    return tuple(found)


def half_slashed(
    text: str, *, reference_date: dt.date, kind: DateKind, lost: bool = False
) -> tuple[FoundDate, ...]:
    """Dates with one slash printed and the other read as a 1, 4 or 7 ("02/19743" for 02/19/43,
    "02719/43" likewise) or, with `lost` (a field labelled as a birth date), not read at all ("01/0213"
    for 01/02/13, "0102/1913"): the one plausible date each such run splits into (none when several
    fit). With one slash lost the widths decide the split, but "01/1980" is a month and year as printed,
    never January 19, '80: a lost slash is not read into four digits that are a year."""
    runs = [(m, _day_year_splits(m[1], m[2], lost=lost)) for m in _DAY_YEAR_RUN.finditer(text)]
    runs += [(m, _month_day_splits(m[1], m[2], lost=lost)) for m in _MONTH_DAY_RUN.finditer(text)]
    found = []
    for match, splits in runs:
        values = {
            value
            for month, day, year in splits
            if (value := _build(year, int(month), int(day), reference=reference_date, kind=kind)) is not None
        }
        if len(values) == 1:
            found.append(FoundDate(values.pop(), match.start(), match.end()))
    return tuple(found)


def _day_year_splits(month: str, run: str, *, lost: bool) -> list[tuple[str, str, str]]:
    splits = [
        (month, run[:d], run[d + 1 :])
        for d in (1, 2)
        if run[d : d + 1] in _SLASH_READS and len(run) - d - 1 in (2, 4)
    ]
    if lost and not (len(run) == _YEAR_DIGITS and int(run) in YEARS):
        splits += [(month, run[:d], run[d:]) for d in (1, 2) if len(run) - d in (2, 4)]
    return splits


def _month_day_splits(run: str, year: str, *, lost: bool) -> list[tuple[str, str, str]]:
    splits = [
        (run[:m], run[m + 1 :], year)
        for m in (1, 2)
        if run[m : m + 1] in _SLASH_READS and 1 <= len(run) - m - 1 <= 2
    ]
    if lost:
        splits += [(run[:m], run[m:], year) for m in (1, 2) if 1 <= len(run) - m <= 2]
    return splits


def _slash_splits(digits: str, *, lost: bool) -> Iterator[tuple[str, str, str]]:
    firsts = (0, 1) if lost else (1,)  # the slash after the month: read as a digit (1) or lost (0)
    seconds = _SLASH_READS | {""} if lost else _SLASH_READS  # the second slash likewise
    for year_len in (4, 2):
        head, year = digits[:-year_len], digits[-year_len:]
        for month_len in (1, 2):
            for first in firsts:
                for day_len in (1, 2):
                    rest = head[month_len + first + day_len :]
                    if rest not in seconds or (not first and not rest):
                        continue  # never both lost
                    if first and head[month_len : month_len + 1] not in _SLASH_READS:
                        continue
                    day = head[month_len + first : month_len + first + day_len]
                    if len(day) == day_len:  # also rules out a head too short for a month
                        yield head[:month_len], day, year
