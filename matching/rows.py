"""Page text rebuilt row by row from Tesseract's lines, so a label and its value in another column meet.

Tesseract's reading order splits a two-column "label   value" table into a column of labels followed by
a column of values. Its own lines are kept whole (they follow any skew); lines whose vertical centres
fall within half a line height of each other are joined into one row, left to right. (Pure.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from chartfile.records import Word

_COLUMN_GAP_HEIGHTS = 1.5  # a horizontal gap wider than this many word heights is a column break


@dataclass(frozen=True, slots=True)
class _Line:
    words: tuple[Word, ...]

    @property
    def left(self) -> int:
        return self.words[0].left

    @property
    def centre(self) -> float:
        return median(w.top + w.height / 2 for w in self.words)

    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def rows_text(words: Sequence[Word]) -> str:
    """The page's lines as rows top to bottom; columns on one row are separated by four spaces."""
    if not words:
        return ""
    height = median(word.height for word in words) or 1
    return "\n".join("    ".join(line.text() for line in row) for row in _rows(_lines(words), height))


def _lines(words: Sequence[Word]) -> list[_Line]:
    grouped: dict[tuple[int, int, int], list[Word]] = defaultdict(list)
    for word in words:
        grouped[word.line_key].append(word)
    return [_Line(tuple(sorted(ws, key=lambda w: w.left))) for ws in grouped.values()]


def _rows(lines: list[_Line], height: float) -> list[list[_Line]]:
    rows: list[list[_Line]] = []
    centre = -1e9
    for line in sorted(lines, key=lambda ln: ln.centre):
        if rows and abs(line.centre - centre) <= height * 0.5:
            rows[-1].append(line)
            continue
        rows.append([line])
        centre = line.centre
    return [sorted(row, key=lambda ln: ln.left) for row in rows]
