"""The Tesseract workers every document shares, and how many of them are free for a new run."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class OcrPool(ThreadPoolExecutor):
    """A thread per Tesseract process (each thread waits on its subprocess), counting open runs."""

    def __init__(self, workers: int) -> None:
        super().__init__(workers, thread_name_prefix="ocr")
        self.workers = workers
        self._lock = threading.Lock()
        self._open = 0  # runs submitted and not finished

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        with self._lock:
            self._open += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _: Future[T]) -> None:
        with self._lock:
            self._open -= 1

    def idle_workers(self) -> int:
        """Workers with nothing to do now: a new document's pages are shared out over these."""
        with self._lock:
            return max(0, self.workers - self._open)
