"""Assembles the per-page PDFs into one searchable PDF (pikepdf), keeping page order."""

from __future__ import annotations

import zlib
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
                    text_pdf, index = page.text_overlay
                    _overlay(target.pages[-1], _open(opened, text_pdf).pages[index])
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


def scale_page_widths(pdf_path: Path, x_scales: dict[int, float]) -> None:
    """Squeeze pages of a PDF horizontally (image and text layer together), by page index."""
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        for index, x_scale in x_scales.items():
            page = pdf.pages[index]
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


def lossless_page(image: Image.Image, dpi: tuple[float, float], out: Path) -> Path:
    """A one-page PDF showing a grey or colour image losslessly (Flate), sized by its resolution.

    Tesseract's own renderer would store such a page as JPEG; this page keeps the scan as it came, and
    Tesseract's text-only PDF is laid over it like over an original PDF page.
    """
    colour = image.mode == "RGB"
    pixels = (image if image.mode in ("L", "RGB") else image.convert("L")).tobytes()
    width_pt, height_pt = image.width * 72 / dpi[0], image.height * 72 / dpi[1]
    with pikepdf.new() as pdf:
        picture = pikepdf.Stream(pdf, zlib.compress(pixels, 1))
        picture.stream_dict = pikepdf.Dictionary(
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image,
            Width=image.width,
            Height=image.height,
            ColorSpace=pikepdf.Name.DeviceRGB if colour else pikepdf.Name.DeviceGray,
            BitsPerComponent=8,
            Filter=pikepdf.Name.FlateDecode,
        )
        page = pdf.add_blank_page(page_size=(width_pt, height_pt))
        page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=picture))
        page.obj.Contents = pdf.make_stream(f"q {width_pt:.4f} 0 0 {height_pt:.4f} 0 0 cm /Im0 Do Q".encode())
        pdf.save(out)
    return out
