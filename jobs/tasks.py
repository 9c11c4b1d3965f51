"""What a job does: a file or a document through the one stage chain, safe to run twice (the ledger's
claims and checksums decide: a file committed before is not filed again)."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import select

from chartfile.clerk.reprocess import reprocess_document
from chartfile.errors import ChartfileError
from chartfile.ingest.claim import NotRegularFileError, SourceGoneError
from chartfile.ledger import Ledger, files
from chartfile.ledger.models import Intake
from chartfile.pipeline import process_path
from chartfile.runtime import Runtime

log = logging.getLogger(__name__)


class NotOnThisMachineError(ChartfileError):
    """A queued file is not where its job says, and the ledger has no record of it being processed."""

    stage = "queue"


def run_file(rt: Runtime, path: Path, *, consume: bool, final_attempt: bool) -> str:
    """One queued file through the chain, claimed exactly as `chartfile process` claims it; its outcome
    (filed, review, unmatched, quarantined, duplicate), or already-done / skipped.

    ClaimedElsewhereError (another run holds it now) and faults of the machine raise: the job is retried.
    """
    if not consume and _committed(rt.ledger, path, same_bytes=True):
        return "already-done"  # run again after its outcome was committed (the claim would make a
        # duplicate of a kept file; a consumed one's claim removes the leftover and returns None)
    try:
        result = process_path(path, rt, consume=consume, final_attempt=final_attempt)
    except NotRegularFileError:
        return "skipped"  # a link or special file: never followed nor read, as `process` skips it
    except SourceGoneError:
        if _committed(rt.ledger, path, same_bytes=False):
            return "already-done"  # the run that filed it removed it
        raise NotOnThisMachineError(
            f"a queued file in {path.parent} is not there on this machine and was never processed",
            hint="mount the share at the same path on every worker; the job is retried",
        ) from None
    return "already-done" if result is None else str(result.status.value)


def _committed(ledger: Ledger, path: Path, *, same_bytes: bool) -> bool:
    """Whether the ledger committed an outcome for the file at `path` (this very file: `same_bytes`)."""
    query = select(Intake.id).where(Intake.source_path == files.text_of(path), Intake.state == "done")
    if same_bytes:
        try:
            query = query.where(Intake.source_fingerprint == files.fingerprint(path))
        except OSError:
            return False
    with ledger.reading() as session:
        return session.scalars(query.limit(1)).first() is not None


def run_document(rt: Runtime, document_id: int) -> str:
    """One document run again from its kept original, as `chartfile reprocess` does; its outcome."""
    result = reprocess_document(document_id, rt)
    if result.outcome == "failed":
        raise NotOnThisMachineError(
            f"document {document_id}: {result.note}",
            hint="check the store on this machine (the same share, mounted at the same path)",
        )
    return result.outcome
