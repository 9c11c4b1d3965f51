"""Render pages onto white US-letter grayscale images with real TrueType fonts.

A page is flowing `Line`s (top to bottom) plus positioned `Item`s: `Text` at a point and `Rect` boxes,
ruled or filled (form boxes, table grids, shaded or inverted section bands).
"""

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
MEASURED_FONTS = ("dejavu-sans", "dejavu-serif", "liberation-sans", "liberation-serif", "liberation-mono")


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
class Text:
    """Text whose line box has its top-left corner at (`x_in`, `y_in`) inches; white on a dark band."""

    x_in: float
    y_in: float
    text: str
    size_pt: float = 10.0
    bold: bool = False
    white: bool = False


@dataclass(frozen=True, slots=True)
class Rect:
    """A box: outlined with `line_pt` (0: no outline) and filled with gray level `fill` (None: empty)."""

    x_in: float
    y_in: float
    w_in: float
    h_in: float
    line_pt: float = 1.0
    fill: int | None = None


Item = Text | Rect


@dataclass(frozen=True, slots=True)
class PageText:
    """One page: flowing lines from `top_in` inches down, and positioned items drawn over them."""

    lines: Sequence[Line]
    top_in: float = 0.5
    items: Sequence[Item] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.lines))
        object.__setattr__(self, "items", tuple(self.items))

    def plain_text(self) -> str:
        """The page's text: flowing lines, then positioned text row by row (left to right)."""
        parts = [f"{ln.text} {ln.right_text}" if ln.right_text else ln.text for ln in self.lines]
        return "\n".join(parts + _item_rows(self.items))


def _item_rows(items: Sequence[Item]) -> list[str]:
    texts = sorted((round(t.y_in, 2), t.x_in, t.text) for t in items if isinstance(t, Text))
    rows: list[list[tuple[float, float, str]]] = []
    for entry in texts:
        if rows and entry[0] - rows[-1][0][0] < 0.04:
            rows[-1].append(entry)
        else:
            rows.append([entry])
    return ["  ".join(text for _, _, text in sorted(row, key=lambda e: e[1])) for row in rows]


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


def _draw_items(draw: ImageDraw.ImageDraw, items: Sequence[Item], dpi: int, family: str) -> None:
    """Filled boxes first, then outlines, then text on top."""
    rects = [r for r in items if isinstance(r, Rect)]
    for r in rects:
        if r.fill is not None:
            box = (r.x_in * dpi, r.y_in * dpi, (r.x_in + r.w_in) * dpi, (r.y_in + r.h_in) * dpi)
            draw.rectangle(box, fill=r.fill)
    for r in rects:
        if r.line_pt > 0:
            box = (r.x_in * dpi, r.y_in * dpi, (r.x_in + r.w_in) * dpi, (r.y_in + r.h_in) * dpi)
            draw.rectangle(box, outline=0, width=max(1, round(r.line_pt * dpi / 72.0)))
    for t in items:
        if isinstance(t, Text) and t.text:
            font = _font(family, t.bold, max(6, round(t.size_pt * dpi / 72.0)))
            draw.text((t.x_in * dpi, t.y_in * dpi), t.text, font=font, fill=255 if t.white else 0)


@functools.lru_cache(maxsize=4096)
def text_width_in(text: str, size_pt: float, *, bold: bool = False) -> float:
    """The widest `text` prints, in inches, in any of the corpus fonts (so layouts fit every font)."""
    return max(_font(family, bold, 200).getlength(text) for family in MEASURED_FONTS) / 200 * size_pt / 72


def render_page(page: PageText, *, dpi: int = 300, font: str = DEFAULT_FONT) -> Image.Image:
    """Render one page to a white 'L' image of US-letter size at `dpi`."""
    size = (round(PAGE_WIDTH_IN * dpi), round(PAGE_HEIGHT_IN * dpi))
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    _draw_items(draw, page.items, dpi, font)
    y = page.top_in * dpi
    for line in page.lines:
        y = _draw_line(draw, line, y, dpi, font)
    img.info["dpi"] = (dpi, dpi)
    return img


def render_pages(pages: Sequence[PageText], *, dpi: int = 300, font: str = DEFAULT_FONT) -> list[Image.Image]:
    """Render each PageText to a grayscale US-letter page image."""
    return [render_page(page, dpi=dpi, font=font) for page in pages]
