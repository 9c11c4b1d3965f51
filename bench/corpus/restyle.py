"""Print a PrintedIdentity the way a form dictates: name order and case, DOB format, no MRN."""

from __future__ import annotations

import dataclasses

from .identities import PrintedIdentity, format_date

TWO_DIGIT_YEAR_STYLES = ("mdy2", "mdy2_dash", "mdy6")


def name_parts(ident: PrintedIdentity) -> tuple[str, str, str, str]:
    """(first, middle, last, suffix) as printed; parsed from the name when the parts were not given."""
    if ident.last:
        return ident.first, ident.middle, ident.last, ident.suffix
    if "," in ident.name:
        last, _, rest = ident.name.partition(",")
        words = rest.split()
        return (words[0] if words else ""), " ".join(words[1:]), last.strip(), ""
    words = ident.name.split()
    return words[0], " ".join(words[1:-1]), words[-1], ""


def compose(ident: PrintedIdentity, order: str, *, caps: bool, comma: bool = True) -> str:
    """The name as `order` ('last_first' or 'first_last') with optional capitals and comma."""
    first, middle, last, suffix = name_parts(ident)
    if order == "last_first":
        sep = ", " if comma else " "
        text = f"{last}{' ' + suffix if suffix else ''}{sep}{first}{' ' + middle if middle else ''}"
    else:
        text = " ".join(part for part in (first, middle, last, suffix) if part)
    return text.upper() if caps else text


def with_name(ident: PrintedIdentity, name: str) -> PrintedIdentity:
    """`ident` printed as `name` (recording whether it is all capitals)."""
    variations = [v for v in ident.variations if v != "all_caps"]
    if name.isupper():
        variations.append("all_caps")
    return dataclasses.replace(ident, name=name, variations=tuple(variations))


def restyle_name(ident: PrintedIdentity, order: str, *, caps: bool, comma: bool = True) -> PrintedIdentity:
    """`ident` printed in `order`, in capitals when `caps` (the parts too, for forms that split them)."""
    first, middle, last, suffix = name_parts(ident)
    if caps:
        first, middle, last, suffix = first.upper(), middle.upper(), last.upper(), suffix.upper()
    parts = dataclasses.replace(ident, first=first, middle=middle, last=last, suffix=suffix, surname=last)
    return with_name(parts, compose(parts, order, caps=caps, comma=comma))


def with_dob_style(ident: PrintedIdentity, style: str) -> PrintedIdentity:
    """The DOB reprinted in `style` (a form's own format); nothing changes when no DOB is printed."""
    if ident.dob_date is None or ident.dob is None:
        return ident
    variations = [v for v in ident.variations if v != "dob_two_digit_year"]
    if style in TWO_DIGIT_YEAR_STYLES:
        variations.append("dob_two_digit_year")
    dob = format_date(ident.dob_date, style)
    return dataclasses.replace(ident, dob=dob, variations=tuple(variations))


def without_mrn(ident: PrintedIdentity) -> PrintedIdentity:
    """A document that has no place for the practice's record number."""
    if ident.mrn is None:
        return ident
    variations = [v for v in ident.variations if v not in ("outside_mrn", "ocr_confusion_mrn")]
    return dataclasses.replace(ident, mrn=None, variations=(*variations, "no_mrn"))


def middle_initial(ident: PrintedIdentity) -> PrintedIdentity:
    """A form with room for a middle initial only: a full middle name is cut to its initial."""
    first, middle, last, suffix = name_parts(ident)
    if len(middle) <= 1:
        return dataclasses.replace(ident, first=first, middle=middle, last=last, suffix=suffix)
    variations = list(ident.variations)
    if "middle_initial" not in variations:
        variations.append("middle_initial")
    return dataclasses.replace(
        ident, first=first, middle=middle[0], last=last, suffix=suffix, variations=tuple(variations)
    )


def split_city_line(city_line: str) -> tuple[str, str, str]:
    """('Quincy', 'MA', '02169') from 'Quincy, MA 02169' (blanks when it does not parse)."""
    city, _, rest = city_line.rpartition(",")
    words = rest.split()
    if not city or not 1 <= len(words) <= 2:
        return city_line, "", ""
    return city.strip(), words[0], words[1] if len(words) == 2 else ""


def without_dob(ident: PrintedIdentity) -> PrintedIdentity:
    """A document that leaves the birth date out."""
    if ident.dob is None:
        return ident
    variations = [v for v in ident.variations if v not in ("dob_two_digit_year", "dob_swapped")]
    return dataclasses.replace(ident, dob=None, dob_date=None, variations=(*variations, "no_dob"))
