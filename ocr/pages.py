"""Turns an incoming file into page sources, one at a time (never all pages decoded at once)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError

from chartfile.errors import UnreadableFileError
from chartfile.ocr import assemble, normalize, pdfimage, poppler
from chartfile.ocr.prepare import PreparedImage, prepare
from chartfile.records import FileKind, IncomingFile, Word
from chartfile.settings import OcrSettings

Image.MAX_IMAGE_PIXELS = 20_000 * 20_000  # a 600-dpi 33-inch page; larger is an attack, not a scan


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


def iter_pages(incoming: IncomingFile, settings: OcrSettings, scratch: Path) -> Iterator[PageSource]:
    """Yield the document's pages in order; files are written to `scratch` as needed."""
    if incoming.kind is FileKind.PDF:
        yield from _pdf_pages(incoming.work_copy, settings, scratch)
    elif incoming.kind is FileKind.TIFF:
        yield from _tiff_pages(incoming.work_copy, settings, scratch)
    else:
        yield _single_image(incoming.work_copy, settings, scratch)


def _pdf_pages(pdf: Path, settings: OcrSettings, scratch: Path) -> Iterator[PageSource]:
    count = poppler.page_count(pdf)
    for source in _pdf_page_sources(pdf, count, settings, scratch):
        yield replace(source, page_count=count)


def _pdf_page_sources(pdf: Path, count: int, settings: OcrSettings, scratch: Path) -> Iterator[PageSource]:
    layers = poppler.text_layers(pdf) if settings.use_text_layer else []
    boxes = (
        poppler.text_words(pdf)
        if any(len(t.strip()) >= settings.min_text_layer_chars for t in layers)
        else []
    )
    rotated = poppler.rotations(pdf, count)
    for number in range(1, count + 1):
        layer = layers[number - 1] if number <= len(layers) else ""
        if len(layer.strip()) >= settings.min_text_layer_chars:
            words = boxes[number - 1] if number <= len(boxes) else ()
            yield PageSource(
                number, None, None, text_layer=layer, text_words=words, pdf_page=(pdf, number - 1)
            )
            continue
        if rotated[number - 1] == 0 and (native := pdfimage.page_image(pdf, number - 1)) is not None:
            yield _frame_source(native, number, settings, scratch, pdf_page=(pdf, number - 1))
            continue
        image = poppler.render_page(pdf, number, scratch, dpi=settings.dpi)
        # An unrotated original page keeps its own image and gets the text laid over it; a page with
        # /Rotate is stored as Tesseract renders it (upright), the original file being kept anyway.
        original = (pdf, number - 1) if rotated[number - 1] == 0 else None
        yield _file_source(image, number, settings, scratch, dpi=settings.dpi, pdf_page=original)


def _tiff_pages(tiff: Path, settings: OcrSettings, scratch: Path) -> Iterator[PageSource]:
    try:
        with Image.open(tiff) as image:
            count = getattr(image, "n_frames", 1)
            for index, frame in enumerate(ImageSequence.Iterator(image)):
                yield replace(_frame_source(frame, index + 1, settings, scratch), page_count=count)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise UnreadableFileError(
            f"the TIFF cannot be decoded ({type(e).__name__})", hint="re-scan or re-send the document"
        ) from e


def _frame_source(
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
    blank, prepared = _blank_or_prepared(page.image, settings)
    if prepared.changed:
        pdf_page = None  # the original page no longer lines up with the image read: store the prepared one
    page = normalize.NormalizedPage(prepared.image, page.dpi)
    source = _save_frame(page, number, scratch)
    if pdf_page is None and page.image.mode != "1":
        pdf_page = (assemble.lossless_page(page.image, page.dpi, scratch / f"page-{number:04d}-image.pdf"), 0)
    return replace(
        source,
        blank=blank,
        pdf_page=pdf_page,
        skew_degrees=prepared.skew_degrees,
        despeckled=prepared.despeckled,
    )


def _blank_or_prepared(image: Image.Image, settings: OcrSettings) -> tuple[bool, PreparedImage]:
    """A blank page is kept as it is (not OCRed); a page with ink is prepared for OCR."""
    blank = settings.detect_blank_pages and normalize.is_blank(image)
    return blank, PreparedImage(image) if blank else prepare(image, settings)


def _save_frame(page: normalize.NormalizedPage, number: int, scratch: Path) -> PageSource:
    path = scratch / f"page-{number:04d}.tif"
    save_scratch(page.image, path, page.dpi)
    if page.image.mode == "1":  # G4 TIFF carries its own (possibly non-square) resolution tags
        return PageSource(number, path, None, x_scale=page.dpi[1] / page.dpi[0])
    return PageSource(number, path, round(page.dpi[0]))


def save_scratch(image: Image.Image, target: Path, dpi: tuple[float, float]) -> Path:
    """A page image for Tesseract: G4 for 1-bit; uncompressed otherwise (what Tesseract reads fastest)."""
    if image.mode == "1":
        image.save(target, compression="group4", dpi=dpi)
    else:  # measured: Tesseract reads an uncompressed TIFF faster than PGM, PNG or even the JPEG itself
        image.save(target, compression="raw", dpi=dpi)
    return target


def _single_image(path: Path, settings: OcrSettings, scratch: Path) -> PageSource:
    """A JPEG goes to Tesseract as it is unless it had to be straightened; other images are decoded."""
    try:
        with Image.open(path) as image:
            if image.format != "JPEG":
                image.load()
                return _frame_source(image, 1, settings, scratch)
        return _file_source(path, 1, settings, scratch, dpi=None, pdf_page=None)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise UnreadableFileError(
            f"the image cannot be decoded ({type(e).__name__})", hint="re-scan or re-send the document"
        ) from e


def _file_source(
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
    )
