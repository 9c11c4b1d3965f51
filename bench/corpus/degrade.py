"""Deterministic image degradations: fax resampling, skew, rotation, speckle and scanner noise."""

from __future__ import annotations

import random
from typing import Literal

from PIL import Image, ImageChops, ImageDraw, ImageFilter

FaxMode = Literal["fine", "standard"]
FAX_WIDTH_PX = 1728
FAX_DPI: dict[str, tuple[int, int]] = {"fine": (204, 196), "standard": (204, 98)}


def _source_dpi(img: Image.Image, default: float = 300.0) -> tuple[float, float]:
    dpi = img.info.get("dpi")
    if isinstance(dpi, tuple) and len(dpi) == 2 and dpi[0] and dpi[1]:
        return float(dpi[0]), float(dpi[1])
    return default, default


def _white(img: Image.Image) -> int:
    return 1 if img.mode == "1" else 255


def threshold(img: Image.Image, level: int = 160) -> Image.Image:
    """Binarise a page: pixels darker than `level` become black (mode '1', no dithering)."""
    gray = img.convert("L") if img.mode != "L" else img
    lut = [0 if v < level else 255 for v in range(256)]
    out = gray.point(lut).convert("1", dither=Image.Dither.NONE)
    out.info["dpi"] = _source_dpi(img)
    return out


def to_fax(img: Image.Image, *, mode: FaxMode, level: int = 160) -> Image.Image:
    """Resample a page to fax resolution (204x196 fine or 204x98 standard, 1728 px wide) and binarise."""
    xdpi, ydpi = FAX_DPI[mode]
    src_x, src_y = _source_dpi(img)
    gray = img.convert("L") if img.mode != "L" else img
    width_in = img.width / src_x
    height_px = round(img.height / src_y * ydpi)
    scaled_width = round(width_in * xdpi)
    resized = gray.resize((scaled_width, height_px), Image.Resampling.BOX)
    canvas = Image.new("L", (FAX_WIDTH_PX, height_px), 255)
    canvas.paste(resized, ((FAX_WIDTH_PX - scaled_width) // 2, 0))
    out = threshold(canvas, level)
    out.info["dpi"] = (xdpi, ydpi)
    return out


def skew(img: Image.Image, degrees: float) -> Image.Image:
    """Rotate by a small angle (counter-clockwise positive), keeping the page size, white fill."""
    resample = Image.Resampling.NEAREST if img.mode == "1" else Image.Resampling.BICUBIC
    out = img.rotate(degrees, resample=resample, expand=False, fillcolor=_white(img))
    out.info["dpi"] = _source_dpi(img)
    return out


def rotate_cardinal(img: Image.Image, degrees: Literal[90, 180, 270]) -> Image.Image:
    """Rotate a page by a right angle counter-clockwise (a page fed sideways or upside down)."""
    ops = {
        90: Image.Transpose.ROTATE_90,
        180: Image.Transpose.ROTATE_180,
        270: Image.Transpose.ROTATE_270,
    }
    out = img.transpose(ops[degrees])
    xdpi, ydpi = _source_dpi(img)
    out.info["dpi"] = (xdpi, ydpi) if degrees == 180 else (ydpi, xdpi)
    return out


def speckle(img: Image.Image, density: float, rng: random.Random) -> Image.Image:
    """Add salt-and-pepper dots: about `density` * area dots, 1-3 px, mostly black."""
    out = img.copy()
    draw = ImageDraw.Draw(out)
    black, white = 0, _white(img)
    count = int(img.width * img.height * density)
    for _ in range(count):
        x = rng.randrange(img.width)
        y = rng.randrange(img.height)
        size = rng.choice((1, 1, 1, 2, 2, 3))
        color = black if rng.random() < 0.85 else white
        draw.rectangle((x, y, x + size - 1, y + size - 1), fill=color)
    out.info["dpi"] = _source_dpi(img)
    return out


def blur_and_noise_scan(img: Image.Image, rng: random.Random, *, strength: int = 10) -> Image.Image:
    """Mild scanner look: slight blur, off-white paper, gray sensor noise of +-strength/2 levels."""
    gray = img.convert("L") if img.mode != "L" else img
    radius = rng.uniform(0.4, 0.8)
    blurred = gray.filter(ImageFilter.GaussianBlur(radius))
    paper = rng.randint(236, 250)
    ink = rng.randint(10, 40)
    lut = [round(ink + (paper - ink) * v / 255) for v in range(256)]
    toned = blurred.point(lut)
    if strength <= 0:
        toned.info["dpi"] = _source_dpi(img)
        return toned
    raw = Image.frombytes("L", gray.size, rng.randbytes(gray.width * gray.height))
    noise = raw.point([v * strength // 256 for v in range(256)])
    out = ImageChops.add(toned, noise, scale=1.0, offset=-(strength // 2))
    out.info["dpi"] = _source_dpi(img)
    return out
