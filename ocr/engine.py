"""The OCR engine interface the stage depends on, so tests can inject faults."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from chartfile.records import Word


@dataclass(frozen=True, slots=True)
class PageOcr:
    """What the engine returns for one page image."""

    text: str
    words: tuple[Word, ...]
    pdf_page: tuple[Path, int]  # the engine's PDF holding this page, and the page's 0-based index there

    @property
    def mean_confidence(self) -> float | None:
        if not self.words:
            return None
        return sum(word.confidence for word in self.words) / len(self.words)


class PageTimeoutError(Exception):
    """The engine gave up on a page after the time limit."""


class PageEngineError(Exception):
    """The engine could not read a page image."""


class OcrEngine(Protocol):
    """Reads page images and writes a searchable PDF beside `out_base`, one page per image."""

    def read_pages(
        self, images: Sequence[Path], out_base: Path, *, dpi: int | None, text_only: bool = False
    ) -> tuple[PageOcr, ...]:
        """One result per image, in order, from one engine run (the model is loaded once).

        `text_only`: the PDF holds just the invisible text (to lay over an original PDF page).
        The time limit is per page; any failure fails the whole call (the caller retries page by page).
        """
        ...

    def orientation(self, image: Path) -> tuple[int, float]:
        """Clockwise degrees (0/90/180/270) that turn the page upright, and the engine's confidence."""
        ...
