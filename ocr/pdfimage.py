"""A scanned PDF page's own image, read natively (pikepdf): no rasterising, no resampling.

Fax servers and scanners write PDFs whose every page is one image drawn over the whole page. Tesseract
reads that image best and fastest as it is (a fax at 204x196 dpi, 1-bit), not rasterised again at a
fixed DPI. Any other page (text, vector art, several images, masks, unusual colour) returns None and
is rendered by poppler instead.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pikepdf
from PIL import Image

log = logging.getLogger(__name__)

_TOLERANCE_PT = 1.0  # how closely the image must cover the page
_PLAIN_OPERATORS = {"q", "Q", "cm", "Do", "gs"}
_FILTERS = {"/CCITTFaxDecode", "/DCTDecode", "/FlateDecode", "/LZWDecode"}
_COLOURS = {"/DeviceGray", "/DeviceRGB"}

Matrix = tuple[float, float, float, float, float, float]


def native_size(pdf: Path, index: int) -> tuple[int, int, bool] | None:
    """(width, height, colour) of the page's only plain image, read without decoding it; else None."""
    try:
        with pikepdf.open(pdf) as doc:
            xobject = _plain_covering_image(doc.pages[index])
            if xobject is None:
                return None
            colour = str(xobject.get("/ColorSpace")) != "/DeviceGray"
            return int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0)), colour
    except (pikepdf.PdfError, NotImplementedError, ValueError, KeyError, OSError, TypeError) as e:
        log.debug("page %d: no native image (%s); it is rendered", index + 1, type(e).__name__)
        return None


def _plain_covering_image(page: pikepdf.Page) -> pikepdf.Stream | None:
    found = _only_image(page)
    if found is None or not _plain_image(found[1]) or not _covers_page(page, found[0]):
        return None
    return found[1]


def page_image(pdf: Path, index: int) -> Image.Image | None:
    """The page's only image at its own resolution (`info["dpi"]` set from the page size), or None.

    The caller checks its size first (`native_size`)."""
    try:
        with pikepdf.open(pdf) as doc:
            page = doc.pages[index]
            xobject = _plain_covering_image(page)
            if xobject is None:
                return None
            image = pikepdf.PdfImage(xobject).as_pil_image()
            box = [float(v) for v in page.mediabox]
    except (pikepdf.PdfError, NotImplementedError, ValueError, KeyError, OSError, TypeError) as e:
        log.debug("page %d: no native image (%s); it is rendered", index + 1, type(e).__name__)
        return None
    if image.mode not in ("1", "L", "RGB") or _looks_inverted(image):
        return None
    image.info["dpi"] = (image.width * 72 / (box[2] - box[0]), image.height * 72 / (box[3] - box[1]))
    return image


def _only_image(page: pikepdf.Page) -> tuple[str, pikepdf.Stream] | None:
    xobjects = page.obj.get("/Resources", pikepdf.Dictionary()).get("/XObject", pikepdf.Dictionary())
    names = list(xobjects.keys())
    xobject = xobjects[names[0]] if len(names) == 1 else None
    if not isinstance(xobject, pikepdf.Stream) or xobject.get("/Subtype") != pikepdf.Name.Image:
        return None
    return names[0], xobject


def _plain_image(xobject: pikepdf.Stream) -> bool:
    """No masks, no decode inversion, gray or RGB, one well-known filter."""
    if any(key in xobject for key in ("/SMask", "/Mask", "/Decode")) or xobject.get("/ImageMask", False):
        return False
    declared = xobject.get("/Filter", pikepdf.Array())
    filters = [str(f) for f in (declared if isinstance(declared, pikepdf.Array) else [declared])]
    colour = xobject.get("/ColorSpace")
    return len(filters) <= 1 and set(filters) <= _FILTERS and str(colour) in _COLOURS


def _covers_page(page: pikepdf.Page, name: str) -> bool:
    """The content is `q [cm...] /name Do Q` and the image is drawn exactly over the media box."""
    matrix: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack: list[Matrix] = []
    drawn: Matrix | None = None
    for instruction in pikepdf.parse_content_stream(page):
        if not isinstance(instruction, pikepdf.ContentStreamInstruction):
            return False  # an inline image
        operands, op = instruction.operands, str(instruction.operator)
        if op not in _PLAIN_OPERATORS:
            return False
        if op == "q":
            stack.append(matrix)
        elif op == "Q":
            matrix = stack.pop() if stack else matrix
        elif op == "cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            matrix = _multiply((a, b, c, d, e, f), matrix)
        elif op == "Do":
            if drawn is not None or str(operands[0]) != name:
                return False
            drawn = matrix
    if drawn is None:
        return False
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    want = (x1 - x0, 0.0, 0.0, y1 - y0, x0, y0)
    return all(abs(got - wanted) <= _TOLERANCE_PT for got, wanted in zip(drawn, want, strict=True))


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m x n for PDF's row-vector matrices (the new `cm` first, then the current one)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _looks_inverted(image: Image.Image) -> bool:
    """A page that decodes mostly black is a mis-read polarity: let poppler render it instead."""
    histogram = image.histogram()[:256]  # 1-bit and grey: the image; RGB: its red band (no conversion)
    return sum(histogram[:128]) > sum(histogram[128:])
