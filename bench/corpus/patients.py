"""Load Synthea patients as a master list and write it in chartfile's import CSV format."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from chartfile.records import PATIENT_COLUMNS

MASTER_HEADER: tuple[str, ...] = PATIENT_COLUMNS  # what `chartfile patients import` reads
_STATES = {"Massachusetts": "MA", "New Hampshire": "NH", "Rhode Island": "RI", "Connecticut": "CT"}
_MIDDLE_F = ("Ann", "Marie", "Lynn", "Rose", "Jean", "Louise", "Grace", "Elizabeth", "Claire", "Jane", "Mae")
_MIDDLE_M = ("James", "Michael", "Lee", "Allen", "Joseph", "Edward", "Thomas", "Paul", "Ray", "John", "Wayne")
_AREA_CODES = ("617", "508", "781", "978", "413", "774", "339", "857")


@dataclass(frozen=True, slots=True)
class Patient:
    """A person: a master-list patient, or an unlisted person (whose `mrn` is an outside clinic's)."""

    mrn: str
    last_name: str
    first_name: str
    middle_name: str
    dob: dt.date
    sex: str
    phone: str = ""
    address: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    suffix: str = ""
    deceased: dt.date | None = None
    source_id: str = ""


def default_patients_csv() -> Path:
    """`../shared/data/synthea/patients_ma_1171.csv` relative to the repository root (parent of bench/)."""
    repo_root = Path(__file__).resolve().parents[2]
    return repo_root.parent / "shared" / "data" / "synthea" / "patients_ma_1171.csv"


def _digest(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("|".join(parts).encode()).digest()[:8], "big")


def clean_name(raw: str) -> str:
    """Strip Synthea's numeric suffixes (`Milo271` -> `Milo`) and squeeze spaces."""
    return " ".join(re.sub(r"\d+", "", raw).split())


def derive_mrn(source_id: str, taken: set[str]) -> str:
    """A unique 7-8 digit MRN derived from a hash of the Synthea Id (rehashed on collision)."""
    salt = 0
    while True:
        mrn = str(1_000_000 + _digest(source_id, str(salt)) % 89_000_000)
        if mrn not in taken:
            taken.add(mrn)
            return mrn
        salt += 1


def phone_for(source_id: str) -> str:
    """A deterministic (fake) phone number for a person id."""
    h = _digest(source_id, "phone")
    area = _AREA_CODES[h % len(_AREA_CODES)]
    exchange = 201 + (h // 7) % 798
    exchange = 556 if exchange == 555 else exchange
    return f"{area}-{exchange:03d}-{(h // 10_007) % 10_000:04d}"


def _split_names(row: dict[str, str]) -> tuple[str, str, str]:
    """(first, middle, last): Synthea compound first names give a middle; some get one assigned."""
    first, _, rest = clean_name(row["FIRST"]).partition(" ")
    last = clean_name(row["LAST"])
    h = _digest(row["Id"], "names")
    maiden = clean_name(row.get("MAIDEN", ""))
    if maiden and maiden != last and h % 6 == 0:
        last = f"{maiden}-{last}"
    if rest:
        return first, rest, last
    if h % 10 < 6:
        pool = _MIDDLE_F if row.get("GENDER") == "F" else _MIDDLE_M
        return first, pool[(h // 10) % len(pool)], last
    return first, "", last


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def patient_from_row(row: dict[str, str], taken: set[str]) -> Patient:
    """One Synthea CSV row as a Patient with a derived MRN."""
    first, middle, last = _split_names(row)
    dob = _date(row["BIRTHDATE"])
    if dob is None:
        raise ValueError(f"patient {row['Id']} has no BIRTHDATE")
    return Patient(
        mrn=derive_mrn(row["Id"], taken),
        last_name=last,
        first_name=first,
        middle_name=middle,
        dob=dob,
        sex=row.get("GENDER", ""),
        phone=phone_for(row["Id"]),
        address=row.get("ADDRESS", ""),
        city=row.get("CITY", ""),
        state=_STATES.get(row.get("STATE", ""), row.get("STATE", "")),
        zip=row.get("ZIP", "").zfill(5) if row.get("ZIP") else "",
        deceased=_date(row.get("DEATHDATE", "")),
        source_id=row["Id"],
    )


def load_synthea_patients(path: Path) -> list[Patient]:
    """Read a Synthea `patients.csv` in file order; names cleaned, MRNs unique and deterministic."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    taken: set[str] = set()
    return [patient_from_row(row, taken) for row in rows]


def write_master_csv(patients: Iterable[Patient], path: Path) -> Path:
    """Write patients in chartfile's master-list import format (dob as YYYY-MM-DD)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(MASTER_HEADER)
        for p in patients:
            row = (p.mrn, p.last_name, p.first_name, p.middle_name, p.dob.isoformat(), p.sex, p.phone)
            writer.writerow((*row, p.address, p.city, p.state, p.zip))
    return path
