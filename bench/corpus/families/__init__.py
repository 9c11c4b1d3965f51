"""Layout families of the corpus and the fixed leave-family-out split into halves A and B.

The split rule (fixed; it never looks at results):
  1. every classic family (chartfile's original templates, tuned on before) is in half A;
  2. the other families are grouped by layout structure; within a structure, in sorted name order,
     they alternate A, B, A, B, ...
So half B holds at least one unseen family of every new structure. Tune on half A, report half B.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from . import (
    attorney_request,
    behavioral_intake,
    clinic_visit_summary,
    cms1500,
    disability_request,
    eob_notice,
    hospital_banded,
    imaging_banded,
    lab_requisition,
    payer_pa_form,
    refill_fax,
    rx_renewal_request,
    snf_transfer,
    therapy_plan,
    ub04,
    vna_plan_of_care,
    workers_comp_report,
)
from .base import Family, Plan
from .classic import CLASSIC_FAMILIES
from .classic import STRUCTURE as CLASSIC

HALVES = ("A", "B")
_NEW = (
    attorney_request,
    behavioral_intake,
    clinic_visit_summary,
    cms1500,
    disability_request,
    eob_notice,
    hospital_banded,
    imaging_banded,
    lab_requisition,
    payer_pa_form,
    refill_fax,
    rx_renewal_request,
    snf_transfer,
    therapy_plan,
    ub04,
    vna_plan_of_care,
    workers_comp_report,
)
FAMILIES: dict[str, Family] = {f.name: f for f in (*CLASSIC_FAMILIES, *(m.FAMILY for m in _NEW))}
FAMILY_NAMES: tuple[str, ...] = tuple(sorted(FAMILIES))


def split(families: Iterable[Family]) -> dict[str, str]:
    """Family name -> half, by the rule in this module's docstring."""
    halves: dict[str, str] = {}
    by_structure: dict[str, list[str]] = {}
    for family in families:
        if family.structure == CLASSIC:
            halves[family.name] = "A"
        else:
            by_structure.setdefault(family.structure, []).append(family.name)
    for names in by_structure.values():
        for i, name in enumerate(sorted(names)):
            halves[name] = HALVES[i % 2]
    return halves


HALF_OF: dict[str, str] = split(FAMILIES.values())


def select(names: Sequence[str] | None = None, half: str | None = None) -> tuple[str, ...]:
    """The families named (default all), restricted to `half` when given; sorted; errors name the choices."""
    chosen = list(names) if names else list(FAMILY_NAMES)
    unknown = [n for n in chosen if n not in FAMILIES]
    if unknown:
        raise ValueError(f"unknown families {unknown}; choose from {', '.join(FAMILY_NAMES)}")
    if half is not None and half not in HALVES:
        raise ValueError(f"unknown half {half!r}; choose A or B")
    picked = tuple(sorted(n for n in set(chosen) if half is None or HALF_OF[n] == half))
    if not picked:
        raise ValueError(f"no family of {chosen} is in half {half}")
    return picked


__all__ = ["FAMILIES", "FAMILY_NAMES", "HALF_OF", "HALVES", "Family", "Plan", "select", "split"]
