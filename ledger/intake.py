"""The claim journal (`intake` rows): every inbox file is journaled under its document id before any work,
finished once its outcome is committed, and recovered at start-up after a crash."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.orm import Session

from chartfile.errors import ChartfileError
from chartfile.ledger import files, journal
from chartfile.ledger.book import Ledger
from chartfile.ledger.claims import ClaimedElsewhereError
from chartfile.ledger.models import Claim, Intake
from chartfile.ledger.unit import Unit
from chartfile.records import FileKind, IncomingFile

log = logging.getLogger(__name__)

__all__ = [  # ClaimedElsewhereError is the claims module's, raised here too
    "OPEN_STATES",
    "STAGING_PREFIX",
    "ClaimedElsewhereError",
    "Staged",
    "discard_attempt",
    "finish_claim",
    "mark_failed",
    "new_intake",
    "open_claim",
]

OPEN_STATES = ("claimed", "failed")
STAGING_PREFIX = ".claim-"


@dataclass(frozen=True, slots=True)
class Staged:
    """An inbox file copied into a private staging folder below the work root, hashed and sniffed."""

    folder: Path
    copy: Path
    fingerprint: str
    sha256: str
    size_bytes: int
    kind: FileKind | None


def open_claim(ledger: Ledger, path: Path, staged: Staged, *, consume: bool) -> IncomingFile | None:
    """Claim the file's bytes in the database, journal `path` and move its staged copy into its work
    folder; None when it was fully processed. ClaimedElsewhereError: another run holds them now.

    A file claimed before (a crash, or a machine fault) keeps its document id; what its earlier attempt
    wrote into the store is undone first. The caller lets go of the claim (`ledger.claims.drop`) once the
    outcome is committed (the commit itself removes the claim's row).
    """
    ticket = ledger.claims.reserve(staged.sha256)
    try:
        incoming = _journal_claim(ledger, path, staged, consume=consume, ticket=ticket)
    except BaseException:
        ledger.claims.forget(staged.sha256, ticket)
        raise
    ledger.claims.taken(staged.sha256, ticket, keep=incoming is not None)
    return incoming


def _journal_claim(
    ledger: Ledger, path: Path, staged: Staged, *, consume: bool, ticket: str
) -> IncomingFile | None:
    """One transaction: the claim (its first write: the database decides who wins), then the journal."""
    with ledger.unit() as unit:
        ledger.claims.take(
            unit.session,
            sha256=staged.sha256,
            ticket=ticket,
            source_path=files.text_of(path),
            fingerprint=staged.fingerprint,
        )
        prior = _prior_claim(unit.session, path, staged, ledger.station)
        if prior is not None and prior.state == "done" and consume and prior.sha256 == staged.sha256:
            unit.session.execute(delete(Claim).where(Claim.holder == ticket))  # nothing left to claim
            log.info("document %d: already committed; removing its leftover inbox file", prior.id)
            files.remove_durably(path)
            journal.undo(ledger.paths.work / str(prior.id), ledger.expected_sha256)  # its files are kept
            return None
        if prior is not None and prior.state in OPEN_STATES and _in_progress(ledger, prior.id):
            raise ClaimedElsewhereError(
                f"already being processed by another chartfile command: document {prior.id} is being "
                "processed there",
                hint="it is taken again once that command has finished",
            )
        intake = _journal(unit, prior, path, staged)
        intake.station = ledger.station or None
        unit.session.flush()
        intake.work_path = str(ledger.paths.work / str(intake.id))
        ledger.claims.attach(unit.session, staged.sha256, intake.id)
        unit.audit("received", intake.id, sha256=staged.sha256, attempt=intake.attempts)
        incoming = _incoming(intake, staged, path)
    journal.undo(incoming.work_dir, ledger.expected_sha256)  # an earlier, interrupted attempt
    staged.folder.rename(incoming.work_dir)
    return incoming


def _in_progress(ledger: Ledger, intake_id: int) -> bool:
    return journal.locked(ledger.paths.work / str(intake_id))


def _prior_claim(session: Session, path: Path, staged: Staged, station: str) -> Intake | None:
    """The claim of this very file (at this station); else an unfinished claim of the same bytes at the
    same path."""
    same_path = (
        select(Intake)
        .where(Intake.source_path == files.text_of(path), _at_station(station))
        .order_by(Intake.id.desc())
    )
    exact = session.scalars(same_path.where(Intake.source_fingerprint == staged.fingerprint)).first()
    if exact is not None:
        return exact
    unfinished = same_path.where(Intake.sha256 == staged.sha256, Intake.state.in_(OPEN_STATES))
    return session.scalars(unfinished).first()


def _at_station(station: str) -> ColumnElement[bool]:
    """Intake rows of this station (and rows older than stations: one station then)."""
    return or_(Intake.station == station, Intake.station.is_(None))


def _journal(unit: Unit, prior: Intake | None, path: Path, staged: Staged) -> Intake:
    kind = staged.kind.value if staged.kind else "unknown"
    if prior is not None and prior.state in OPEN_STATES and prior.sha256 == staged.sha256:
        prior.state, prior.attempts = "claimed", prior.attempts + 1
        prior.source_fingerprint, prior.kind = staged.fingerprint, kind
        return prior
    return new_intake(
        unit,
        source_path=files.text_of(path),
        source_name=files.text_of(Path(path.name)),
        fingerprint=staged.fingerprint,
        sha256=staged.sha256,
        size_bytes=staged.size_bytes,
        kind=kind,
        done=False,
    )


def new_intake(
    unit: Unit,
    *,
    source_path: str,
    source_name: str,
    fingerprint: str,
    sha256: str,
    size_bytes: int,
    kind: str,
    done: bool,
) -> Intake:
    """A journal row (it gives a document its id): claimed, or done from the start (a split child)."""
    intake = Intake(
        source_path=source_path,
        source_name=source_name,
        source_fingerprint=fingerprint,
        sha256=sha256,
        size_bytes=size_bytes,
        kind=kind,
        work_path="",
        state="done" if done else "claimed",
        attempts=0 if done else 1,
        last_error="",
        claimed_at=unit.now,
        finished_at=unit.now if done else None,
    )
    unit.session.add(intake)
    return intake


def _incoming(intake: Intake, staged: Staged, path: Path) -> IncomingFile:
    work_dir = Path(intake.work_path)
    return IncomingFile(
        intake_id=intake.id,
        source_path=path,  # the file itself (its name may not be text: the row keeps it escaped)
        source_name=intake.source_name,
        work_copy=work_dir / staged.copy.name,
        work_dir=work_dir,
        sha256=intake.sha256,
        size_bytes=intake.size_bytes,
        kind=staged.kind,
        received_at=intake.claimed_at,
    )


def finish_claim(unit: Unit, intake_id: int, state: str, error: str) -> None:
    """Close the claim journal's row, and free the file's claim, in the outcome's own transaction."""
    intake = unit.session.get(Intake, intake_id)
    assert intake is not None
    intake.state, intake.finished_at, intake.last_error = state, unit.now, error
    unit.session.execute(delete(Claim).where(Claim.intake_id == intake_id))


def mark_failed(ledger: Ledger, incoming: IncomingFile, error: ChartfileError) -> None:
    """A fault of the machine, not the input: journal it; the inbox file stays for a later retry."""
    stage, message = error.stage, error.message
    with ledger.unit() as unit:
        finish_claim(unit, incoming.intake_id, "failed", f"{stage}: {message}")
        unit.audit("failed", incoming.intake_id, stage=stage, reason=message)
    log.error("document %d not processed (%s): %s; input kept for retry", incoming.intake_id, stage, message)


def discard_attempt(ledger: Ledger, work_dir: Path) -> None:
    """Undo an unfinished attempt: the store files its journal noted, then its work folder."""
    journal.undo(work_dir, ledger.expected_sha256)
    shutil.rmtree(work_dir, ignore_errors=True)
