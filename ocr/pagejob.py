"""One page's OCR on a pool thread; a page that reads badly is turned upright (OSD) and read again."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from chartfile.ocr import normalize, orient
from chartfile.ocr.engine import OcrEngine, PageOcr
from chartfile.ocr.pages import PageSource, save_scratch
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


def read_page(source: PageSource, engine: OcrEngine, settings: OcrSettings) -> PageRead:
    """OCR the prepared page; only a page that reads badly pays for orientation detection (OSD)."""
    assert source.image is not None
    image = source.image
    overlay = source.pdf_page is not None  # set only while the image still lines up with that page
    ocr = engine.read_page(image, image.with_suffix(""), dpi=source.dpi, text_only=overlay)
    first = PageRead(ocr, overlay, 0, source.skew_degrees)
    if not _reads_badly(first.ocr, settings):
        return first
    second = _second_pass(image, source, engine, settings)
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
    ocr = engine.read_page(upright, upright.with_suffix(""), dpi=source.dpi, text_only=False)
    return PageRead(ocr, False, degrees, skew or source.skew_degrees)


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
