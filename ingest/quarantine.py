"""Failure outcomes: bad input is quarantined with a note saying why; machine faults are retried."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from chartfile.errors import ChartfileError
from chartfile.ledger import files
from chartfile.ledger.db import audit, transaction
from chartfile.ledger.models import Document, Intake
from chartfile.records import FiledDocument, IncomingFile, Status

log = logging.getLogger(__name__)

_NEXT_STEP = (
    "Open the file to see what it is. If it is a readable document, fix the cause named above and drop it "
    "into the inbox again (or run `chartfile process` on it); otherwise ask the sender to re-send it."
)


def describe(error: BaseException) -> tuple[str, str, str]:
    """(stage, reason, hint) for a sidecar; unexpected errors name only their type and place."""
    if isinstance(error, ChartfileError):
        return error.stage, error.message, error.hint
    frame = error.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    where = f"{Path(frame.tb_frame.f_code.co_filename).name}:{frame.tb_lineno}" if frame else "?"
    return "internal", f"unexpected {type(error).__name__} at {where}", "report this to IT with the sidecar"


def quarantine(
    incoming: IncomingFile,
    error: BaseException,
    *,
    folder: Path,
    sessions: sessionmaker[Session],
    now: dt.datetime,
) -> FiledDocument:
    """Move the original into quarantine beside a JSON note, and record it; nothing is deleted."""
    stage, reason, hint = describe(error)
    target = folder / f"{incoming.intake_id:06d}{incoming.work_copy.suffix}"
    files.durable_move(incoming.work_copy, target)
    _write_sidecar(target.with_suffix(".json"), incoming, stage=stage, reason=reason, hint=hint, now=now)
    with transaction(sessions) as session:
        session.add(_quarantined_row(incoming, target, f"{stage}: {reason}", now))
        session.flush()
        _finish_intake(session, incoming.intake_id, "done", now, f"{stage}: {reason}")
        audit(session, "quarantined", incoming.intake_id, stage=stage, reason=reason, path=str(target))
    log.warning("document %d quarantined at stage %s: %s", incoming.intake_id, stage, reason)
    return FiledDocument(
        document_id=incoming.intake_id,
        status=Status.QUARANTINED,
        stored_path=None,
        original_path=target,
        notes=(f"{stage}: {reason}",),
    )


def _write_sidecar(
    path: Path, incoming: IncomingFile, *, stage: str, reason: str, hint: str, now: dt.datetime
) -> None:
    note = {
        "document_id": incoming.intake_id,
        "source_name": incoming.source_name,
        "source_path": str(incoming.source_path),
        "sha256": incoming.sha256,
        "received_at": incoming.received_at.isoformat(),
        "quarantined_at": now.isoformat(),
        "stage": stage,
        "reason": reason,
        "hint": hint,
        "next_step": _NEXT_STEP,
    }
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(json.dumps(note, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    files.fsync_dir(path.parent)


def _quarantined_row(incoming: IncomingFile, target: Path, reason: str, now: dt.datetime) -> Document:
    return Document(
        id=incoming.intake_id,
        source_name=incoming.source_name,
        sha256=incoming.sha256,
        status=Status.QUARANTINED.value,
        candidates=[],
        reasons=[reason],
        extraction={},
        page_count=0,
        quarantine_path=str(target),
        original_path=str(target),
        received_at=incoming.received_at,
        processed_at=now,
    )


def _finish_intake(session: Session, intake_id: int, state: str, now: dt.datetime, error: str) -> None:
    intake = session.get(Intake, intake_id)
    assert intake is not None
    intake.state, intake.finished_at, intake.last_error = state, now, error


def mark_failed(
    incoming: IncomingFile, error: ChartfileError, *, sessions: sessionmaker[Session], now: dt.datetime
) -> None:
    """A fault of the machine, not the input: journal it; the inbox file stays for a later retry."""
    with transaction(sessions) as session:
        _finish_intake(session, incoming.intake_id, "failed", now, f"{error.stage}: {error.message}")
        audit(session, "failed", incoming.intake_id, stage=error.stage, reason=error.message)
    log.error(
        "document %d not processed (%s): %s; input kept for retry",
        incoming.intake_id,
        error.stage,
        error.message,
    )
