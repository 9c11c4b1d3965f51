"""A FHIR R4 Bundle of Patient resources read into `PatientUpdate` records (validated with fhir.resources).

The MRN is the identifier whose system is the site's (`ehr.mrn_system`); a Patient without one is reported
by its entry number. Its time is meta.lastUpdated, else the Bundle's timestamp (so a re-imported older
export never overwrites newer data). A `link` of type replaced-by names the record it was merged into
(by reference to another entry's Patient, or by identifier).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.patient import Patient
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
    """Every Patient of the Bundle at `path`, each validated on its own (a bad entry is reported by its
    number); a file that is not a Bundle is a usage error."""
    bundle, entries = _envelope(path)
    stamp = _utc(bundle.timestamp) or _utc(bundle.meta.lastUpdated if bundle.meta else None)
    found = FhirPatients()
    patients: list[tuple[int, dict[str, Any], Any]] = []
    for number, entry in enumerate(entries, 1):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or resource.get("resourceType") != "Patient":
            found.skipped += 1
            continue
        try:
            patients.append((number, entry, Patient.model_validate(resource)))
        except ValidationError as e:
            found.problems.append(EntryProblem(number, f"not a valid Patient ({_first_error(e)})"))
    ids = {key: patient_mrn(p, mrn_system) for _, entry, p in patients for key in _keys(entry, p)}
    for number, _, resource in patients:
        update, problem = _read(resource, number, ids, mrn_system=mrn_system, stamp=stamp, source=path)
        if problem is not None:
            found.problems.append(EntryProblem(number, problem))
        elif update is not None:
            found.updates.append(update)
    return found


def _envelope(path: Path) -> tuple[Bundle, list[Any]]:
    """The Bundle without its entries (validated), and its entries as read."""
    try:
        raw = json.loads(path.read_bytes())
    except OSError as e:
        raise UsageError(f"cannot open {path} ({e.strerror})", hint="check the path") from e
    except ValueError as e:
        raise _not_a_bundle(path, "not JSON") from e
    if not isinstance(raw, dict) or raw.get("resourceType") != "Bundle":
        raise _not_a_bundle(path, "its resourceType is not Bundle")
    entries = raw.get("entry") or []
    if not isinstance(entries, list):
        raise _not_a_bundle(path, "entry is not a list")
    try:
        return Bundle.model_validate(raw | {"entry": []}), entries
    except ValidationError as e:
        raise _not_a_bundle(path, _first_error(e)) from e


def _not_a_bundle(path: Path, why: str) -> UsageError:
    return UsageError(
        f"{path}: not a valid FHIR R4 Bundle ({why})",
        hint="export the patients as a FHIR Bundle of Patient resources (JSON)",
    )


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


def _keys(entry: dict[str, Any], patient: Any) -> list[str]:
    """How other entries may refer to this one: Patient/<id>, or its fullUrl."""
    keys = [f"Patient/{patient.id}"] if patient.id else []
    return keys + ([str(entry["fullUrl"])] if entry.get("fullUrl") else [])


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
