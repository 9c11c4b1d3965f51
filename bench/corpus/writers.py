"""Write page images and text pages as PNG, JPEG, multi-page TIFF, image-only PDF and text PDF."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from PIL import Image

from .degrade import threshold
from .fonts import DEFAULT_FONT, font_path
from .render import (
    PAGE_HEIGHT_IN,
    PAGE_WIDTH_IN,
    RIGHT_MARGIN_IN,
    Item,
    PageText,
    Rect,
    Text,
    right_column_x,
    wrap_text,
)

if TYPE_CHECKING:
    from fpdf import FPDF

TiffCompression = Literal["group4", "group3", "lzw", "none"]
Dpi = int | tuple[int, int]

FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
_FIXED_STRUCT = time.struct_time((2026, 1, 1, 0, 0, 0, 3, 1, 0))
_PIL_TIFF = {"group4": "group4", "group3": "group3", "lzw": "tiff_lzw", "none": "raw"}


def _pair(dpi: Dpi) -> tuple[int, int]:
    return (dpi, dpi) if isinstance(dpi, int) else (int(dpi[0]), int(dpi[1]))


def write_png(img: Image.Image, path: Path, dpi: Dpi) -> Path:
    """Save one page as PNG carrying a pHYs resolution and no timestamp."""
    img.save(path, "PNG", dpi=_pair(dpi))
    return path


def write_jpeg(img: Image.Image, path: Path, dpi: Dpi, *, quality: int = 85) -> Path:
    """Save one page as a baseline JPEG with JFIF density set to `dpi`."""
    rgb_or_gray = img.convert("L") if img.mode not in ("L", "RGB") else img
    rgb_or_gray.save(path, "JPEG", dpi=_pair(dpi), quality=quality)
    return path


def write_tiff(
    pages: Sequence[Image.Image],
    path: Path,
    *,
    compression: TiffCompression,
    dpi: tuple[int, int],
) -> Path:
    """Write a multi-page TIFF; group3/group4 pages are 1-bit. Every page carries X/YResolution `dpi`."""
    if not pages:
        raise ValueError("write_tiff needs at least one page")
    bilevel = compression in ("group3", "group4")
    frames = [_as_bilevel(p) if bilevel else p for p in pages]
    frames[0].save(
        path,
        "TIFF",
        save_all=True,
        append_images=frames[1:],
        compression=_PIL_TIFF[compression],
        dpi=dpi,
    )
    return path


def _as_bilevel(img: Image.Image) -> Image.Image:
    return img if img.mode == "1" else threshold(img)


def write_image_pdf(pages: Sequence[Image.Image], path: Path, dpi: Dpi) -> Path:
    """Write a scanned (image-only) PDF: 1-bit pages as CCITT G4, grayscale pages as JPEG; no text."""
    if not pages:
        raise ValueError("write_image_pdf needs at least one page")
    frames = [p if p.mode in ("1", "L", "RGB") else p.convert("L") for p in pages]
    frames[0].save(
        path,
        "PDF",
        save_all=True,
        append_images=frames[1:],
        dpi=_pair(dpi),
        title="Scanned document",
        producer="chartfile bench corpus",
        creationDate=_FIXED_STRUCT,
        modDate=_FIXED_STRUCT,
    )
    return path


def write_text_pdf(page_texts: Sequence[PageText], path: Path, *, font: str = DEFAULT_FONT) -> Path:
    """Write a born-digital letter-size PDF with a real, extractable text layer (fpdf2 + TTF font)."""
    from fpdf import FPDF  # noqa: PLC0415 - fpdf2 is a test/bench dependency, imported lazily

    pdf = FPDF(orientation="P", unit="pt", format=(PAGE_WIDTH_IN * 72, PAGE_HEIGHT_IN * 72))
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_producer("chartfile bench corpus")
    pdf.add_font("body", "", str(font_path(font)))
    pdf.add_font("body", "B", str(font_path(font, bold=True)))
    for page in page_texts:
        pdf.add_page()
        _write_text_page(pdf, page)
    pdf.output(str(path))
    return path


def _write_items(pdf: FPDF, items: tuple[Item, ...]) -> None:
    """Filled boxes, then outlines, then text (baseline 0.9 em below the top, as the image renderer)."""
    rects = [r for r in items if isinstance(r, Rect)]
    for r in rects:
        if r.fill is not None:
            pdf.set_fill_color(r.fill)
            pdf.rect(r.x_in * 72, r.y_in * 72, r.w_in * 72, r.h_in * 72, style="F")
    pdf.set_draw_color(0)
    for r in rects:
        if r.line_pt > 0:
            pdf.set_line_width(r.line_pt)
            pdf.rect(r.x_in * 72, r.y_in * 72, r.w_in * 72, r.h_in * 72, style="D")
    for t in items:
        if isinstance(t, Text) and t.text:
            pdf.set_font("body", "B" if t.bold else "", t.size_pt)
            pdf.set_text_color(255 if t.white else 0)
            pdf.text(t.x_in * 72, t.y_in * 72 + 0.9 * t.size_pt, t.text)
    pdf.set_text_color(0)


def _write_text_page(pdf: FPDF, page: PageText) -> None:
    _write_items(pdf, tuple(page.items))
    y = page.top_in * 72
    width = PAGE_WIDTH_IN * 72
    for line in page.lines:
        pdf.set_font("body", "B" if line.bold else "", line.size_pt)
        step = line.height_pt()
        if line.right_text is not None:
            pdf.text(line.x_in * 72, y + line.size_pt, line.text)
            right_x = right_column_x(line, pdf.get_string_width(line.text), 72)
            for part in wrap_text(
                line.right_text, pdf.get_string_width, width - RIGHT_MARGIN_IN * 72 - right_x
            ):
                pdf.text(right_x, y + line.size_pt, part)
                y += step
            continue
        for part in wrap_text(line.text, pdf.get_string_width, width - RIGHT_MARGIN_IN * 72 - line.x_in * 72):
            if line.align == "center":
                x = (width - pdf.get_string_width(part)) / 2
            elif line.align == "right":
                x = width - RIGHT_MARGIN_IN * 72 - pdf.get_string_width(part)
            else:
                x = line.x_in * 72
            if part:
                pdf.text(x, y + line.size_pt, part)
            y += step
