"""The one wrapper around poppler (pdfinfo, pdftotext, pdftoppm via pdf2image)."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pdf2image import convert_from_path, pdfinfo_from_path
from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError, PDFSyntaxError

from chartfile.errors import DependencyMissingError, UnreadableFileError
from chartfile.records import Word

_TIMEOUT_SECONDS = 120


def page_count(pdf: Path) -> int:
    """Number of pages; a damaged or encrypted PDF raises UnreadableFileError."""
    try:
        info = pdfinfo_from_path(str(pdf), timeout=_TIMEOUT_SECONDS)
    except PDFInfoNotInstalledError as e:
        raise DependencyMissingError("poppler is not installed", hint="apt-get install poppler-utils") from e
    except (PDFPageCountError, PDFSyntaxError, subprocess.TimeoutExpired, ValueError) as e:
        raise UnreadableFileError(
            f"not a readable PDF ({type(e).__name__})",
            hint="re-scan or re-send the document; an encrypted PDF must be saved without a password",
        ) from e
    if info.get("Encrypted", "no").startswith("yes"):
        raise UnreadableFileError("the PDF is encrypted", hint="save it again without a password")
    pages = int(info.get("Pages", 0))
    if pages < 1:
        raise UnreadableFileError("the PDF has no pages", hint="check the sending fax or scanner")
    return pages


@dataclass(frozen=True, slots=True)
class PageBox:
    """A page as poppler renders it: its size in points (crop box) and its /Rotate in degrees."""

    width_pt: float
    height_pt: float
    rotation: int


_SIZE = re.compile(r"^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts")
_ROTATION = re.compile(r"^Page\s+(\d+) rot:\s+([\d.-]+)")


def page_boxes(pdf: Path, pages: int, *, first: int = 1) -> list[PageBox]:
    """Each page's size and rotation, read without rendering anything (pdfinfo)."""
    try:
        done = subprocess.run(
            ["pdfinfo", "-f", str(first), "-l", str(first + pages - 1), str(pdf)],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as e:
        raise UnreadableFileError(
            "pdfinfo could not read the PDF's pages", hint="re-scan the document"
        ) from e
    sizes: dict[int, tuple[float, float]] = {}
    turns: dict[int, int] = {}
    for line in done.stdout.splitlines():
        if size := _SIZE.match(line):
            sizes[int(size[1])] = (float(size[2]), float(size[3]))
        elif turn := _ROTATION.match(line):
            turns[int(turn[1])] = int(float(turn[2])) % 360
    return [
        PageBox(*sizes.get(number, (0.0, 0.0)), turns.get(number, 0))
        for number in range(first, first + pages)
    ]


def rotations(pdf: Path, pages: int) -> list[int]:
    """Each page's /Rotate in degrees (0, 90, 180, 270)."""
    return [box.rotation for box in page_boxes(pdf, pages)]


def _pdftotext(pdf: Path, mode: str, *options: str) -> str:
    try:
        done = subprocess.run(
            ["pdftotext", mode, *options, "-enc", "UTF-8", str(pdf), "-"],
            capture_output=True,
            timeout=_TIMEOUT_SECONDS,
            check=True,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        raise UnreadableFileError("pdftotext could not read the PDF", hint="re-scan the document") from e
    return done.stdout.decode("utf-8", errors="replace")


def text_layers(pdf: Path) -> list[str]:
    """The text layer of every page (empty strings for image-only pages)."""
    pages = _pdftotext(pdf, "-layout").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


_WORD_OR_BREAK = re.compile(
    r'<(page|block|line)\b|<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)
_POINTS_TO_PIXELS = 300 / 72  # word boxes in the units of a 300-dpi page, like Tesseract's


def text_words(pdf: Path, *, page: int | None = None) -> list[tuple[Word, ...]]:
    """Every page's text-layer words with their boxes (a line of the layer is a Tesseract-like line)."""
    pages: list[list[Word]] = []
    block = line = 0
    for match in _WORD_OR_BREAK.finditer(_pdftotext(pdf, "-bbox-layout", *_only(page))):
        tag = match.group(1)
        if tag == "page":
            pages.append([])
        elif tag in ("block", "line"):
            block, line = (block + 1, line) if tag == "block" else (block, line + 1)
        elif pages:
            pages[-1].append(_word(match, block, line))
    return [tuple(words) for words in pages]


def _only(page: int | None) -> list[str]:
    return [] if page is None else ["-f", str(page), "-l", str(page)]


def _word(match: re.Match[str], block: int, line: int) -> Word:
    left, top, right, bottom = (float(match.group(i)) * _POINTS_TO_PIXELS for i in range(2, 6))
    return Word(
        text=html.unescape(match.group(6)),
        left=round(left),
        top=round(top),
        width=max(1, round(right - left)),
        height=max(1, round(bottom - top)),
        confidence=100.0,
        line_key=(0, block, line),
    )


def render_page(pdf: Path, number: int, out_dir: Path, *, dpi: int, max_pixels: int | None = None) -> Path:
    """Rasterise one page to a grey, uncompressed TIFF (what Tesseract reads fastest).

    `max_pixels`: first read the page's size and refuse (UnreadableFileError) a page that would be larger
    (the OCR stage checks every page's box itself, before it gets here)."""
    if max_pixels is not None:
        (box,) = page_boxes(pdf, 1, first=number)
        pixels = (box.width_pt * dpi / 72) * (box.height_pt * dpi / 72)
        if pixels > max_pixels or pixels <= 0:
            raise UnreadableFileError(
                f"page {number} would be {pixels / 1e6:.0f} megapixels at {dpi} dpi: not rendered",
                hint="the PDF's page size is malformed or far beyond any paper size",
            )
    paths = convert_from_path(
        str(pdf),
        dpi=dpi,
        first_page=number,
        last_page=number,
        output_folder=str(out_dir),
        fmt="tiff",
        grayscale=True,
        paths_only=True,
        single_file=True,
        output_file=f"page-{number:04d}",
        timeout=_TIMEOUT_SECONDS,
    )
    if not paths:
        raise UnreadableFileError(f"page {number} could not be rendered", hint="re-scan the document")
    return Path(str(paths[0]))


def render_png(pdf: Path, number: int, out_prefix: Path, *, dpi: int) -> Path:
    """Rasterise one page to `out_prefix`.png (colour kept) for a person to read: pdftoppm alone, no
    page count asked first (this runs while a clerk waits)."""
    try:
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", str(number), "-l", str(number), "-singlefile",
             str(pdf), str(out_prefix)],
            capture_output=True, timeout=_TIMEOUT_SECONDS, check=True,
        )  # fmt: skip
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        raise UnreadableFileError(f"page {number} could not be rendered", hint="re-scan the document") from e
    return out_prefix.with_name(out_prefix.name + ".png")


def check_installed() -> None:
    for program in ("pdfinfo", "pdftotext", "pdftoppm"):
        if shutil.which(program) is None:
            raise DependencyMissingError(f"{program} is not installed", hint="apt-get install poppler-utils")
