"""The Tesseract workers every document shares, and how many of them are free for a new run."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from chartfile.ocr.budget import PixelBudget
from chartfile.settings import OcrSettings

P = ParamSpec("P")
T = TypeVar("T")
DEFAULT_MAX_PIXELS = int(OcrSettings().max_page_megapixels * 1_000_000)


class OcrPool(ThreadPoolExecutor):
    """A thread per Tesseract process (each thread waits on its subprocess), counting open runs.

    It also holds the process's pixel budgets (each the size of the largest page allowed): pages being
    decoded and prepared (`decoding`, in the document threads) and pages Tesseract reads (`reading`)."""

    def __init__(self, workers: int, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> None:
        super().__init__(workers, thread_name_prefix="ocr")
        self.workers = workers
        self.decoding = PixelBudget(max_pixels)
        self.reading = PixelBudget(max_pixels)
        self._lock = threading.Lock()
        self._open = 0  # runs submitted and not finished

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        with self._lock:
            self._open += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._finished)
        return future

    def submit_read(self, pixels: int, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """A Tesseract run on pages whose largest weighs `pixels`: it starts once they fit the budget."""

        def within_budget() -> T:
            with self.reading.hold(pixels):
                return fn(*args, **kwargs)

        return self.submit(within_budget)

    def _finished(self, _: Future[T]) -> None:
        with self._lock:
            self._open -= 1

    def idle_workers(self) -> int:
        """Workers with nothing to do now: a new document's pages are shared out over these."""
        with self._lock:
            return max(0, self.workers - self._open)
