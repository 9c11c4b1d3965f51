"""Pure image steps that prepare a page for Tesseract (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

ASSUMED_DPI = 300  # for images that carry no resolution tag


@dataclass(frozen=True, slots=True)
class NormalizedPage:
    image: Image.Image
    dpi: tuple[float, float]
    rows_doubled: bool = False  # a standard-resolution fax whose half-height rows were repeated


def page_dpi(image: Image.Image) -> tuple[float, float]:
    """The image's resolution tags, or the assumed scan resolution when absent or nonsense."""
    dpi = image.info.get("dpi")
    if not dpi or float(dpi[0]) <= 1 or float(dpi[1]) <= 1:
        return (float(ASSUMED_DPI), float(ASSUMED_DPI))
    return (float(dpi[0]), float(dpi[1]))


def row_factor(dpi: tuple[float, float]) -> int:
    """How many times each row is repeated to square the pixels (2 for a 204x98 fax), else 1."""
    x_dpi, y_dpi = dpi
    ratio = round(x_dpi / y_dpi)
    return 1 if ratio < 2 or abs(x_dpi / y_dpi - ratio) > 0.15 else ratio


def square_fax_pixels(image: Image.Image, dpi: tuple[float, float]) -> NormalizedPage:
    """Standard-resolution faxes (204x98) have half-height pixels: repeat every row."""
    x_dpi, y_dpi = dpi
    ratio = row_factor(dpi)
    if ratio == 1:
        return NormalizedPage(image, dpi)
    resized = image.resize((image.width, image.height * ratio), Image.Resampling.NEAREST)
    return NormalizedPage(resized, (x_dpi, y_dpi * ratio), rows_doubled=True)


def sane_mode(image: Image.Image) -> Image.Image:
    """1-bit, grey and RGB pass through; palette, alpha, CMYK and 16-bit become grey or white-backed."""
    if image.mode in ("1", "L", "RGB"):
        return image
    if image.mode in ("RGBA", "LA", "P", "PA"):
        background = Image.new("RGBA", image.size, "white")
        return Image.alpha_composite(background, image.convert("RGBA")).convert("L")
    return image.convert("L")


def for_ocr(frame: Image.Image, *, double_fax_rows: bool) -> NormalizedPage:
    """All enabled steps, in order."""
    dpi = page_dpi(frame)
    image = sane_mode(frame)
    page = NormalizedPage(image, dpi)
    if double_fax_rows:
        page = square_fax_pixels(page.image, page.dpi)
    return page


def is_blank(image: Image.Image, *, min_ink_blocks: int = 6) -> bool:
    """A page with (almost) no text-like ink: fax separators, blank backs.

    Ink is counted in 16x16-pixel blocks at least 10% dark, below the top 3% (the fax header line):
    speckle dots never fill a block that much; one short line of text fills a dozen or more.
    """
    gray = image.convert("L")
    width, height = gray.size
    interior = gray.crop((width * 4 // 100, height * 3 // 100, width * 96 // 100, height * 96 // 100))
    ink = interior.point(lambda value: 255 if value < 128 else 0)
    blocks = ink.resize((max(1, ink.width // 16), max(1, ink.height // 16)), Image.Resampling.BOX)
    return sum(blocks.histogram()[26:]) < min_ink_blocks
