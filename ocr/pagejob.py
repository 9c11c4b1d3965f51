"""One page's work on a pool thread: clean and straighten, OCR; if it reads badly, turn it upright."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from chartfile.ocr import normalize, orient
from chartfile.ocr.engine import OcrEngine, PageOcr
from chartfile.ocr.pages import PageSource
from chartfile.settings import OcrSettings

log = logging.getLogger(__name__)

_SUSPECT_WORDS = 8  # fewer words than this: the page may be sideways, upside down or badly skewed


@dataclass(frozen=True, slots=True)
class PageRead:
    """The OCR of a page and what was done to its image first."""

    ocr: PageOcr
    overlay: bool  # the text PDF is to be laid over the original PDF page (its image was not changed)
    rotated_degrees: int = 0
    skew_degrees: float = 0.0


def read_page(source: PageSource, engine: OcrEngine, settings: OcrSettings) -> PageRead:
    """Clean and straighten the page, OCR it; only a page that reads badly pays for orientation (OSD)."""
    assert source.image is not None
    image = source.image
    source = replace(source, dpi=_engine_dpi(source))
    image = _despeckled(image, source, settings)
    image, skew = _deskewed(image, source, settings) if settings.deskew else (image, 0.0)
    # A changed image no longer lines up with the original PDF page: store it as Tesseract renders it.
    overlay = source.pdf_page is not None and image == source.image
    first = PageRead(
        engine.read_page(image, image.with_suffix(""), dpi=source.dpi, text_only=overlay), overlay, 0, skew
    )
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
    turned = _turned_copy(image, degrees)
    straight, skew = _deskewed(turned, source, settings) if settings.deskew else (turned, 0.0)
    ocr = engine.read_page(straight, straight.with_suffix(""), dpi=source.dpi, text_only=False)
    return PageRead(ocr, False, degrees, skew)


def _despeckled(image: Path, source: PageSource, settings: OcrSettings) -> Path:
    if settings.despeckle == "off":
        return image
    with Image.open(image) as opened:
        if not _speckled(opened, settings):
            return image
        opened.load()
        target = image.with_name(f"{image.stem}-clean.tif")
        _save(orient.despeckle(opened), target, opened.info.get("dpi") or (source.dpi, source.dpi))
    return target


def _deskewed(image: Path, source: PageSource, settings: OcrSettings) -> tuple[Path, float]:
    with Image.open(image) as opened:
        # JPEG pages decode at a quarter of the size for the estimate (the sample is smaller still)
        opened.draft("L", (opened.width // 4, opened.height // 4))
        angle = orient.estimate_skew(opened)
    if abs(angle) < settings.min_deskew_degrees:
        return image, 0.0
    with Image.open(image) as opened:
        opened.load()
        straight = orient.deskew(opened, angle)
        target = image.with_name(f"{image.stem}-straight.tif")
        _save(straight, target, opened.info.get("dpi") or (source.dpi, source.dpi))
    return target, angle


def _engine_dpi(source: PageSource) -> int | None:
    """The resolution to tell Tesseract: the page's, as scratch PGM/PPM files carry none.

    None only for 1-bit pages: their G4 TIFF keeps the (possibly non-square) resolution tags.
    """
    if source.dpi is not None or source.image is None:
        return source.dpi
    with Image.open(source.image) as opened:
        return None if opened.mode == "1" else round(normalize.page_dpi(opened)[0])


def _reads_badly(result: PageOcr, settings: OcrSettings) -> bool:
    confidence = result.mean_confidence
    return (
        len(result.words) < _SUSPECT_WORDS
        or confidence is None
        or confidence < settings.retry_below_confidence
    )


def _speckled(image: Image.Image, settings: OcrSettings) -> bool:
    if settings.despeckle == "off" or image.mode != "1":
        return False
    return settings.despeckle == "on" or orient.speckle_ppm(image) > settings.speckle_ppm_threshold


def _save(image: Image.Image, target: Path, dpi: tuple[float, float] | tuple[int | None, int | None]) -> None:
    resolution = (float(dpi[0] or 300), float(dpi[1] or 300))
    if image.mode == "1":
        image.save(target, compression="group4", dpi=resolution)
    else:  # measured: Tesseract reads an uncompressed TIFF faster than PGM, PNG or even the JPEG itself
        image.save(target, compression="raw", dpi=resolution)


def _orientation(engine: OcrEngine, image: Path, settings: OcrSettings) -> int:
    degrees, confidence = engine.orientation(image)
    return degrees if confidence >= settings.orientation_min_confidence else 0


def _turned_copy(image: Path, degrees: int) -> Path:
    with Image.open(image) as opened:
        turned = orient.rotate_clockwise(opened, degrees)
        target = image.with_name(f"{image.stem}-upright.tif")
        _save(turned, target, opened.info.get("dpi") or (300, 300))
    return target


def _quality(result: PageOcr) -> float:
    """Confident words read: more is better."""
    return sum(word.confidence for word in result.words if len(word.text) > 1)
