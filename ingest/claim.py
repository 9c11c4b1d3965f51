"""The claim stage: copy an inbox file into its own work folder, hash it, journal it before any work."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from chartfile.errors import UnreadableFileError
from chartfile.indexer.db import audit, transaction
from chartfile.indexer.models import Intake
from chartfile.ingest import files
from chartfile.ingest.sniff import sniff
from chartfile.records import FileKind, IncomingFile

log = logging.getLogger(__name__)

_SUFFIX = {FileKind.PDF: ".pdf", FileKind.TIFF: ".tif", FileKind.PNG: ".png", FileKind.JPEG: ".jpg"}


def claim(
    path: Path, *, work_root: Path, sessions: sessionmaker[Session], now: dt.datetime, consume: bool = True
) -> IncomingFile | None:
    """Journal `path` and give it a work folder; None when it was already fully processed.

    The inbox file itself is left alone: it is removed only after the result is committed.
    """
    try:
        fingerprint = files.fingerprint(path)
        staging = work_root / f".claim-{uuid.uuid4().hex}"
        staging.mkdir(parents=True, mode=0o700)
        sha256 = files.durable_copy(path, staging / "original")
    except OSError as e:
        raise UnreadableFileError(
            f"cannot read inbox file {path} ({e.strerror or type(e).__name__})",
            hint="check the file's permissions; chartfile leaves it where it is",
        ) from e
    with transaction(sessions) as session:
        prior = _prior_claim(session, path, fingerprint)
        if prior is not None and prior.state == "done" and consume:
            shutil.rmtree(staging)
            _finish_interrupted_release(path, prior.id)
            return None
        intake = _journal(session, prior, path, fingerprint=fingerprint, sha256=sha256, now=now)
        session.flush()
        audit(session, "received", intake.id, sha256=sha256, attempt=intake.attempts)
        incoming = _move_into_place(staging, work_root, intake)
        intake.work_path = str(incoming.work_dir)
    return incoming


def _prior_claim(session: Session, path: Path, fingerprint: str) -> Intake | None:
    query = (
        select(Intake)
        .where(Intake.source_path == str(path), Intake.source_fingerprint == fingerprint)
        .order_by(Intake.id.desc())
    )
    return session.scalars(query).first()


def _journal(
    session: Session,
    prior: Intake | None,
    path: Path,
    *,
    fingerprint: str,
    sha256: str,
    now: dt.datetime,
) -> Intake:
    if prior is not None and prior.state in ("claimed", "failed") and prior.sha256 == sha256:
        prior.state, prior.attempts = "claimed", prior.attempts + 1
        return prior
    intake = Intake(
        source_path=str(path),
        source_name=path.name,
        source_fingerprint=fingerprint,
        sha256=sha256,
        size_bytes=path.stat().st_size,
        kind="",
        work_path="",
        state="claimed",
        attempts=1,
        last_error="",
        claimed_at=now,
    )
    session.add(intake)
    return intake


def _move_into_place(staging: Path, work_root: Path, intake: Intake) -> IncomingFile:
    kind = sniff(staging / "original")
    work_dir = work_root / str(intake.id)
    if work_dir.exists():
        shutil.rmtree(work_dir)  # an earlier, interrupted attempt: start it again from the original
    staging.rename(work_dir)
    work_copy = work_dir / ("original" + (_SUFFIX[kind] if kind else ".bin"))
    (work_dir / "original").rename(work_copy)
    intake.kind = kind.value if kind else "unknown"
    return IncomingFile(
        intake_id=intake.id,
        source_path=Path(intake.source_path),
        source_name=intake.source_name,
        work_copy=work_copy,
        work_dir=work_dir,
        sha256=intake.sha256,
        size_bytes=intake.size_bytes,
        kind=kind,
        received_at=intake.claimed_at,
    )


def _finish_interrupted_release(path: Path, intake_id: int) -> None:
    log.info("document %d: already committed; removing its leftover inbox file", intake_id)
    files.remove_durably(path)


def release_source(incoming: IncomingFile) -> None:
    """Remove the inbox file: call only after the outcome is committed."""
    files.remove_durably(incoming.source_path)
