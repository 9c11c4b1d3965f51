"""A FHIR R4 Bundle of Patient resources read into `PatientUpdate` records (validated with fhir.resources).

The MRN is the identifier whose system is the site's (`ehr.mrn_system`); a Patient without one is reported
by its entry number. Its time is meta.lastUpdated, else the Bundle's timestamp (so a re-imported older
export never overwrites newer data). A `link` of type replaced-by names the record it was merged into
(by reference to another entry's Patient, or by identifier).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from chartfile.errors import UsageError
from chartfile.records import Demographics, PatientUpdate

SEX = {"male": "M", "female": "F", "other": "O", "unknown": "U"}
FIELDS = frozenset(
    ("last_name", "first_name", "middle_name", "dob", "sex", "phone", "address", "city", "state", "zip")
)


@dataclass(frozen=True, slots=True)
class EntryProblem:
    """A Patient entry that cannot be imported: its number in the Bundle (from 1) and why."""

    entry: int
    reason: str


@dataclass(slots=True)
class FhirPatients:
    updates: list[PatientUpdate] = field(default_factory=list)
    problems: list[EntryProblem] = field(default_factory=list)
    skipped: int = 0  # entries that are not Patients


def read_bundle(path: Path, *, mrn_system: str) -> FhirPatients:
    """Every Patient of the Bundle at `path`; an unreadable or invalid Bundle is a usage error."""
    try:
        bundle = Bundle.model_validate_json(path.read_bytes())
    except OSError as e:
        raise UsageError(f"cannot open {path} ({e.strerror})", hint="check the path") from e
    except (ValidationError, ValueError) as e:
        raise UsageError(
            f"{path}: not a valid FHIR R4 Bundle ({_first_error(e)})",
            hint="export the patients as a FHIR Bundle of Patient resources (JSON)",
        ) from e
    stamp = _utc(bundle.timestamp) or _utc(bundle.meta.lastUpdated if bundle.meta else None)
    patients = [(n, entry) for n, entry in enumerate(bundle.entry or [], 1)]
    ids = {
        key: patient_mrn(entry.resource, mrn_system)
        for _, entry in patients
        if _is_patient(entry)
        for key in _keys(entry)
    }
    found = FhirPatients()
    for number, entry in patients:
        if not _is_patient(entry):
            found.skipped += 1
            continue
        update, problem = _read(entry.resource, number, ids, mrn_system=mrn_system, stamp=stamp, source=path)
        if problem is not None:
            found.problems.append(EntryProblem(number, problem))
        elif update is not None:
            found.updates.append(update)
    return found


def _read(
    patient: Any,
    number: int,
    ids: dict[str, str],
    *,
    mrn_system: str,
    stamp: dt.datetime | None,
    source: Path,
) -> tuple[PatientUpdate | None, str | None]:
    mrn = patient_mrn(patient, mrn_system)
    if not mrn:
        return None, "no identifier with the site's MRN system (ehr.mrn_system)"
    if len(mrn) > 64:
        return None, "the MRN is longer than 64 characters"
    merged_into = _replaced_by(patient, ids, mrn_system)
    if merged_into == mrn:
        return None, "link replaced-by names the patient itself"
    when = _utc(patient.meta.lastUpdated if patient.meta else None) or stamp
    update = PatientUpdate(
        patient=_demographics(patient, mrn),
        source_time=when,
        present=FIELDS,
        merged_into=merged_into,
        source=f"FHIR {source.name} entry {number}",
    )
    return update, None


def patient_mrn(patient: Any, system: str) -> str:
    for identifier in patient.identifier or []:
        if identifier.system == system and identifier.value:
            return str(identifier.value).strip()
    return ""


def _demographics(patient: Any, mrn: str) -> Demographics:
    name = _official(patient.name or [])
    given = list(name.given or []) if name else []
    address = _official(patient.address or [])
    lines = list(address.line or []) if address else []
    phones = [t.value for t in patient.telecom or [] if t.system == "phone" and t.value]
    return Demographics(
        mrn=mrn,
        last_name=str(name.family or "") if name else "",
        first_name=given[0] if given else "",
        middle_name=" ".join(given[1:]),
        dob=patient.birthDate if isinstance(patient.birthDate, dt.date) else None,
        sex=SEX.get(str(patient.gender or ""), ""),
        phone=str(phones[0]) if phones else "",
        address=", ".join(lines),
        city=str(address.city or "") if address else "",
        state=str(address.state or "") if address else "",
        zip=str(address.postalCode or "") if address else "",
    )


def _official(items: list[Any]) -> Any:
    """The `official` (or `usual`, or else the first) of a list of names or addresses."""
    for use in ("official", "usual", "home"):
        for item in items:
            if getattr(item, "use", None) == use:
                return item
    return items[0] if items else None


def _replaced_by(patient: Any, ids: dict[str, str], mrn_system: str) -> str | None:
    for link in patient.link or []:
        if link.type != "replaced-by":
            continue
        other = link.other
        if other.identifier is not None and other.identifier.system == mrn_system and other.identifier.value:
            return str(other.identifier.value)
        if other.reference and other.reference in ids:
            return ids[other.reference] or None
    return None


def _is_patient(entry: Any) -> bool:
    return entry.resource is not None and entry.resource.get_resource_type() == "Patient"


def _keys(entry: Any) -> list[str]:
    """How other entries may refer to this one: Patient/<id>, or its fullUrl."""
    keys = [f"Patient/{entry.resource.id}"] if entry.resource.id else []
    return keys + ([str(entry.fullUrl)] if entry.fullUrl else [])


def _utc(value: Any) -> dt.datetime | None:
    if not isinstance(value, dt.datetime):
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _first_error(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{where}: {first['msg']}"
    return type(error).__name__
