"""Who is on the master list: Synthea patients minus held-out strangers, common names, twins, padding."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .identities import nicknames_for
from .patients import Patient, derive_mrn, phone_for
from .unlisted import common_name_patients

HELD_OUT_FRACTION = 0.1
COMMON_NAME_PATIENTS = 12
LISTED_TWIN_PAIRS = 10
_MIDDLES = ("", "", "", "Ann", "Lee", "Marie", "James", "Ray", "A", "J", "Grace", "Paul")
_FIRST_DOB = dt.date(1930, 1, 1).toordinal()
_LAST_DOB = dt.date(2022, 12, 31).toordinal()


@dataclass(frozen=True, slots=True)
class People:
    """The master list (`listed`), people held out of it (`strangers`) and the listed twin pairs."""

    listed: list[Patient]
    strangers: list[Patient]
    twins: list[Patient]

    def keys(self) -> set[tuple[str, str, dt.date]]:
        """(last, first, dob) of every listed patient, lower case: an unlisted person must not be one."""
        return {(p.last_name.lower(), p.first_name.lower(), p.dob) for p in self.listed}

    def relatives_of(self, person: Patient) -> tuple[Patient, ...]:
        """Listed patients sharing `person`'s surname who could be a relative (other first name and DOB)."""
        last = person.last_name.lower()
        return tuple(
            p
            for p in self.listed
            if p.last_name.lower() == last and p.first_name != person.first_name and p.dob != person.dob
        )[:6]


def _twin_of(base: Patient, rng: random.Random, taken: set[str]) -> Patient:
    """A listed twin: same surname, birth date, address and phone; a first name no nickname of base's."""
    sex = rng.choice(("M", "F"))
    banned = {base.first_name.lower(), *(n.lower() for n in nicknames_for(base.first_name))}
    pool = [n for n in _TWIN_FIRST[sex] if n.lower() not in banned and n[0] != base.first_name[:1]]
    return dataclasses.replace(
        base,
        mrn=derive_mrn(f"listed-twin-{base.source_id}", taken),
        first_name=rng.choice(pool),
        middle_name=rng.choice(_MIDDLES),
        sex=sex,
        source_id=f"twin-{base.source_id}",
    )


_TWIN_FIRST = {
    "M": ("Aaron", "Caleb", "Dominic", "Elliot", "Gavin", "Isaac", "Julian", "Owen", "Simon", "Tobias"),
    "F": ("Abigail", "Chloe", "Delia", "Fiona", "Hazel", "Iris", "Josephine", "Nora", "Ruby", "Tessa"),
}


def _street(address: str, rng: random.Random) -> str:
    street = re.sub(r"^\d+\s+", "", address)
    street = re.sub(r"\s+(Unit|Suite|Apt)\s+\d+$", "", street)
    return f"{rng.randint(2, 1990)} {street}"


def pad(patients: Sequence[Patient], count: int, rng: random.Random, taken: set[str]) -> list[Patient]:
    """`count` synthetic patients mixing real Synthea first names, surnames, streets and towns."""
    firsts = {s: sorted({p.first_name for p in patients if p.sex == s}) for s in ("F", "M")}
    lasts = sorted({p.last_name for p in patients})
    places = [(p.address, p.city, p.state, p.zip) for p in patients if p.address]
    out = []
    for i in range(count):
        sex = rng.choice(("F", "M"))
        address, city, state, zip_code = rng.choice(places)
        out.append(
            Patient(
                mrn=derive_mrn(f"pad-{i}", taken),
                last_name=rng.choice(lasts),
                first_name=rng.choice(firsts[sex]),
                middle_name=rng.choice(_MIDDLES),
                dob=dt.date.fromordinal(rng.randint(_FIRST_DOB, _LAST_DOB)),
                sex=sex,
                phone=phone_for(f"pad-{i}"),
                address=_street(address, rng),
                city=city,
                state=state,
                zip=zip_code,
                source_id=f"pad-{i}",
            )
        )
    return out


def split_people(patients: Sequence[Patient], rng: random.Random, *, master_size: int = 0) -> People:
    """Hold some Synthea people out (strangers); add common-name patients, listed twins and padding.

    The master list is padded with synthetic patients up to `master_size` (when larger); a padded
    patient never repeats a stranger's name and birth date.
    """
    alive = [i for i, p in enumerate(patients) if p.deceased is None]
    held = set(rng.sample(alive, max(1, int(len(alive) * HELD_OUT_FRACTION))))
    listed = [p for i, p in enumerate(patients) if i not in held]
    strangers = [patients[i] for i in sorted(held)]
    taken = {p.mrn for p in patients}
    listed += common_name_patients(rng, COMMON_NAME_PATIENTS, taken)
    bases = rng.sample([p for p in listed if p.deceased is None and p.dob.year >= 1940], LISTED_TWIN_PAIRS)
    twins = [_twin_of(base, rng, taken) for base in bases]
    listed += twins
    pad_rng = random.Random(f"chartfile-corpus-pad:{rng.random()}")
    if master_size > len(listed):
        banned = {(p.last_name, p.first_name, p.dob) for p in strangers}
        missing = master_size - len(listed)
        extra = pad(patients, missing + 20, pad_rng, taken)
        listed += [p for p in extra if (p.last_name, p.first_name, p.dob) not in banned][:missing]
    return People(listed, strangers, [*bases, *twins])
