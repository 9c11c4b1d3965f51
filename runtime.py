"""Builds the pipeline's Runtime from settings: folders, database, OCR engine, worker pool."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager

from chartfile.indexer.patients import PatientCache
from chartfile.ledger.db import make_engine, migrate, session_factory
from chartfile.ledger.store import FileStore
from chartfile.ocr import poppler, tesseract
from chartfile.ocr.engine import OcrEngine
from chartfile.ocr.pool import OcrPool
from chartfile.pipeline import Runtime
from chartfile.settings import PathSettings, Settings


def private_umask() -> None:
    """Everything chartfile creates is readable by the service user only."""
    os.umask(0o077)


def prepare_folders(paths: PathSettings) -> None:
    for folder in (paths.inbox, paths.store, paths.quarantine, paths.work):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)


def utc_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def check_dependencies(settings: Settings) -> str:
    poppler.check_installed()
    return tesseract.check_installed(settings.ocr.language)


@contextmanager
def open_runtime(settings: Settings, *, engine: OcrEngine | None = None) -> Iterator[Runtime]:
    """A ready Runtime; the database is migrated and the worker pool shut down on exit."""
    private_umask()
    prepare_folders(settings.paths)
    db = make_engine(settings.database)
    migrate(db)
    sessions = session_factory(db)
    if engine is None:
        check_dependencies(settings)
        engine = tesseract.TesseractEngine(
            language=settings.ocr.language, timeout_seconds=settings.ocr.page_timeout_seconds
        )
    try:
        with OcrPool(settings.workers()) as pool:
            yield Runtime(
                settings=settings,
                sessions=sessions,
                engine=engine,
                pool=pool,
                store=FileStore(settings.paths.store),
                patients=PatientCache(sessions).get,
                clock=utc_clock,
            )
    finally:
        db.dispose()
