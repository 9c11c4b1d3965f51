"""The classic families: chartfile's original templates, one family per identity style (all half A).

Each prints the patient with "label: value" wordings ("Patient Name:", "DOB:", "MRN:") in one style:
inline, table, re, heading, separate or columns; they were tuned on before issue 12.
"""

from __future__ import annotations

from ..blocks import ID_STYLES
from ..templates import TEMPLATES
from .base import Family

STRUCTURE = "classic"


def _doc_types(style: str) -> tuple[str, ...]:
    return tuple(t for t, options in TEMPLATES.items() if any(o.id_style == style for o in options))


def template_indexes(doc_type: str, style: str) -> list[int]:
    """Indexes into TEMPLATES[doc_type] of the templates printing the identity in `style`."""
    return [i for i, tpl in enumerate(TEMPLATES[doc_type]) if tpl.id_style == style]


CLASSIC_FAMILIES: tuple[Family, ...] = tuple(
    Family(f"classic_{style}", STRUCTURE, "mixed (original templates)", _doc_types(style), id_style=style)
    for style in ID_STYLES
)
