"""A run of pages read on a pool thread; a page that reads badly is turned upright (OSD) and read again."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from chartfile.ocr import assemble, normalize, orient
from chartfile.ocr.engine import OcrEngine, PageEngineError, PageOcr, PageTimeoutError
from chartfile.ocr.pageimage import PageSource, save_scratch
from chartfile.ocr.prepare import straighten
from chartfile.settings import OcrSettings

log = logging.getLogger(__name__)

_SUSPECT_WORDS = 8  # fewer words than this: the page may be sideways, upside down or badly skewed


@dataclass(frozen=True, slots=True)
class PageRead:
    """The OCR of a page and what was done to its image first."""

    ocr: PageOcr
    overlay: bool  # the text PDF is to be laid over the page's own PDF page (its image was not changed)
    rotated_degrees: int = 0
    skew_degrees: float = 0.0


@dataclass(frozen=True, slots=True)
class PageFault:
    """A page the engine could not read (it hung past the time limit, or failed)."""

    message: str


def batch_key(source: PageSource) -> tuple[bool, int | None]:
    """Pages read in one engine run share these: text-only output, and the resolution given."""
    return source.pdf_page is not None, source.dpi


def read_pages(
    sources: Sequence[PageSource], engine: OcrEngine, settings: OcrSettings
) -> list[PageRead | PageFault]:
    """OCR pages with one engine run; if it fails, page by page, so that one bad page costs only itself."""
    images = [source.image for source in sources if source.image is not None]
    assert len(images) == len(sources)
    text_only, dpi = batch_key(sources[0])
    out_base = images[0].with_name(f"{images[0].stem}-run{len(images)}")
    try:
        results = engine.read_pages(images, out_base, dpi=dpi, text_only=text_only)
    except (PageTimeoutError, PageEngineError) as e:
        if len(sources) == 1:
            return [PageFault(str(e))]
        log.warning(
            "pages %d-%d: one run failed, reading them one by one", sources[0].number, sources[-1].number
        )
        return [page for source in sources for page in read_pages([source], engine, settings)]
    reads: list[PageRead | PageFault] = [
        _checked(source, ocr, engine, settings) for source, ocr in zip(sources, results, strict=True)
    ]
    _square_pixels(sources, reads)
    return reads


def _checked(source: PageSource, ocr: PageOcr, engine: OcrEngine, settings: OcrSettings) -> PageRead:
    """The first reading, or, for a page that reads badly, a better one turned upright."""
    assert source.image is not None
    first = PageRead(ocr, source.pdf_page is not None, 0, source.skew_degrees)
    if not _reads_badly(first.ocr, settings):
        return first
    try:
        second = _second_pass(source.image, source, engine, settings)
    except (PageTimeoutError, PageEngineError):
        return first
    if second is None or _quality(second.ocr) <= _quality(first.ocr):
        return first
    log.info(
        "page %d reads better turned %d degrees (straightened %.1f)",
        source.number,
        second.rotated_degrees,
        second.skew_degrees,
    )
    return second


def _second_pass(
    image: Path, source: PageSource, engine: OcrEngine, settings: OcrSettings
) -> PageRead | None:
    """Turn the page upright (Tesseract OSD), straighten it again and read it again; None: not turned."""
    degrees = _orientation(engine, image, settings) if settings.detect_orientation else 0
    if not degrees:
        return None
    upright, skew = _upright_copy(image, degrees, settings)
    (ocr,) = engine.read_pages([upright], upright.with_suffix(""), dpi=source.dpi, text_only=False)
    return PageRead(ocr, False, degrees, skew or source.skew_degrees)


def _square_pixels(sources: Sequence[PageSource], reads: Sequence[PageRead | PageFault]) -> None:
    """Tesseract sizes PDF pages by the vertical resolution: squeeze non-square fax pages back."""
    scales: dict[Path, dict[int, float]] = defaultdict(dict)
    for source, read in zip(sources, reads, strict=True):
        if isinstance(read, PageRead):
            x_scale = source.x_scale if read.rotated_degrees % 180 == 0 else 1 / source.x_scale
            if abs(x_scale - 1.0) > 0.005:
                pdf, index = read.ocr.pdf_page
                scales[pdf][index] = x_scale
    for pdf, by_page in scales.items():
        assemble.scale_page_widths(pdf, by_page)


def _upright_copy(image: Path, degrees: int, settings: OcrSettings) -> tuple[Path, float]:
    """The page turned by `degrees` and, as a sideways page's skew could not be seen before, levelled."""
    with Image.open(image) as opened:
        turned = orient.rotate_clockwise(opened, degrees)
        dpi = normalize.page_dpi(turned)
        skew = 0.0
        if settings.deskew:
            turned, skew = straighten(turned, settings.min_deskew_degrees)
        target = save_scratch(turned, image.with_name(f"{image.stem}-upright.tif"), dpi)
    return target, skew


def _reads_badly(result: PageOcr, settings: OcrSettings) -> bool:
    confidence = result.mean_confidence
    return (
        len(result.words) < _SUSPECT_WORDS
        or confidence is None
        or confidence < settings.retry_below_confidence
    )


def _orientation(engine: OcrEngine, image: Path, settings: OcrSettings) -> int:
    degrees, confidence = engine.orientation(image)
    return degrees if confidence >= settings.orientation_min_confidence else 0


def _quality(result: PageOcr) -> float:
    """Confident words read: more is better."""
    return sum(word.confidence for word in result.words if len(word.text) > 1)
