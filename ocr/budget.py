"""A memory budget in pixels, shared by a process's threads: pages are decoded and prepared (and read by
Tesseract) only while the pixels in hand stay within it. Small pages go side by side; a page as large as
the limit goes alone. With the per-page limit (ocr/limits.py) this bounds memory whatever the input."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class PixelBudget:
    """A weighted semaphore: `hold(pixels)` waits until that many fit (at most the whole budget)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, capacity)
        self._used = 0
        self._changed = threading.Condition()

    @contextmanager
    def hold(self, pixels: int) -> Iterator[None]:
        weight = min(max(1, pixels), self.capacity)
        with self._changed:
            self._changed.wait_for(lambda: self._used + weight <= self.capacity)
            self._used += weight
        try:
            yield
        finally:
            with self._changed:
                self._used -= weight
                self._changed.notify_all()
