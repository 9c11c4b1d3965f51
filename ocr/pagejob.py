"""One page's work on a pool thread: straighten the image if asked, OCR it, turn it upright if needed."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from chartfile.ocr import orient
from chartfile.ocr.engine import OcrEngine, PageOcr
from chartfile.ocr.pages import PageSource
from chartfile.settings import OcrSettings

log = logging.getLogger(__name__)

_SUSPECT_CONFIDENCE = 55.0  # a page reading worse than this may be sideways or upside down
_SUSPECT_WORDS = 8


@dataclass(frozen=True, slots=True)
class PageRead:
    """The OCR of a page and what was done to its image first."""

    ocr: PageOcr
    overlay: bool  # the text PDF is to be laid over the original PDF page (its image was not changed)
    rotated_degrees: int = 0
    skew_degrees: float = 0.0


def read_page(source: PageSource, engine: OcrEngine, settings: OcrSettings) -> PageRead:
    """OCR `source.image` (never None here) with the enabled geometry steps."""
    assert source.image is not None
    image, skew = source.image, 0.0
    if settings.deskew or settings.despeckle != "off":
        image, skew = _straighten(image, source, settings)
    # A straightened page no longer lines up with the original PDF page: store it as Tesseract renders it.
    overlay = source.pdf_page is not None and image == source.image
    first = engine.read_page(image, image.with_suffix(""), dpi=source.dpi, text_only=overlay)
    if not settings.detect_orientation or not _looks_rotated(first):
        return PageRead(first, overlay, 0, skew)
    degrees = _orientation(engine, image, settings)
    if degrees == 0:
        return PageRead(first, overlay, 0, skew)
    upright = _turned_copy(image, degrees)
    second = engine.read_page(upright, upright.with_suffix(""), dpi=source.dpi, text_only=False)
    if _quality(second) <= _quality(first):
        return PageRead(first, overlay, 0, skew)
    log.info("page %d turned %d degrees upright", source.number, degrees)
    return PageRead(second, False, degrees, skew)


def _straighten(image: Path, source: PageSource, settings: OcrSettings) -> tuple[Path, float]:
    with Image.open(image) as opened:
        opened.load()
        page = orient.despeckle(opened) if _speckled(opened, settings) else opened
        angle = orient.estimate_skew(page) if settings.deskew else 0.0
        if abs(angle) < settings.min_deskew_degrees and page is opened:
            return image, 0.0
        straight = orient.deskew(page, angle) if abs(angle) >= settings.min_deskew_degrees else page
        target = image.with_name(f"{image.stem}-straight{'.tif' if straight.mode == '1' else '.png'}")
        _save(straight, target, opened.info.get("dpi") or (source.dpi, source.dpi))
    return target, angle


def _speckled(image: Image.Image, settings: OcrSettings) -> bool:
    if settings.despeckle == "off" or image.mode != "1":
        return False
    return settings.despeckle == "on" or orient.speckle_ppm(image) > settings.speckle_ppm_threshold


def _save(image: Image.Image, target: Path, dpi: tuple[float, float] | tuple[int | None, int | None]) -> None:
    resolution = (float(dpi[0] or 300), float(dpi[1] or 300))
    if image.mode == "1":
        image.save(target, compression="group4", dpi=resolution)
    else:
        image.save(target, compress_level=1, dpi=resolution)


def _looks_rotated(result: PageOcr) -> bool:
    confidence = result.mean_confidence
    return len(result.words) < _SUSPECT_WORDS or confidence is None or confidence < _SUSPECT_CONFIDENCE


def _orientation(engine: OcrEngine, image: Path, settings: OcrSettings) -> int:
    degrees, confidence = engine.orientation(image)
    return degrees if confidence >= settings.orientation_min_confidence else 0


def _turned_copy(image: Path, degrees: int) -> Path:
    target = image.with_name(f"{image.stem}-upright{'.tif' if image.suffix == '.tif' else '.png'}")
    with Image.open(image) as opened:
        turned = orient.rotate_clockwise(opened, degrees)
        _save(turned, target, opened.info.get("dpi") or (300, 300))
    return target


def _quality(result: PageOcr) -> float:
    """Confident words read: more is better."""
    return sum(word.confidence for word in result.words if len(word.text) > 1)
