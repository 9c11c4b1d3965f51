"""What the pipeline's stages need, built once per process: the ledger, the OCR engine and worker pool,
and the patient index (loaded once, rebuilt only when the patient list changes)."""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from chartfile import matching
from chartfile.ledger import Ledger, open_ledger
from chartfile.ledger.patients import load_records, patients_version
from chartfile.ocr import poppler, tesseract
from chartfile.ocr.engine import OcrEngine
from chartfile.ocr.pool import OcrPool
from chartfile.settings import Settings


@dataclass(frozen=True, slots=True)
class Runtime:
    """What the stages need, built once per process (the patient index is loaded once)."""

    settings: Settings
    ledger: Ledger
    engine: OcrEngine
    pool: OcrPool
    patients: Callable[[], matching.PatientIndex]

    @property
    def clock(self) -> Callable[[], dt.datetime]:
        return self.ledger.clock


class PatientCache:
    """The matcher's index, built once and rebuilt only when the patient table changes."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._lock = threading.Lock()
        self._version: tuple[int, object] | None = None
        self._index: matching.PatientIndex | None = None

    def get(self) -> matching.PatientIndex:
        with self._lock, self._ledger.reading() as session:
            version = patients_version(session)
            if self._index is None or version != self._version:
                self._index = matching.PatientIndex.from_records(load_records(session))
                self._version = version
                gc.freeze()  # a million long-lived records: keep full collections from scanning them
            return self._index


def check_dependencies(settings: Settings) -> str:
    poppler.check_installed()
    return tesseract.check_installed(settings.ocr.language)


@contextmanager
def open_runtime(
    settings: Settings,
    *,
    clock: Callable[[], dt.datetime],
    actor: str,
    engine: OcrEngine | None = None,
) -> Iterator[Runtime]:
    """A ready Runtime on the migrated ledger; the worker pool is shut down on exit."""
    targets = settings.ehr.targets()
    with open_ledger(settings.paths, settings.database, clock=clock, actor=actor, targets=targets) as ledger:
        if engine is None:
            check_dependencies(settings)
            engine = tesseract.TesseractEngine(
                language=settings.ocr.language, timeout_seconds=settings.ocr.page_timeout_seconds
            )
        with OcrPool(settings.workers()) as pool:
            yield Runtime(settings, ledger, engine, pool, PatientCache(ledger).get)
