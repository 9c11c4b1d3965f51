"""Assembles the per-page PDFs into one searchable PDF (pikepdf), keeping page order."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pikepdf
from PIL import Image

from chartfile.records import OcrPage


def searchable_pdf(pages: Sequence[OcrPage], out: Path) -> Path:
    """One PDF with every page, in order; each page keeps its image and invisible text layer."""
    opened: dict[Path, pikepdf.Pdf] = {}
    try:
        with pikepdf.new() as target:
            for page in pages:
                if page.pdf_page is None:
                    raise ValueError(f"page {page.number} has no PDF page")
                target.pages.append(_open(opened, page.pdf_page[0]).pages[page.pdf_page[1]])
                if page.text_overlay is not None:
                    _overlay(target.pages[-1], _open(opened, page.text_overlay).pages[0])
            target.save(out, compress_streams=True, deterministic_id=True)
    finally:
        for pdf in opened.values():
            pdf.close()
    return out


def _open(opened: dict[Path, pikepdf.Pdf], path: Path) -> pikepdf.Pdf:
    if path not in opened:
        opened[path] = pikepdf.open(path)
    return opened[path]


def _overlay(page: pikepdf.Page, text_page: pikepdf.Page) -> None:
    """Lay Tesseract's invisible text over the original page, scaled to the page's visible box."""
    page.add_overlay(text_page, pikepdf.Rectangle(page.cropbox))


def scale_page_width(pdf_path: Path, x_scale: float) -> None:
    """Squeeze a one-page PDF horizontally (image and text layer together) by `x_scale`."""
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)
        page.contents_add(pdf.make_stream(f"q {x_scale:.6f} 0 0 1 0 0 cm\n".encode()), prepend=True)
        page.contents_add(pdf.make_stream(b"\nQ"), prepend=False)
        page.mediabox = pikepdf.Array([x0, y0, x0 + (x1 - x0) * x_scale, y1])
        pdf.save(pdf_path)


def image_page(image: Path, dpi: int | None) -> Path:
    """A one-page PDF of an image with no text (for pages the OCR could not read)."""
    out = image.with_name(image.stem + "-image.pdf")
    with Image.open(image) as img:
        resolution = float(dpi or img.info.get("dpi", (300, 300))[0])
        img.save(out, "PDF", resolution=resolution)
    return out
