"""Page text rebuilt row by row from word boxes, so a label and its value in another column meet. (Pure.)

Tesseract's reading order splits a two-column "label   value" table into a column of labels followed by
a column of values; rows by vertical position put them back side by side.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from statistics import median

from chartfile.records import Word

_COLUMN_GAP_HEIGHTS = 1.5  # a horizontal gap wider than this many word heights is a column break


def rows_text(words: Sequence[Word]) -> str:
    """The words as lines top to bottom; columns on one line are separated by at least two spaces."""
    if not words:
        return ""
    height = median(word.height for word in words) or 1
    lines = [_join(row, height) for row in _rows(sorted(words, key=lambda w: (w.top, w.left)), height)]
    return "\n".join(lines)


def _rows(words: list[Word], height: float) -> list[list[Word]]:
    rows: list[list[Word]] = []
    centre = -1e9
    for word in words:
        middle = word.top + word.height / 2
        if rows and abs(middle - centre) <= height * 0.5:
            rows[-1].append(word)
            continue
        rows.append([word])
        centre = middle
    return [sorted(row, key=lambda w: w.left) for row in rows]


def _join(row: list[Word], height: float) -> str:
    parts = [row[0].text]
    for previous, word in itertools.pairwise(row):
        gap = word.left - (previous.left + previous.width)
        parts.append("    " if gap > height * _COLUMN_GAP_HEIGHTS else " ")
        parts.append(word.text)
    return "".join(parts)
