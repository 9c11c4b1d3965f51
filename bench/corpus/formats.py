"""Output formats of the corpus (scans, faxes, text PDFs) and writing one document in a format."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .degrade import FAX_DPI, FaxMode, blur_and_noise_scan, rotate_cardinal, skew, speckle, threshold, to_fax
from .documents import DocumentSpec, build_pages
from .fonts import DEFAULT_FONT
from .render import PageText, render_pages
from .writers import TiffCompression, write_image_pdf, write_jpeg, write_png, write_text_pdf, write_tiff

SCAN_DPI = 300


@dataclass(frozen=True, slots=True)
class Format:
    """One output format: file extension, maximum pages, whether it is a fax, and its share of a corpus."""

    name: str
    ext: str
    max_pages: int
    fax: bool
    weight: float


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("scan_png", "png", 1, False, 0.07),
        Format("scan_jpeg", "jpg", 1, False, 0.08),
        Format("scan_pdf", "pdf", 4, False, 0.2),
        Format("fax_fine_tiff", "tif", 4, True, 0.2),
        Format("fax_standard_tiff", "tif", 4, True, 0.15),
        Format("fax_pdf", "pdf", 4, True, 0.12),
        Format("text_pdf", "pdf", 4, False, 0.18),
    )
}
FORMAT_NAMES: tuple[str, ...] = tuple(FORMATS)


def _geometry(pages: list[Image.Image], rng: random.Random, tags: list[str]) -> list[Image.Image]:
    """Skew some documents by up to +-3 degrees; turn a page upside down now and then."""
    if rng.random() < 0.3:
        angle = rng.uniform(-3.0, 3.0)
        pages = [skew(p, angle + rng.uniform(-0.3, 0.3)) for p in pages]
        tags.append("skew")
    if rng.random() < 0.05:
        victim = rng.randrange(len(pages))
        pages[victim] = rotate_cardinal(pages[victim], 180)
        tags.append("rotated_180")
    return pages


def _scan(pages: list[Image.Image], fmt: Format, rng: random.Random, tags: list[str]) -> list[Image.Image]:
    noisy = fmt.name != "scan_png" or rng.random() < 0.3
    pages = [blur_and_noise_scan(p, rng, strength=10 if noisy else 0) for p in pages]
    tags.append("scan_noise" if noisy else "scan_tone")
    pages = _geometry(pages, rng, tags)
    if fmt.name == "scan_pdf" and rng.random() < 0.4:
        tags.append("bilevel_scan")
        pages = [threshold(p, 140) for p in pages]
    return pages


def _fax_mode(fmt: Format, rng: random.Random) -> FaxMode:
    if fmt.name == "fax_standard_tiff" or (fmt.name == "fax_pdf" and rng.random() < 0.3):
        return "standard"
    return "fine"


def _fax(pages: list[Image.Image], mode: FaxMode, rng: random.Random, tags: list[str]) -> list[Image.Image]:
    tags.append(f"fax_{mode}")
    pages = _geometry(pages, rng, tags)
    faxed = [to_fax(p, mode=mode, level=rng.randint(150, 175)) for p in pages]
    if rng.random() < 0.4:
        density = rng.uniform(0.00005, 0.0003)
        faxed = [speckle(p, density, rng) for p in faxed]
        tags.append("speckle")
    return faxed


def write_document(
    spec: DocumentSpec, fmt: Format, path: Path, rng: random.Random, font: str = DEFAULT_FONT
) -> list[str]:
    """Lay out, render, degrade and write `spec` as `fmt` at `path`; return the degradation tags."""
    return write_pages(build_pages(spec, rng), fmt, path, rng, font)


def write_pages(
    texts: list[PageText], fmt: Format, path: Path, rng: random.Random, font: str = DEFAULT_FONT
) -> list[str]:
    """Render, degrade and write laid-out pages as `fmt` at `path`; return the degradation tags."""
    tags: list[str] = []
    if fmt.name == "text_pdf":
        write_text_pdf(texts, path, font=font if font.startswith("dejavu") else DEFAULT_FONT)
        return tags
    clean = render_pages(texts, dpi=SCAN_DPI, font=font)
    if not fmt.fax:
        pages = _scan(clean, fmt, rng, tags)
        writer = {"png": write_png, "jpg": write_jpeg}.get(fmt.ext)
        if writer is not None:
            writer(pages[0], path, SCAN_DPI)
        else:
            write_image_pdf(pages, path, SCAN_DPI)
        return tags
    mode = _fax_mode(fmt, rng)
    faxed = _fax(clean, mode, rng, tags)
    dpi = FAX_DPI[mode]
    if fmt.ext == "pdf":
        write_image_pdf(faxed, path, dpi)
    else:
        compression: TiffCompression = "group4" if mode == "fine" or rng.random() < 0.5 else "group3"
        tags.append(compression)
        write_tiff(faxed, path, compression=compression, dpi=dpi)
    return tags
