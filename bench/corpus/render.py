"""Render lines of text onto white US-letter grayscale pages with real TrueType fonts."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from .fonts import DEFAULT_FONT, font_path

PAGE_WIDTH_IN = 8.5
PAGE_HEIGHT_IN = 11.0
RIGHT_MARGIN_IN = 0.6
BOTTOM_MARGIN_IN = 0.5
LINE_SPACING = 1.3
COLUMN_GAP_IN = 0.12

Align = Literal["left", "center", "right"]


@dataclass(frozen=True, slots=True)
class Line:
    """One printed line: text at a left margin, optionally a second column (`label: value` tables)."""

    text: str = ""
    size_pt: float = 11.0
    bold: bool = False
    x_in: float = 1.0
    right_text: str | None = None
    right_x_in: float = 3.0
    align: Align = "left"

    def height_pt(self) -> float:
        return self.size_pt * LINE_SPACING


@dataclass(frozen=True, slots=True)
class PageText:
    """The text content of one page: lines top to bottom, starting `top_in` inches from the top."""

    lines: Sequence[Line]
    top_in: float = 0.5

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.lines))

    def plain_text(self) -> str:
        parts = [f"{ln.text} {ln.right_text}" if ln.right_text else ln.text for ln in self.lines]
        return "\n".join(parts)


def page_capacity_pt(top_in: float = 0.5) -> float:
    """Vertical room on a page, in points, below `top_in` and above the bottom margin."""
    return (PAGE_HEIGHT_IN - top_in - BOTTOM_MARGIN_IN) * 72.0


def right_column_x(line: Line, label_width: float, units_per_inch: float) -> float:
    """Where the value column starts: its tab stop, or just past a label too wide to fit before it."""
    return max(line.right_x_in * units_per_inch, (line.x_in + COLUMN_GAP_IN) * units_per_inch + label_width)


@functools.lru_cache(maxsize=256)
def _font(family: str, bold: bool, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(family, bold=bold)), px)


def wrap_text(text: str, measure: Callable[[str], float], max_width: float) -> list[str]:
    """Greedy word wrap of `text` so each piece measures at most `max_width` (when words allow)."""
    if not text or measure(text) <= max_width:
        return [text]
    out: list[str] = []
    current = ""
    for word in text.split(" "):
        trial = f"{current} {word}" if current else word
        if current and measure(trial) > max_width:
            out.append(current)
            current = word
        else:
            current = trial
    out.append(current)
    return out


def _x_for(line: Line, text: str, font: ImageFont.FreeTypeFont, dpi: int) -> float:
    width = PAGE_WIDTH_IN * dpi
    if line.align == "center":
        return (width - font.getlength(text)) / 2
    if line.align == "right":
        return width - RIGHT_MARGIN_IN * dpi - font.getlength(text)
    return line.x_in * dpi


def _draw_line(draw: ImageDraw.ImageDraw, line: Line, y: float, dpi: int, family: str) -> float:
    """Draw one Line at baseline-top `y` (pixels); return the y of the next line."""
    px = max(6, round(line.size_pt * dpi / 72.0))
    font = _font(family, line.bold, px)
    step = line.height_pt() * dpi / 72.0
    if line.right_text is not None:
        draw.text((line.x_in * dpi, y), line.text, font=font, fill=0)
        right_x = right_column_x(line, font.getlength(line.text), dpi)
        max_px = (PAGE_WIDTH_IN - RIGHT_MARGIN_IN) * dpi - right_x
        for i, part in enumerate(wrap_text(line.right_text, font.getlength, max_px)):
            draw.text((right_x, y + i * step), part, font=font, fill=0)
            if i:
                y += step
        return y + step
    max_px = (PAGE_WIDTH_IN - RIGHT_MARGIN_IN) * dpi - line.x_in * dpi
    for part in wrap_text(line.text, font.getlength, max_px):
        draw.text((_x_for(line, part, font, dpi), y), part, font=font, fill=0)
        y += step
    return y


def render_page(page: PageText, *, dpi: int = 300, font: str = DEFAULT_FONT) -> Image.Image:
    """Render one page to a white 'L' image of US-letter size at `dpi`."""
    size = (round(PAGE_WIDTH_IN * dpi), round(PAGE_HEIGHT_IN * dpi))
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    y = page.top_in * dpi
    for line in page.lines:
        y = _draw_line(draw, line, y, dpi, font)
    img.info["dpi"] = (dpi, dpi)
    return img


def render_pages(pages: Sequence[PageText], *, dpi: int = 300, font: str = DEFAULT_FONT) -> list[Image.Image]:
    """Render each PageText to a grayscale US-letter page image."""
    return [render_page(page, dpi=dpi, font=font) for page in pages]
