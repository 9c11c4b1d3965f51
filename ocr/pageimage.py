"""One page image made ready for OCR: made square, checked for ink, prepared (despeckled, straightened)
and saved into the scratch folder as the page source Tesseract reads."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from chartfile.ocr import assemble, normalize
from chartfile.ocr.limits import weight
from chartfile.ocr.prepare import PreparedImage, prepare
from chartfile.records import Word
from chartfile.settings import OcrSettings


@dataclass(frozen=True, slots=True)
class PageSource:
    """One page, ready for OCR (`image`) or already readable (`text_layer`, from a PDF)."""

    number: int
    image: Path | None
    dpi: int | None
    text_layer: str | None = None
    text_words: tuple[Word, ...] = ()  # the text layer's words with their boxes
    pdf_page: tuple[Path, int] | None = None  # (PDF, 0-based index) to copy the page from as is
    x_scale: float = 1.0  # Tesseract sizes PDF pages by the vertical resolution: correct non-square pixels
    blank: bool = False  # no text-like ink: kept in the stored PDF, not OCRed
    page_count: int = 1  # pages in the whole document
    skew_degrees: float = 0.0  # the image was straightened by this much before OCR
    despeckled: bool = False
    pixels: int = 0  # the image's weight in pixels (colour counts more): Tesseract's memory budget


def frame_source(
    frame: Image.Image,
    number: int,
    settings: OcrSettings,
    scratch: Path,
    *,
    pdf_page: tuple[Path, int] | None = None,
) -> PageSource:
    """A decoded page image (TIFF frame, PNG, a PDF page's own image) made square, prepared and saved.

    Without a PDF page of its own, a grey or colour page gets a lossless one to lay the text over.
    """
    page = normalize.for_ocr(frame, double_fax_rows=settings.double_fax_rows)
    blank, prepared = _blank_or_prepared(page.image, settings, rows_doubled=page.rows_doubled)
    if prepared.changed:
        pdf_page = None  # the original page no longer lines up with the image read: store the prepared one
    page = normalize.NormalizedPage(prepared.image, page.dpi, page.rows_doubled)
    source = _save_frame(page, number, scratch)
    if pdf_page is None and page.image.mode != "1":
        pdf_page = (assemble.lossless_page(page.image, page.dpi, scratch / f"page-{number:04d}-image.pdf"), 0)
    return replace(
        source,
        blank=blank,
        pdf_page=pdf_page,
        skew_degrees=prepared.skew_degrees,
        despeckled=prepared.despeckled,
        pixels=weight(page.image.width, page.image.height, colour=len(page.image.getbands()) > 1),
    )


def file_source(
    path: Path,
    number: int,
    settings: OcrSettings,
    scratch: Path,
    *,
    dpi: int | None,
    pdf_page: tuple[Path, int] | None,
) -> PageSource:
    """A page image already on disk (a JPEG as received, a poppler rendering), decoded once for the checks.

    It is read as it is unless preparation changed it (then from a scratch TIFF of the prepared image).
    """
    with Image.open(path) as opened:
        opened.load()
        resolution = (float(dpi), float(dpi)) if dpi else normalize.page_dpi(opened)
        blank, prepared = _blank_or_prepared(opened, settings)
        pixels = weight(opened.width, opened.height, colour=len(opened.getbands()) > 1)
        if prepared.changed:
            target = save_scratch(prepared.image, scratch / f"page-{number:04d}-prepared.tif", resolution)
            if path.parent == scratch:
                path.unlink()  # a rendering made for this run: one image per page on disk at a time
            path, pdf_page = target, None
    return PageSource(
        number,
        path,
        round(resolution[0]),
        pdf_page=pdf_page,
        blank=blank,
        skew_degrees=prepared.skew_degrees,
        despeckled=prepared.despeckled,
        pixels=pixels,
    )


def save_scratch(image: Image.Image, target: Path, dpi: tuple[float, float]) -> Path:
    """A page image for Tesseract: G4 for 1-bit; uncompressed otherwise (what Tesseract reads fastest)."""
    if image.mode == "1":
        image.save(target, compression="group4", dpi=dpi)
    else:  # measured: Tesseract reads an uncompressed TIFF faster than PGM, PNG or even the JPEG itself
        image.save(target, compression="raw", dpi=dpi)
    return target


def _blank_or_prepared(
    image: Image.Image, settings: OcrSettings, *, rows_doubled: bool = False
) -> tuple[bool, PreparedImage]:
    """A blank page is kept as it is (not OCRed); a page with ink is prepared for OCR."""
    blank = settings.detect_blank_pages and normalize.is_blank(image)
    return blank, PreparedImage(image) if blank else prepare(image, settings, rows_doubled=rows_doubled)


def _save_frame(page: normalize.NormalizedPage, number: int, scratch: Path) -> PageSource:
    path = scratch / f"page-{number:04d}.tif"
    save_scratch(page.image, path, page.dpi)
    if page.image.mode == "1":  # G4 TIFF carries its own (possibly non-square) resolution tags
        return PageSource(number, path, None, x_scale=page.dpi[1] / page.dpi[0])
    return PageSource(number, path, round(page.dpi[0]))
