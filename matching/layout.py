"""A page's layout from geometry: rows, cells and which cell sits under which. (Pure.)

Tesseract's reading order splits a two-column "label   value" table into a column of labels followed by
a column of values, and a boxed form into captions and values read in any order. Its own lines are kept
whole (they follow any skew); lines whose vertical centres fall within half a line height of each other
are joined into one row, left to right; a horizontal gap wider than 1.5 word heights starts a new cell.
A page with no word boxes (a text layer, a test) is laid out from its text: one row a line, cells split
at runs of two or more spaces, positions in characters.

Forms print values beside their labels ("Name: Jane Roe", "Name    Jane Roe"), under a caption
("PATIENT'S NAME" over the box it names) and under a header row (a table whose first row names its
columns). `below` finds, for a cell, the cell in the next rows that shares its columns.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from statistics import median

from chartfile.matching.dates import boxed_shape
from chartfile.records import Cell, OcrPage, Word

_COLUMN_GAP_HEIGHTS = 1.5  # a horizontal gap wider than this many word heights is a column break
_TEXT_CELL_GAP = re.compile(r"\S+(?: \S+)*")  # a text-page cell: words separated by single spaces
_TEXT_ROW_HEIGHT = 10  # text pages: a row is 10 units high, a character 1 unit wide
_MIN_OVERLAP = 0.3  # "under": the lower cell overlaps at least this share of the narrower of the two
_CAPTION = re.compile(r"[A-Za-z]{2}|(?:[A-Za-z]\.){2}")  # a caption has words (or "D.O.B.", "M.I.") ...
_FILLED = re.compile(r":\s*\S")  # ... and no value of its own after a colon ("Name: Jane Roe" is a field)
_MAX_ROWS_DOWN = 3  # a caption's value is at most this many rows below it (a blank row in a box)


def page_cells(page: OcrPage) -> tuple[Cell, ...]:
    """Every cell of the page, top to bottom, left to right."""
    if page.words:
        return tuple(_word_cells(page))
    return tuple(_text_cells(page))


def rows_text(cells: Sequence[Cell]) -> str:
    """The page as rows top to bottom; cells on one row are separated by four spaces."""
    rows: dict[int, list[Cell]] = defaultdict(list)
    for cell in cells:
        rows[cell.row].append(cell)
    return "\n".join("    ".join(c.text for c in rows[r]) for r in sorted(rows))


def below(cell: Cell, cells: Sequence[Cell]) -> Cell | None:
    """The first cell under `cell` (within a few rows) that shares its columns; None if there is none."""
    return _below(cell, lambda row: [c for c in cells if c.page == cell.page and c.row == row])


def split_below(cell: Cell, cells: Sequence[Cell]) -> list[Cell]:
    """The cells of the value under `cell` when OCR split it in parts ("FEEST," | "BRANDON A" under
    "6. Patient's Name and Address"): every cell of the row `below` is on that lies within its columns."""
    first = below(cell, cells)
    if first is None:
        return []
    return [
        c
        for c in cells
        if c.page == cell.page and c.row == first.row and cell.left <= c.left and c.right <= cell.right
    ] or [first]


def _below(cell: Cell, row_cells: Callable[[int], Sequence[Cell]]) -> Cell | None:
    for gap in range(1, _MAX_ROWS_DOWN + 1):
        row = row_cells(cell.row + gap)
        under = [c for c in row if _overlaps(cell, c)]
        if under:
            return max(under, key=lambda c: _overlap(cell, c))
        if row:
            return None  # the next row has text, none of it in these columns: no value below
    return None


def caption_lines(cells: Sequence[Cell]) -> list[str]:
    """ "caption: value" for every cell with a value under it (a boxed field's caption, a table's header
    cell): the form's fields as the labelled extractor reads a "label: value" line."""
    rows: dict[tuple[int, int], list[Cell]] = defaultdict(list)
    for cell in cells:
        rows[(cell.page, cell.row)].append(cell)
    lines = []
    for cell in cells:
        if not is_caption(cell.text):
            continue
        value = _below(cell, functools.partial(_row_of, rows, cell.page))
        if value is not None:
            joined = _boxes_joined(cell, value, rows[(value.page, value.row)])
            lines.append(f"{cell.text.rstrip(' :')}: {joined}")
    return lines


