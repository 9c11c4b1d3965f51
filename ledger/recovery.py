"""Start-up recovery of the daemon: finish or undo what a crash left half done (claims, units, folders)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import or_, select

from chartfile.ledger import files, journal
from chartfile.ledger.book import Ledger
from chartfile.ledger.intake import OPEN_STATES, STAGING_PREFIX
from chartfile.ledger.models import Intake


@dataclass(frozen=True, slots=True)
class Recovery:
    """What start-up found: claims put back into the inbox, claims with no copy left, folders cleared;
    claims taken again from the inbox, claims left to the run that holds them, stale claims freed."""

    restored: tuple[int, ...]
    withdrawn: tuple[int, ...]
    cleared: int
    # what else it saw (not compared: a Recovery equals another by what it changed)
    pending: tuple[int, ...] = field(default=(), compare=False)
    held_elsewhere: tuple[int, ...] = field(default=(), compare=False)
    stale_claims: int = field(default=0, compare=False)

    def counts(self) -> str:
        """One log line's worth: counts only (never a name)."""
        return (
            f"{len(self.pending)} unfinished claim(s) to take again from the inbox, "
            f"{len(self.restored)} put back into the inbox, {len(self.withdrawn)} withdrawn (no copy left), "
            f"{len(self.held_elsewhere)} left to the run holding them, {self.stale_claims} stale claim(s) "
            f"freed, {self.cleared} work folder(s) cleared"
        )

    def __bool__(self) -> bool:
        return bool(self.restored or self.withdrawn or self.cleared or self.pending or self.stale_claims)


def recover(ledger: Ledger) -> Recovery:
    """Start-up, before anything is claimed: finish or undo what a crash left half done.

    Staging folders (a crash before the journal row) are removed: their file is still in the inbox.
    An open claim whose inbox file still holds its bytes is claimed again by the scan, under its id; one
    whose inbox file is gone (or holds other bytes now) is put back into the inbox from its work copy.
    Every journal left behind is applied. Claims a running command holds (their work folder is locked)
    are left to it. Only the one daemon that holds the work folder may call this.
    """
    outcomes: dict[str, list[int]] = {"pending": [], "restored": [], "withdrawn": [], "held": []}
    with ledger.unit() as unit:
        stale = ledger.claims.clear_stale(unit.session)  # their holders are gone: nobody renews them
        held = ledger.claims.live_intakes(unit.session)
        mine = or_(Intake.station == ledger.station, Intake.station.is_(None))  # other stations: theirs
        open_rows = select(Intake.id).where(Intake.state.in_(OPEN_STATES), mine)
        open_ids = list(unit.session.scalars(open_rows))
    for intake_id in open_ids:
        if intake_id in held or journal.locked(ledger.paths.work / str(intake_id)):
            outcomes["held"].append(intake_id)  # a running command holds this claim: it is that command's
            continue
        outcomes[_recover_claim(ledger, intake_id)].append(intake_id)
    cleared = ledger.undo_abandoned_units()
    for entry in sorted(ledger.paths.work.iterdir()):
        ours = entry.name.startswith(STAGING_PREFIX) or entry.name.isdigit()
        if entry.is_dir() and ours and not journal.locked(entry):
            journal.undo(entry, ledger.expected_sha256)  # a finished claim's files are its row's: kept
            cleared += 1
    return Recovery(
        tuple(outcomes["restored"]),
        tuple(outcomes["withdrawn"]),
        cleared,
        pending=tuple(outcomes["pending"]),
        held_elsewhere=tuple(outcomes["held"]),
        stale_claims=stale,
    )


def _recover_claim(ledger: Ledger, intake_id: int) -> str:
    paths = ledger.paths
    work_dir = paths.work / str(intake_id)
    leftovers = sorted(paths.quarantine.glob(f"{intake_id:06d}.*"))  # quarantined, not yet committed
    with ledger.unit() as unit:
        intake = unit.session.get(Intake, intake_id)
        assert intake is not None
        ledger.claims.release_intake(unit.session, intake_id)
        copy = _surviving_copy(intake, [*sorted(work_dir.glob("original.*")), *leftovers])
        if files.holds(Path(intake.source_path), sha256=intake.sha256, size_bytes=intake.size_bytes):
            outcome = "pending"
        elif copy is not None:
            target = _restore_target(intake, copy, paths.inbox)
            if files.durable_copy(copy, target) != intake.sha256:
                raise OSError(f"document {intake_id}: the copy put back into the inbox did not verify")
            intake.source_path, intake.source_fingerprint = str(target), files.fingerprint(target)
            unit.audit("restored", intake_id, path=str(target))
            outcome = "restored"
        else:
            intake.state, intake.finished_at = "withdrawn", unit.now
            intake.last_error = "the inbox file was removed before it was processed and no copy is left"
            unit.audit("withdrawn", intake_id)
            outcome = "withdrawn"
    journal.undo(work_dir, ledger.expected_sha256)
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    return outcome


def _surviving_copy(intake: Intake, candidates: list[Path]) -> Path | None:
    for candidate in candidates:
        if candidate.suffix not in (".json", ".partial") and files.holds(
            candidate, sha256=intake.sha256, size_bytes=intake.size_bytes
        ):
            return candidate
    return None


def _restore_target(intake: Intake, copy: Path, inbox: Path) -> Path:
    """Its own inbox path when that is free; else a name of its own (never overwrite another file)."""
    source = Path(intake.source_path)
    if source.is_relative_to(inbox) and not source.exists() and not source.is_symlink():
        return source
    return inbox / f"restored-{intake.id:06d}{copy.suffix}"
