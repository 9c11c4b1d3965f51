"""The patient master list kept current from the EHR: patient updates applied in time order (audited), and
the merges they name made exactly as `chartfile patients merge` makes them (`decisions.merge_patients`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from chartfile.clerk.decisions import merge_patients
from chartfile.errors import UsageError
from chartfile.ledger import Ledger
from chartfile.ledger.models import Patient
from chartfile.ledger.patients import apply_update
from chartfile.records import PatientUpdate


@dataclass(frozen=True, slots=True)
class Applied:
    """What one update did: inserted, updated, unchanged, stale or incomplete; and its merge, if any."""

    mrn: str
    result: str
    changed: tuple[str, ...] = ()
    merge: str = ""  # merged, already merged, unknown record (nothing to move)
    documents_moved: int = 0


@dataclass(slots=True)
class UpdateReport:
    applied: list[Applied] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(1 for a in self.applied if a.result == result)

    @property
    def merges(self) -> int:
        return sum(1 for a in self.applied if a.merge == "merged")

    @property
    def documents_moved(self) -> int:
        return sum(a.documents_moved for a in self.applied)


def apply_patient(ledger: Ledger, update: PatientUpdate) -> Applied:
    """Upsert one patient unless what is stored is newer; audited as patient-registered/updated."""
    with ledger.unit() as unit:
        result, changed = apply_update(unit.session, update, now=unit.now)
        if result in ("inserted", "updated"):
            action = "patient-registered" if result == "inserted" else "patient-updated"
            unit.audit(action, None, mrn=update.patient.mrn, source=update.source, fields=list(changed))
    return Applied(update.patient.mrn, result, changed)


def merge_into(ledger: Ledger, old_mrn: str, new_mrn: str, *, reason: str) -> tuple[str, int]:
    """Merge `old_mrn` into `new_mrn` as `patients merge` does; (what happened, documents moved).

    A record chartfile does not know has nothing to move; one merged there already is left as it is.
    A merge that cannot be made (the kept record was itself merged away) is a usage error."""
    with ledger.reading() as session:
        old = session.get(Patient, old_mrn)
        if old is None:
            return "unknown record", 0
        if old.merged_into == new_mrn:
            return "already merged", 0
    return "merged", len(merge_patients(ledger, old_mrn, new_mrn, reason=reason))


def apply_updates(ledger: Ledger, updates: Iterable[PatientUpdate]) -> UpdateReport:
    """Every update in order, then the merges they name (after all records exist)."""
    report = UpdateReport()
    merges = []
    for update in updates:
        applied = apply_patient(ledger, update)
        report.applied.append(applied)
        if update.merged_into:
            merges.append((len(report.applied) - 1, update))
    for index, update in merges:
        assert update.merged_into is not None
        try:
            how, moved = merge_into(ledger, update.patient.mrn, update.merged_into, reason=update.source)
        except UsageError as e:
            how, moved = f"not merged: {e.message}", 0
        current = report.applied[index]
        report.applied[index] = Applied(current.mrn, current.result, current.changed, how, moved)
    return report
