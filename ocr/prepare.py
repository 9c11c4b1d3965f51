"""Page preparation before OCR, on the decoded image (pure): remove fax speckle, then straighten.

Runs where the page is decoded (once), ahead of the Tesseract workers, so that with one worker it
overlaps the OCR of the page before. Each step is switched in config (`ocr.despeckle`, `ocr.deskew`).
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from chartfile.ocr import orient
from chartfile.settings import OcrSettings


@dataclass(frozen=True, slots=True)
class PreparedImage:
    """The image to read and what was done to it."""

    image: Image.Image
    skew_degrees: float = 0.0
    despeckled: bool = False

    @property
    def changed(self) -> bool:
        """True when the image no longer lines up with the page as received."""
        return self.despeckled or self.skew_degrees != 0.0


def prepare(image: Image.Image, settings: OcrSettings, *, rows_doubled: bool = False) -> PreparedImage:
    """Despeckle a noisy 1-bit fax page, then straighten a page tilted by `min_deskew_degrees` or more.

    A standard-resolution fax (its rows doubled) is despeckled with a 3x3 majority, which also smooths the
    doubled rows' stair steps; any other page loses only its isolated specks, as a majority would erase
    the thin strokes of small print at fine resolution (a claim form's captions)."""
    despeckled = speckled(image, settings, rows_doubled=rows_doubled)
    if despeckled:
        image = orient.despeckle(image) if rows_doubled else orient.remove_specks(image)
    skew = 0.0
    if settings.deskew:
        image, skew = straighten(image, settings.min_deskew_degrees)
    return PreparedImage(image, skew, despeckled)


def straighten(image: Image.Image, min_degrees: float) -> tuple[Image.Image, float]:
    """The image levelled and the angle turned (0.0: left as it was)."""
    angle = orient.estimate_skew(image)
    if abs(angle) < min_degrees:
        return image, 0.0
    return orient.deskew(image, angle), angle


def speckled(image: Image.Image, settings: OcrSettings, *, rows_doubled: bool = False) -> bool:
    """Is this page to be despeckled: always ("on"), never ("off"), or a 1-bit page with line noise
    (isolated dark pixels on a standard fax, isolated specks on any other)."""
    if settings.despeckle == "off":
        return False
    if settings.despeckle == "on":
        return True
    if image.mode != "1":
        return False
    if rows_doubled:
        return orient.speckle_ppm(image) > settings.speckle_ppm_threshold
    return orient.isolated_specks_ppm(image) > settings.speck_ppm_threshold