def _boxes_joined(caption: Cell, value: Cell, row: Sequence[Cell]) -> str:
    """A value's text, or the date in digit boxes it is part of: the space between a form's boxes can
    split a date into cells as it splits columns. Tried in turn: the value and the cell after it ("[03
    |[05" | "[1958]"); the cells with digits under the caption ("09" | "|/09 || 1958"); both."""
    if not any(ch.isdigit() for ch in value.text) or boxed_shape(value.text):
        return value.text
    ordered = sorted(row, key=lambda c: c.left)
    after = [c for c in ordered if c.left >= value.right][:1]
    after = [c for c in after if not boxed_shape(c.text)]
    under = [c for c in ordered if _overlap(caption, c) > 0 and any(ch.isdigit() for ch in c.text)]
    for parts in ([value, *after], under, [*under, *(c for c in after if c not in under)]):
        joined = " | ".join(c.text for c in parts)
        if len(parts) > 1 and boxed_shape(joined):
            return joined
    return value.text


def _row_of(rows: dict[tuple[int, int], list[Cell]], page: int, row: int) -> Sequence[Cell]:
    return rows.get((page, row), ())


def is_caption(text: str) -> bool:
    """Words with no value of their own: a field's caption, a table's header cell, a section band."""
    return bool(_CAPTION.search(text)) and not _FILLED.search(text)


def _overlap(a: Cell, b: Cell) -> float:
    return max(0.0, min(a.right, b.right) - max(a.left, b.left))


def _overlaps(a: Cell, b: Cell) -> bool:
    narrower = min(a.right - a.left, b.right - b.left) or 1
    return _overlap(a, b) / narrower >= _MIN_OVERLAP


def _word_cells(page: OcrPage) -> Iterator[Cell]:
    height = median(w.height for w in page.words) or 1
    for row_number, row in enumerate(_rows(_lines(page.words), height)):
        for line in row:
            for words in _split_at_gaps(line, height):
                yield _cell(page, row_number, words)


def _lines(words: Sequence[Word]) -> list[tuple[Word, ...]]:
    grouped: dict[tuple[int, int, int], list[Word]] = defaultdict(list)
    for word in words:
        if word.text.strip():
            grouped[word.line_key].append(word)
    return [tuple(sorted(ws, key=lambda w: w.left)) for ws in grouped.values()]


def _centre(line: Sequence[Word]) -> float:
    return median(w.top + w.height / 2 for w in line)


def _rows(lines: list[tuple[Word, ...]], height: float) -> list[list[tuple[Word, ...]]]:
    rows: list[list[tuple[Word, ...]]] = []
    centre = -1e9
    for line in sorted(lines, key=_centre):
        if rows and abs(_centre(line) - centre) <= height * 0.5:
            rows[-1].append(line)
            continue
        rows.append([line])
        centre = _centre(line)
    return [sorted(row, key=lambda ln: ln[0].left) for row in rows]


def _split_at_gaps(line: Sequence[Word], height: float) -> Iterator[Sequence[Word]]:
    start = 0
    for i in range(1, len(line)):
        gap = line[i].left - (line[i - 1].left + line[i - 1].width)
        if gap > _COLUMN_GAP_HEIGHTS * height:
            yield line[start:i]
            start = i
    yield line[start:]


def _cell(page: OcrPage, row: int, words: Sequence[Word]) -> Cell:
    return Cell(
        page=page.number,
        row=row,
        left=min(w.left for w in words),
        right=max(w.left + w.width for w in words),
        top=min(w.top for w in words),
        bottom=max(w.top + w.height for w in words),
        text=" ".join(w.text for w in words),
        confidence=min(w.confidence for w in words),
        ocr=page.source == "ocr",
        word_confidences=tuple(w.confidence for w in words),
    )


def _text_cells(page: OcrPage) -> Iterator[Cell]:
    row = 0
    for line in page.text.split("\n"):
        if not line.strip():
            continue
        for match in _TEXT_CELL_GAP.finditer(line.replace("\t", "    ")):
            top = row * _TEXT_ROW_HEIGHT
            yield Cell(
                page=page.number,
                row=row,
                left=match.start(),
                right=match.end(),
                top=top,
                bottom=top + _TEXT_ROW_HEIGHT - 2,
                text=match.group(),
                confidence=100.0,
                ocr=page.source == "ocr",
            )
        row += 1
