"""The orchestrator: claim -> recognize -> extract -> decide -> file, with the one quarantine point."""

from __future__ import annotations

import datetime as dt
import errno
import logging
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from chartfile import matching
from chartfile.errors import DatabaseError, MachineError, StoreError
from chartfile.indexer import filing
from chartfile.ingest.claim import claim, release_source
from chartfile.ingest.quarantine import mark_failed, quarantine
from chartfile.ledger.db import transaction
from chartfile.ledger.store import FileStore, StoreLayout
from chartfile.ocr.engine import OcrEngine
from chartfile.ocr.pool import OcrPool
from chartfile.ocr.recognize import recognize
from chartfile.records import FiledDocument, IncomingFile
from chartfile.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Runtime:
    """What the stages need, built once per process (the patient index is loaded once)."""

    settings: Settings
    sessions: sessionmaker[Session]
    engine: OcrEngine
    pool: OcrPool
    store: FileStore
    patients: Callable[[], matching.PatientIndex]
    clock: Callable[[], dt.datetime]


def process_path(path: Path, rt: Runtime, *, consume: bool = True) -> FiledDocument | None:
    """Run one inbox file through the pipeline. None: it had already been committed."""
    incoming = claim(
        path, work_root=rt.settings.paths.work, sessions=rt.sessions, now=rt.clock(), consume=consume
    )
    if incoming is None:
        return None
    return process_claimed(incoming, rt, consume=consume)


def process_claimed(incoming: IncomingFile, rt: Runtime, *, consume: bool = True) -> FiledDocument:
    """Every outcome is committed before the inbox file goes; a machine fault leaves it in place."""
    try:
        with _machine_faults(incoming):
            result = _run_stages(incoming, rt)
    except MachineError as e:
        mark_failed(incoming, e, sessions=rt.sessions, now=rt.clock())
        raise
    except Exception as e:  # the one place that quarantines: bad input or a bug, the daemon goes on
        result = quarantine(
            incoming, e, folder=rt.settings.paths.quarantine, sessions=rt.sessions, now=rt.clock()
        )
    finally:
        shutil.rmtree(incoming.work_dir, ignore_errors=True)
    if consume:
        release_source(incoming)
    return result


@contextmanager
def _machine_faults(incoming: IncomingFile) -> Iterator[None]:
    """The stage boundary for faults of the machine: retried later, never quarantined."""
    try:
        yield
    except OperationalError as e:  # "database is locked", disk I/O error: the message names no data
        raise DatabaseError(
            f"document {incoming.intake_id}: the database could not be used ({e.orig})",
            hint="chartfile retries; check that nothing else holds the database for long",
        ) from e
    except OSError as e:
        if e.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        raise StoreError(
            f"document {incoming.intake_id}: the disk is full ({e.strerror})",
            hint="free disk space; chartfile retries and the input is kept",
        ) from e


def _run_stages(incoming: IncomingFile, rt: Runtime) -> FiledDocument:
    with transaction(rt.sessions) as session:
        earlier = filing.find_processed(session, incoming.sha256)
    if earlier is not None:
        return filing.record_duplicate(incoming, earlier, sessions=rt.sessions, now=rt.clock())
    ocr = recognize(incoming, rt.settings.ocr, engine=rt.engine, pool=rt.pool)
    extraction = matching.extract(ocr, reference_date=incoming.received_at.date())
    decision = matching.decide(extraction, rt.patients(), rt.settings.matching)
    filed = filing.file_document(
        ocr,
        extraction,
        decision,
        store=rt.store,
        layout=StoreLayout(rt.settings.paths.store),
        sessions=rt.sessions,
        now=rt.clock(),
    )
    log.info("document %d: %s, %d pages", filed.document_id, filed.status.value, filed.page_count)
    return filed
