"""What the pipeline's stages need, built once per process: the ledger, the OCR engine and worker pool,
and the patient index (loaded once, rebuilt only when the patient list changes)."""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from chartfile import matching
from chartfile.ledger import Ledger, ledger_for
from chartfile.ledger.patients import load_records, patients_version
from chartfile.ocr import poppler, tesseract
from chartfile.ocr.engine import OcrEngine
from chartfile.ocr.limits import Limits
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


_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
_MMAP_THRESHOLD_BYTES = 1 << 20


def return_large_blocks_to_the_os() -> None:
    """Page images are allocated in blocks of megabytes; glibc would keep freed ones in each thread's heap
    (its mmap threshold grows after the first is freed), so the memory of every large page a document
    thread ever decoded stays resident. A fixed threshold mmaps them and gives them back when freed
    (measured: five 40-megapixel pages in one run, 455 MB -> 305 MB for the process)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_BYTES)
    except (OSError, AttributeError):
        pass  # not glibc: its allocator decides


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
    program: str = "chartfile",
) -> Iterator[Runtime]:
    """A ready Runtime on the migrated ledger; the worker pool is shut down on exit."""
    return_large_blocks_to_the_os()
    with ledger_for(settings, clock=clock, actor=actor, program=program) as ledger:
        if engine is None:
            check_dependencies(settings)
            engine = tesseract.TesseractEngine(
                language=settings.ocr.language, timeout_seconds=settings.ocr.page_timeout_seconds
            )
        with OcrPool(settings.workers(), max_pixels=Limits.of(settings.ocr).max_pixels) as pool:
            yield Runtime(settings, ledger, engine, pool, PatientCache(ledger).get)
