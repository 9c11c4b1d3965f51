"""Resource limits, checked before the work they bound: a page's size in pixels before it is decoded or
rasterised (a PDF page's box at the DPI it would be rendered at, an image's header), a document's pages,
its work folder's bytes. A document over a limit is bad input: quarantined with a note saying which."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from chartfile.errors import UnreadableFileError
from chartfile.settings import OcrSettings

POINTS_PER_INCH = 72
# A colour page needs ~2.4x the memory of a grey one of the same size, in the decoding and preparing
# (PIL keeps RGB as 4 bytes a pixel) and in Tesseract (measured on 40-megapixel pages: 460 MB against
# 193 MB): it counts 2.5 times against the limit and the budgets.
COLOUR_WEIGHT = 2.5
_WHY = "a real page is under 45 megapixels even at 600 dpi: this file is malformed, or made to exhaust memory"


class OverLimitError(UnreadableFileError):
    """The document is over one of the resource limits (ocr.max_page_megapixels, max_pages, max_work_mb)."""

    stage = "ocr"


@dataclass(frozen=True, slots=True)
class Limits:
    max_pixels: int
    max_pages: int
    max_work_bytes: int

    @classmethod
    def of(cls, settings: OcrSettings) -> Limits:
        return cls(
            max_pixels=int(settings.max_page_megapixels * 1_000_000),
            max_pages=settings.max_pages,
            max_work_bytes=settings.max_work_mb * 2**20,
        )

    def check_pages(self, count: int) -> None:
        if count > self.max_pages:
            raise OverLimitError(
                f"the document has {count} pages, over the limit of {self.max_pages} (ocr.max_pages)",
                hint="split it and send the parts, or raise ocr.max_pages if such documents are expected",
            )

    def check_page(
        self, number: int, width: int, height: int, *, colour: bool = False, dpi: int | None = None
    ) -> None:
        """A page of `width` x `height` pixels (as it would be read): refused above the limit."""
        if weight(width, height, colour=colour) <= self.max_pixels:
            return
        at = f" at {dpi} dpi" if dpi else ""
        counted = f", counted {COLOUR_WEIGHT} times for colour" if colour else ""
        raise OverLimitError(
            f"page {number} would be {width} x {height} pixels{at} ({width * height / 1e6:.1f} megapixels"
            f"{counted}), over the limit of {self.max_pixels / 1e6:g} (ocr.max_page_megapixels); "
            "it was not decoded",
            hint=f"{_WHY}; ask the sender for a normal scan, or raise the limit for a genuine oversize page",
        )

    def check_pdf_page(self, number: int, width_pt: float, height_pt: float, *, dpi: int) -> None:
        """A PDF page's box, in points, as poppler would rasterise it at `dpi`."""
        scale = dpi / POINTS_PER_INCH
        self.check_page(number, round(width_pt * scale), round(height_pt * scale), dpi=dpi)

    def check_work(self, folder: Path, *, document_id: int) -> None:
        """The work folder's bytes so far: a document needing more than its budget is refused."""
        used = folder_bytes(folder)
        if used > self.max_work_bytes:
            raise OverLimitError(
                f"document {document_id} needs more than {self.max_work_bytes // 2**20} MB of work space "
                "(ocr.max_work_mb)",
                hint="split the document, or raise ocr.max_work_mb if such documents are expected",
            )


def weight(width: int, height: int, *, colour: bool) -> int:
    """A page's size in pixels as the limit and the memory budgets count it."""
    return int(width * height * (COLOUR_WEIGHT if colour else 1))


def folder_bytes(folder: Path) -> int:
    total = 0
    for root, _, names in os.walk(folder):
        for name in names:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue  # removed meanwhile (a page image read and dropped)
    return total
