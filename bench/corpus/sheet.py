"""Lay out a form page with real geometry: positioned text, caption boxes, grids and section bands."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .render import Item, Rect, Text, text_width_in, wrap_text

LEFT_IN = 0.6
RIGHT_IN = 7.9
TOP_IN = 0.6  # leaves room for a fax machine's header line above
BOTTOM_IN = 10.45
MIN_PT = 6.0
BandStyle = Literal["shade", "invert", "rule"]


def row_in(size_pt: float, spacing: float = 1.3) -> float:
    """Height in inches of one line of `size_pt` text."""
    return size_pt * spacing / 72.0


def fit(
    text: str, width_in: float, size_pt: float, *, bold: bool = False, floor: float = MIN_PT
) -> tuple[str, float]:
    """(text, size) shrunk towards `floor` pt, then cut, so the text fits `width_in` in every corpus font."""
    while size_pt > floor and text_width_in(text, size_pt, bold=bold) > width_in:
        size_pt -= 0.5
    while len(text) > 1 and text_width_in(text, size_pt, bold=bold) > width_in:
        text = text[:-1]
    return text, size_pt


@dataclass(slots=True)
class Sheet:
    """A page being laid out: positioned items, and a cursor `y` (inches from the top) moving down."""

    y: float = TOP_IN
    items: list[Item] = field(default_factory=list)

    def room(self) -> float:
        return BOTTOM_IN - self.y

    def gap(self, inches: float) -> None:
        self.y += inches

    def text(self, x: float, y: float, text: str, size: float = 10.0, *, bold: bool = False) -> None:
        self.items.append(Text(x, y, text, size, bold))

    def fitted(
        self,
        x: float,
        y: float,
        text: str,
        width: float,
        size: float = 10.0,
        *,
        bold: bool = False,
        floor: float = MIN_PT,
    ) -> None:
        """Text shrunk (down to `floor` pt) or cut so it fits `width` inches."""
        shown, shown_size = fit(text, width, size, bold=bold, floor=floor)
        self.items.append(Text(x, y, shown, shown_size, bold))

    def rect(
        self, x: float, y: float, w: float, h: float, *, line: float = 1.0, fill: int | None = None
    ) -> None:
        self.items.append(Rect(x, y, w, h, line, fill))

    def line(self, text: str, size: float = 10.0, *, x: float = LEFT_IN, bold: bool = False) -> None:
        """One line of text at the cursor (cut to the right margin); the cursor moves below it."""
        self.fitted(x, self.y, text, RIGHT_IN - x, size, bold=bold)
        self.y += row_in(size)

    def centered(self, text: str, size: float = 14.0, *, bold: bool = True) -> None:
        shown, shown_size = fit(text, RIGHT_IN - LEFT_IN, size, bold=bold)
        x = (LEFT_IN + RIGHT_IN - text_width_in(shown, shown_size, bold=bold)) / 2
        self.text(x, self.y, shown, shown_size, bold=bold)
        self.y += row_in(shown_size)

    def para(self, text: str, size: float = 10.0, *, x: float = LEFT_IN, width: float = 0.0) -> None:
        """Prose wrapped to `width` inches (default: to the right margin)."""
        width = width or RIGHT_IN - x
        for part in wrap_text(text, lambda t: text_width_in(t, size), width):
            self.line(part, size, x=x)

    def band(self, title: str, *, style: BandStyle, size: float = 10.5, fill: int = 215) -> None:
        """A full-width section band: shaded (black text), inverted (white text) or a heavy rule."""
        height = row_in(size, 1.55)
        width = RIGHT_IN - LEFT_IN
        if style == "rule":
            self.text(LEFT_IN, self.y, title, size, bold=True)
            self.rect(LEFT_IN, self.y + height - 0.03, width, 0.025, line=0, fill=0)
        else:
            dark = style == "invert"
            self.rect(
                LEFT_IN, self.y, width, height, line=0 if dark else 0.5, fill=min(fill, 50) if dark else fill
            )
            self.items.append(Text(LEFT_IN + 0.08, self.y + height * 0.15, title, size, True, dark))
        self.y += height + 0.06

    def field(
        self,
        x: float,
        width: float,
        caption: str,
        value: str,
        *,
        height: float = 0.42,
        value_pt: float = 10.0,
    ) -> None:
        """A boxed form field at the cursor: a small caption at its top, the value below it.

        A value starting with "#" is printed in digit boxes, one per space-separated part (MM DD YYYY).
        """
        self.rect(x, self.y, width, height, line=0.75)
        self.fitted(x + 0.04, self.y + 0.03, caption, width - 0.08, 6.0, floor=5.0)
        value_y = self.y + height - row_in(value_pt, 1.15) - 0.03
        if not value.startswith("#"):
            self.fitted(x + 0.1, value_y, value, width - 0.16, value_pt)
            return
        x += 0.08
        for part in value[1:].split():
            box = 0.1 + 0.085 * len(part)
            self.rect(x, value_y - 0.02, box, row_in(value_pt, 1.4), line=0.5)
            self.text(x + 0.04, value_y, part, value_pt)
            x += box + 0.03

    def field_row(
        self, cells: Sequence[tuple[str, float, str]], *, height: float = 0.42, value_pt: float = 10.0
    ) -> None:
        """A row of boxed fields (caption, width, value) from the left margin; the cursor moves below it."""
        x = LEFT_IN
        for caption, width, value in cells:
            self.field(x, width, caption, value, height=height, value_pt=value_pt)
            x += width
        self.y += height

    def field_lines(
        self, x: float, width: float, caption: str, lines: Sequence[str], *, height: float
    ) -> None:
        """A boxed field holding several lines (an address block, a signature with its date)."""
        self.rect(x, self.y, width, height, line=0.75)
        self.fitted(x + 0.04, self.y + 0.03, caption, width - 0.08, 6.0, floor=5.0)
        for i, text in enumerate(lines):
            self.fitted(x + 0.08, self.y + 0.2 + i * row_in(9.0, 1.2), text, width - 0.14, 9.0)

    def grid(
        self,
        widths: Sequence[float],
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        x: float = LEFT_IN,
        size: float = 9.0,
        header_fill: int | None = None,
    ) -> None:
        """A ruled table: a header row (bold, maybe shaded), then value rows below it."""
        height = row_in(size, 1.7)
        for r, row in enumerate([header, *rows]):
            cx = x
            for width, value in zip(widths, row, strict=True):
                fill = header_fill if r == 0 else None
                self.rect(cx, self.y, width, height, line=0.75, fill=fill)
                self.fitted(cx + 0.05, self.y + height * 0.2, value, width - 0.1, size, bold=r == 0)
                cx += width
            self.y += height

    def pairs(
        self,
        rows: Sequence[tuple[str, str]],
        *,
        x: float = LEFT_IN,
        label_w: float = 1.4,
        width: float = 3.5,
        size: float = 10.0,
        y: float | None = None,
    ) -> float:
        """Label/value pairs, one per line, starting at `y` (default the cursor); returns the y below."""
        top = self.y if y is None else y
        for label, value in rows:
            self.fitted(x, top, label, label_w - 0.05, size, bold=True)
            self.fitted(x + label_w, top, value, width - label_w, size)
            top += row_in(size)
        return top

    def columns(
        self,
        left: Sequence[tuple[str, str]],
        right: Sequence[tuple[str, str]],
        *,
        label_w: float = 1.3,
        size: float = 10.0,
    ) -> None:
        """Two columns of label/value pairs side by side; the cursor moves below the longer one."""
        half = (RIGHT_IN - LEFT_IN) / 2
        low = self.pairs(left, width=half - 0.1, label_w=label_w, size=size)
        high = self.pairs(right, x=LEFT_IN + half, width=half, label_w=label_w, size=size, y=self.y)
        self.y = max(low, high)
