"""Turns an incoming file into page sources, one at a time (never all pages decoded at once).

Every page's size is checked before it is decoded or rasterised (ocr/limits.py), and is decoded and
prepared only within the process's pixel budget (ocr/budget.py); nothing decoded is kept between pages.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path

from PIL import Image

from chartfile.errors import ChartfileError, UnreadableFileError
from chartfile.ocr import normalize, pdfimage, poppler
from chartfile.ocr.budget import PixelBudget
from chartfile.ocr.limits import Limits, OverLimitError, weight
from chartfile.ocr.pageimage import PageSource, file_source, frame_source, save_scratch
from chartfile.records import FileKind, IncomingFile
from chartfile.settings import OcrSettings

__all__ = ["PageSource", "iter_pages", "save_scratch"]

_MACHINE_FAULTS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)
Image.MAX_IMAGE_PIXELS = 20_000 * 20_000  # a last guard: every page is checked against the limit first


class _Reader:
    """One document's pages: its settings, limits, scratch folder and the process's pixel budget."""

    def __init__(self, settings: OcrSettings, scratch: Path, budget: PixelBudget | None) -> None:
        self.settings = settings
        self.limits = Limits.of(settings)
        self.scratch = scratch
        self._budget = budget

    def hold(self, pixels: int) -> AbstractContextManager[None]:
        return self._budget.hold(pixels) if self._budget is not None else nullcontext()


def iter_pages(
    incoming: IncomingFile, settings: OcrSettings, scratch: Path, *, budget: PixelBudget | None = None
) -> Iterator[PageSource]:
    """Yield the document's pages in order; files are written to `scratch` as needed."""
    reader = _Reader(settings, scratch, budget)
    if incoming.kind is FileKind.PDF:
        yield from _pdf_pages(incoming.work_copy, reader)
    elif incoming.kind is FileKind.TIFF:
        yield from _tiff_pages(incoming.work_copy, reader)
    else:
        yield _single_image(incoming.work_copy, reader)


def _pdf_pages(pdf: Path, reader: _Reader) -> Iterator[PageSource]:
    count = poppler.page_count(pdf)
    reader.limits.check_pages(count)
    for source in _pdf_page_sources(pdf, count, reader):
        yield replace(source, page_count=count)


def _pdf_page_sources(pdf: Path, count: int, reader: _Reader) -> Iterator[PageSource]:
    settings = reader.settings
    pages = poppler.page_boxes(pdf, count)
    layers = poppler.text_layers(pdf) if settings.use_text_layer else []
    boxes = (
        poppler.text_words(pdf)
        if any(len(t.strip()) >= settings.min_text_layer_chars for t in layers)
        else []
    )
    for number in range(1, count + 1):
        layer = layers[number - 1] if number <= len(layers) else ""
        if len(layer.strip()) >= settings.min_text_layer_chars:
            words = boxes[number - 1] if number <= len(boxes) else ()
            yield PageSource(
                number, None, None, text_layer=layer, text_words=words, pdf_page=(pdf, number - 1)
            )
        else:
            yield _pdf_image_page(pdf, number, pages[number - 1], reader)


def _pdf_image_page(pdf: Path, number: int, box: poppler.PageBox, reader: _Reader) -> PageSource:
    """A scanned page: its own image when it is one plain image (not too large), else rendered."""
    native = pdfimage.native_size(pdf, number - 1) if box.rotation == 0 else None
    if native is not None and weight(*native[:2], colour=native[2]) <= reader.limits.max_pixels:
        with reader.hold(weight(*native[:2], colour=native[2])):
            image = pdfimage.page_image(pdf, number - 1)
            if image is not None:
                return frame_source(
                    image, number, reader.settings, reader.scratch, pdf_page=(pdf, number - 1)
                )
    dpi = reader.settings.dpi
    reader.limits.check_pdf_page(number, box.width_pt, box.height_pt, dpi=dpi)  # before rasterising
    with reader.hold(weight(round(box.width_pt * dpi / 72), round(box.height_pt * dpi / 72), colour=False)):
        image_file = poppler.render_page(pdf, number, reader.scratch, dpi=dpi)
        # An unrotated original page keeps its own image and gets the text laid over it; a page with
        # /Rotate is stored as Tesseract renders it (upright), the original file being kept anyway.
        original = (pdf, number - 1) if box.rotation == 0 else None
        return file_source(image_file, number, reader.settings, reader.scratch, dpi=dpi, pdf_page=original)


def _tiff_pages(tiff: Path, reader: _Reader) -> Iterator[PageSource]:
    """Each frame is opened, checked, decoded and saved on its own: nothing decoded is held meanwhile."""
    with _decoding("TIFF"), Image.open(tiff) as image:
        count = getattr(image, "n_frames", 1)
    reader.limits.check_pages(count)
    for index in range(count):
        yield replace(_tiff_page(tiff, index, reader), page_count=count)


def _tiff_page(tiff: Path, index: int, reader: _Reader) -> PageSource:
    with _decoding("TIFF"), Image.open(tiff) as image:
        image.seek(index)
        pixels = _checked_size(image, index + 1, reader)  # from its header: nothing decoded yet
        with reader.hold(pixels):
            return frame_source(image, index + 1, reader.settings, reader.scratch)


def _single_image(path: Path, reader: _Reader) -> PageSource:
    """A JPEG goes to Tesseract as it is unless it had to be straightened; other images are decoded."""
    with _decoding("image"):
        with Image.open(path) as image:
            pixels = _checked_size(image, 1, reader)
            if image.format != "JPEG":
                with reader.hold(pixels):
                    image.load()
                    return frame_source(image, 1, reader.settings, reader.scratch)
        with reader.hold(pixels):
            return file_source(path, 1, reader.settings, reader.scratch, dpi=None, pdf_page=None)


def _checked_size(image: Image.Image, number: int, reader: _Reader) -> int:
    """The page's weight as it will be read (a standard fax's rows doubled), checked before decoding."""
    rows = normalize.row_factor(normalize.page_dpi(image)) if reader.settings.double_fax_rows else 1
    colour = len(image.getbands()) > 1
    reader.limits.check_page(number, image.width, image.height * rows, colour=colour)
    return weight(image.width, image.height * rows, colour=colour)


@contextmanager
def _decoding(what: str) -> Iterator[None]:
    """Any failure to decode an image file (truncated, damaged, a decompression bomb) is bad input."""
    try:
        yield
    except ChartfileError:
        raise
    except Image.DecompressionBombError as e:  # refused by PIL itself, on opening: far over any limit
        raise OverLimitError(
            f"the {what} declares a page of over {2 * (Image.MAX_IMAGE_PIXELS or 0) / 1e6:.0f} megapixels "
            "(ocr.max_page_megapixels); it was not decoded",
            hint="this file is malformed, or made to exhaust memory; ask the sender for a normal scan",
        ) from e
    except OSError as e:
        if e.errno in _MACHINE_FAULTS:
            raise  # writing the page into the work folder failed: the machine's fault, retried
        raise _damaged(what, e) from e
    except Exception as e:  # PIL raises many types on damaged files: TypeError, KeyError, ValueError, ...
        raise _damaged(what, e) from e


def _damaged(what: str, e: Exception) -> UnreadableFileError:
    return UnreadableFileError(
        f"the {what} is truncated or damaged: it cannot be decoded ({type(e).__name__})",
        hint="open it in a viewer to check; ask the sender to re-send it",
    )
