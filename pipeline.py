"""The orchestrator: one stage chain, recognize -> extract -> decide -> index -> commit, with the one
quarantine point. `chartfile process` and the daemon enter it with a claimed inbox file and record a new
outcome; reprocess enters it with a kept original and replaces the outcome (`Commit`). It may import the
stages (ingest, ocr, matching, indexer), the ledger and what is below; not the daemon, clerk or CLI."""

from __future__ import annotations

import errno
import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from sqlalchemy.exc import OperationalError

from chartfile import matching
from chartfile.errors import MachineError, StoreError, explain
from chartfile.indexer import index_document
from chartfile.ingest.claim import check_name, claim, release_source
from chartfile.ledger import Ledger, outcomes
from chartfile.ledger.claims import ClaimedElsewhereError
from chartfile.ledger.db import database_fault
from chartfile.ledger.documents import Outcome
from chartfile.ledger.intake import mark_failed
from chartfile.ocr.recognize import recognize
from chartfile.records import FiledDocument, IncomingFile
from chartfile.runtime import Runtime

log = logging.getLogger(__name__)
T_co = TypeVar("T_co", covariant=True)


class Commit(Protocol[T_co]):
    """How the chain ends: what it does with an outcome, with bad input and with a machine fault."""

    def known(self, incoming: IncomingFile) -> T_co | None:
        """An outcome without running the stages (the same bytes were processed before), if any."""

    def outcome(self, incoming: IncomingFile, outcome: Outcome) -> T_co: ...

    def bad_input(self, incoming: IncomingFile, error: Exception) -> T_co: ...

    def machine_fault(self, incoming: IncomingFile, error: MachineError) -> T_co | None:
        """None: the fault is raised (retried later); else how the document was settled instead."""


def process_path(
    path: Path, rt: Runtime, *, consume: bool = True, final_attempt: bool = False
) -> FiledDocument | None:
    """Run one inbox file through the pipeline. None: it had already been committed.

    `final_attempt` (a queued job's last try): a fault of the machine quarantines the file with the
    reason instead of leaving it for another retry.

    ClaimedElsewhereError: another run holds the file (or the same bytes) now; it files it. A second
    file with the same bytes as one this process is filing waits for it, then is recorded a duplicate.
    """
    while True:
        try:
            return _process(path, rt, consume=consume, final_attempt=final_attempt)
        except ClaimedElsewhereError as e:
            if not e.mine:
                raise
            rt.ledger.claims.wait_free(e.sha256)


def _process(path: Path, rt: Runtime, *, consume: bool, final_attempt: bool) -> FiledDocument | None:
    with rt.ledger.work_folder() as folder:  # the claim's, locked until its outcome is committed
        incoming = claim(path, rt.ledger, consume=consume, folder=folder)
        if incoming is None:
            return None
        try:
            result = run_stages(incoming, rt, Record(rt.ledger, final=final_attempt))
        finally:
            rt.ledger.claims.drop(incoming.sha256)  # the commit freed it in the database already
    if consume:
        release_source(incoming)
    return result


def run_stages(incoming: IncomingFile, rt: Runtime, commit: Commit[T_co]) -> T_co:
    """Every outcome is committed before the caller lets go of the source; a machine fault raises."""
    try:
        with _machine_faults(incoming):
            check_name(incoming)
            known = commit.known(incoming)
            if known is not None:
                return known
            ocr = recognize(incoming, rt.settings.ocr, engine=rt.engine, pool=rt.pool)
            extraction = matching.extract(ocr, reference_date=incoming.received_at.date())
            decision = matching.decide(extraction, rt.patients(), rt.settings.matching)
            return commit.outcome(incoming, index_document(ocr, extraction, decision))
    except MachineError as e:
        settled = commit.machine_fault(incoming, e)
        if settled is None:
            raise
        return settled
    except Exception as e:  # the one place that quarantines: bad input or a bug, the daemon goes on
        return commit.bad_input(incoming, e)
    finally:
        shutil.rmtree(incoming.work_dir, ignore_errors=True)


@dataclass(frozen=True, slots=True)
class Record:
    """The commit of a claimed inbox file: a new outcome, a duplicate, or quarantine. `final`: the
    last attempt a queued job gets: a fault of the machine quarantines the file, saying so."""

    ledger: Ledger
    final: bool = False

    def known(self, incoming: IncomingFile) -> FiledDocument | None:
        earlier = outcomes.find_processed(self.ledger, incoming.sha256)
        return None if earlier is None else outcomes.record_duplicate(self.ledger, incoming, earlier)

    def outcome(self, incoming: IncomingFile, outcome: Outcome) -> FiledDocument:
        filed = outcomes.record(self.ledger, incoming, outcome)
        log.info("document %d: %s, %d pages", filed.document_id, filed.status.value, filed.page_count)
        return filed

    def bad_input(self, incoming: IncomingFile, error: Exception) -> FiledDocument:
        why = explain(error)
        return outcomes.quarantine(self.ledger, incoming, stage=why.stage, reason=why.message, hint=why.hint)

    def machine_fault(self, incoming: IncomingFile, error: MachineError) -> FiledDocument | None:
        if not self.final:
            mark_failed(self.ledger, incoming, error)
            return None
        why = explain(error)
        try:
            return outcomes.quarantine(
                self.ledger,
                incoming,
                stage=why.stage,
                reason=f"not processed after its last attempt: {why.message}",
                hint=f"{why.hint}; then drop the file from quarantine into the inbox again".lstrip("; "),
            )
        except Exception:  # quarantine failed too (the same fault): journal it, the input stays
            mark_failed(self.ledger, incoming, error)
            raise


@contextmanager
def _machine_faults(incoming: IncomingFile) -> Iterator[None]:
    """The stage boundary for faults of the machine: retried later, never quarantined."""
    try:
        yield
    except OperationalError as e:  # "database is locked", disk I/O error: the message names no data
        raise database_fault(e, subject=f"document {incoming.intake_id}: ") from e
    except OSError as e:
        if e.errno in _SHORT_OF_RESOURCES:  # starting tesseract or poppler failed: not the input's fault
            raise MachineError(
                f"document {incoming.intake_id}: the machine is short of memory or processes ({e.strerror})",
                hint="chartfile retries and the input is kept; check the machine's memory and process limits",
            ) from e
        if e.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        raise StoreError(
            f"document {incoming.intake_id}: the disk is full ({e.strerror})",
            hint="free disk space; chartfile retries and the input is kept",
        ) from e


_SHORT_OF_RESOURCES = (errno.ENOMEM, errno.EAGAIN, errno.EMFILE, errno.ENFILE)
