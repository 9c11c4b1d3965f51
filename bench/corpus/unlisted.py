"""People who are NOT on the master list: strangers and near-misses of listed patients.

The near-misses: a namesake with another birth date (same_name, common_name), an unlisted twin (same
surname and birth date, another first name), a Jr./Sr., and a surname variant: a listed patient's first
name and birth date with a surname one letter away (doubled, dropped, transposed or another letter),
printed cleanly (the case behind two misfiles on an independent corpus).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from .identities import nicknames_for, outside_mrn, typo
from .patients import Patient, derive_mrn
from .wordlists import COMMON_NAMES, FIRST_NAMES_F, FIRST_NAMES_M, STREETS, TOWNS

UNLISTED_KINDS: tuple[tuple[str, float], ...] = (
    ("stranger", 0.28),
    ("same_name", 0.15),
    ("twin", 0.12),
    ("jr_sr", 0.1),
    ("common_name", 0.12),
    ("surname_variant", 0.23),
)
LATEST_DOB = dt.date(2023, 12, 31)
_AREAS = ("617", "508", "781", "978")
_MIDDLES = ("", "", "", "Ann", "Lee", "Marie", "James", "Ray", "A", "J")


def _random_dob(rng: random.Random, start: int = 1935, end: int = 2015) -> dt.date:
    first = dt.date(start, 1, 1).toordinal()
    return dt.date.fromordinal(rng.randint(first, dt.date(end, 12, 31).toordinal()))


def _relocate(person: Patient, rng: random.Random) -> Patient:
    """The same person at a random (fake) Massachusetts address and phone number."""
    town, zip_code = rng.choice(TOWNS)
    return dataclasses.replace(
        person,
        address=f"{rng.randint(2, 980)} {rng.choice(STREETS)}",
        city=town,
        state="MA",
        zip=zip_code,
        phone=f"{rng.choice(_AREAS)}-{rng.randint(201, 549)}-{rng.randint(0, 9999):04d}",
    )


def _same_name(base: Patient, rng: random.Random) -> Patient:
    """Same first, middle and last name, a different DOB and address."""
    dob = base.dob
    while abs((dob - base.dob).days) < 400 or dob > LATEST_DOB:
        dob = _random_dob(rng)
    return _relocate(dataclasses.replace(base, mrn=outside_mrn(rng), dob=dob, source_id=""), rng)


def _twin(base: Patient, rng: random.Random) -> Patient:
    """Same surname, DOB and address; a different first name (never a nickname of the listed twin)."""
    sex = rng.choice(("M", "F"))
    pool = FIRST_NAMES_M if sex == "M" else FIRST_NAMES_F
    banned = {base.first_name.lower(), *(n.lower() for n in nicknames_for(base.first_name))}
    choices = [n for n in pool if n.lower() not in banned and n[0] != base.first_name[:1]]
    first = rng.choice(choices or [n for n in pool if n.lower() not in banned])
    return dataclasses.replace(
        base, mrn=outside_mrn(rng), first_name=first, middle_name=rng.choice(_MIDDLES), sex=sex, source_id=""
    )


def _jr_sr(base: Patient, rng: random.Random) -> tuple[Patient, str]:
    """Father/son with the same name and address: the unlisted one prints Jr. or Sr."""
    gap = rng.randint(22 * 365, 36 * 365)
    son_dob = base.dob + dt.timedelta(days=gap)
    if son_dob <= LATEST_DOB:
        kid = dataclasses.replace(base, mrn=outside_mrn(rng), dob=son_dob, suffix="Jr.", source_id="")
        return kid, "jr"
    dad = base.dob - dt.timedelta(days=gap)
    return dataclasses.replace(base, mrn=outside_mrn(rng), dob=dad, suffix="Sr.", source_id=""), "sr"


def common_name_patients(rng: random.Random, count: int, taken: set[str]) -> list[Patient]:
    """Listed patients carrying very common names (John Smith, Maria Garcia, ...)."""
    out = []
    for i in range(count):
        first, last, sex = COMMON_NAMES[i % len(COMMON_NAMES)]
        mrn = derive_mrn(f"common-name-{i}-{rng.random()}", taken)
        person = Patient(mrn, last, first, rng.choice(_MIDDLES), _random_dob(rng), sex)
        out.append(_relocate(person, rng))
    return out


@dataclass(frozen=True, slots=True)
class Unlisted:
    """An unlisted person, its kind's tag, the listed patient it nearly matches ("" for a stranger)."""

    person: Patient
    tag: str
    near_miss_mrn: str = ""
    variations: tuple[str, ...] = ()


def _variant_kind(listed_name: str, variant: str) -> str:
    if len(variant) != len(listed_name):
        return "variant_doubled_letter" if len(variant) > len(listed_name) else "variant_dropped_letter"
    same_letters = sorted(variant.lower()) == sorted(listed_name.lower())
    return "variant_transposed" if same_letters else "variant_other_letter"


def _surname_variant(listed: Sequence[Patient], rng: random.Random) -> Unlisted:
    """Not on the list: a listed patient's first name and DOB, the surname one letter away, elsewhere."""
    pool = [p for p in listed if len(p.last_name) >= 4 and p.last_name.isalpha()]
    base = rng.choice(pool)
    variant = base.last_name
    while variant.lower() == base.last_name.lower():
        variant = typo(base.last_name, rng)
    person = dataclasses.replace(base, mrn=outside_mrn(rng), last_name=variant, source_id="", suffix="")
    kind = _variant_kind(base.last_name, variant)
    return Unlisted(_relocate(person, rng), "unlisted:surname_variant", base.mrn, (kind,))


def make_unlisted(
    kind: str,
    listed: Sequence[Patient],
    strangers: Sequence[Patient],
    rng: random.Random,
) -> tuple[Patient, str]:
    """One unlisted person of `kind` (see UNLISTED_KINDS) and the variation tag describing it."""
    made = unlisted_person(kind, listed, strangers, rng)
    return made.person, made.tag


def unlisted_person(
    kind: str, listed: Sequence[Patient], strangers: Sequence[Patient], rng: random.Random
) -> Unlisted:
    """One unlisted person of `kind` (see UNLISTED_KINDS), never marked deceased."""
    made = _make_unlisted(kind, listed, strangers, rng)
    return dataclasses.replace(made, person=dataclasses.replace(made.person, deceased=None))


def _make_unlisted(
    kind: str, listed: Sequence[Patient], strangers: Sequence[Patient], rng: random.Random
) -> Unlisted:
    if kind == "stranger" and strangers:
        person = rng.choice(strangers)
        return Unlisted(dataclasses.replace(person, mrn=outside_mrn(rng)), "unlisted:stranger")
    if kind == "surname_variant":
        return _surname_variant(listed, rng)
    if kind == "common_name":
        common = {(f, la) for f, la, _ in COMMON_NAMES}
        pool = [p for p in listed if (p.first_name, p.last_name) in common]
        if pool:
            base = rng.choice(pool)
            return Unlisted(_same_name(base, rng), "unlisted:common_name", base.mrn)
    if kind == "twin":
        base = rng.choice(listed)
        return Unlisted(_twin(base, rng), "unlisted:twin", base.mrn)
    if kind == "jr_sr":
        men = [p for p in listed if p.sex == "M" and not p.suffix]
        if men:
            base = rng.choice(men)
            person, tag = _jr_sr(base, rng)
            return Unlisted(person, f"unlisted:{tag}", base.mrn)
    base = rng.choice(listed)
    return Unlisted(_same_name(base, rng), "unlisted:same_name", base.mrn)
