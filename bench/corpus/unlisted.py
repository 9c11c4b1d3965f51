"""People who are NOT on the master list: strangers and near-misses of listed patients."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Sequence

from .identities import nicknames_for, outside_mrn
from .patients import Patient, derive_mrn
from .wordlists import COMMON_NAMES, FIRST_NAMES_F, FIRST_NAMES_M, STREETS, TOWNS

UNLISTED_KINDS: tuple[tuple[str, float], ...] = (
    ("stranger", 0.35),
    ("same_name", 0.2),
    ("twin", 0.15),
    ("jr_sr", 0.15),
    ("common_name", 0.15),
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


def make_unlisted(
    kind: str,
    listed: Sequence[Patient],
    strangers: Sequence[Patient],
    rng: random.Random,
) -> tuple[Patient, str]:
    """One unlisted person of `kind` (see UNLISTED_KINDS) and the variation tag describing it."""
    person, tag = _make_unlisted(kind, listed, strangers, rng)
    return dataclasses.replace(person, deceased=None), tag


def _make_unlisted(
    kind: str, listed: Sequence[Patient], strangers: Sequence[Patient], rng: random.Random
) -> tuple[Patient, str]:
    if kind == "stranger" and strangers:
        person = rng.choice(strangers)
        return dataclasses.replace(person, mrn=outside_mrn(rng)), "unlisted:stranger"
    if kind == "common_name":
        common = {(f, la) for f, la, _ in COMMON_NAMES}
        pool = [p for p in listed if (p.first_name, p.last_name) in common]
        if pool:
            return _same_name(rng.choice(pool), rng), "unlisted:common_name"
    if kind == "twin":
        return _twin(rng.choice(listed), rng), "unlisted:twin"
    if kind == "jr_sr":
        men = [p for p in listed if p.sex == "M" and not p.suffix]
        if men:
            person, tag = _jr_sr(rng.choice(men), rng)
            return person, f"unlisted:{tag}"
    return _same_name(rng.choice(listed), rng), "unlisted:same_name"
