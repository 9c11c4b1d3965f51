"""The one wrapper around the Tesseract program (via pytesseract): one pass, three renderers."""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from chartfile.errors import DependencyMissingError
from chartfile.ocr.engine import PageEngineError, PageOcr, PageTimeoutError
from chartfile.records import Word


class TesseractEngine:
    """Runs `tesseract IMAGES OUT txt pdf` + TSV, single-threaded (one process per core is fastest)."""

    def __init__(self, *, language: str, timeout_seconds: float, psm: int = 3) -> None:
        self.language = language
        self.timeout_seconds = timeout_seconds
        self.psm = psm
        # Tesseract's OpenMP threads make batches several times slower; parallelism is ours.
        os.environ["OMP_THREAD_LIMIT"] = "1"

    def read_pages(
        self, images: Sequence[Path], out_base: Path, *, dpi: int | None, text_only: bool = False
    ) -> tuple[PageOcr, ...]:
        """Several pages in one run: Tesseract starts and loads its model once (~0.07 s a page saved)."""
        import pytesseract  # noqa: PLC0415  on first use: it loads pandas if installed (0.4 s a command)

        config = f"--psm {self.psm} -c tessedit_create_tsv=1"
        if text_only:
            config += " -c textonly_pdf=1"
        if dpi:
            config += f" --dpi {dpi}"
        try:
            pytesseract.pytesseract.run_tesseract(
                _input_of(images, out_base),
                str(out_base),
                "txt pdf",
                self.language,
                config=config,
                timeout=self.timeout_seconds * len(images),
            )
        except RuntimeError as e:
            if "timeout" in str(e).lower():
                raise PageTimeoutError(f"tesseract took over {self.timeout_seconds:.0f} s a page") from e
            raise PageEngineError(str(e)) from e
        except pytesseract.TesseractError as e:
            raise PageEngineError(f"tesseract exit {e.status}: {e.message[:200]}") from e
        return _results(out_base, len(images))

    def orientation(self, image: Path) -> tuple[int, float]:
        """OSD on Tesseract's default 50 characters; only a page with fewer is tried on 10.

        Ten characters are not enough in general: an upside-down noisy scan measured "Rotate: 0" (0.03)
        on 10 and "Rotate: 180" (5.0) on 50.
        """
        import pytesseract  # noqa: PLC0415  on first use: it loads pandas if installed (0.4 s a command)

        for characters in (50, 10):
            try:
                report = pytesseract.image_to_osd(
                    str(image),
                    config=f"--psm 0 -c min_characters_to_try={characters}",
                    timeout=self.timeout_seconds,
                )
            except (RuntimeError, pytesseract.TesseractError):
                continue  # too little text to tell at this minimum
            values = dict(line.split(":", 1) for line in report.splitlines() if ":" in line)
            return int(values.get("Rotate", "0").strip()) % 360, float(
                values.get("Orientation confidence", "0")
            )
        return 0, 0.0  # leave the page as it is


def _input_of(images: Sequence[Path], out_base: Path) -> str:
    """One image as itself; several as a list file, one path a line (Tesseract reads them in order)."""
    if len(images) == 1:
        return str(images[0])
    listing = out_base.with_suffix(".list")
    listing.write_text("".join(f"{image}\n" for image in images), encoding="utf-8")
    return str(listing)


def _results(out_base: Path, count: int) -> tuple[PageOcr, ...]:
    """Split the run's text (a form feed ends each page) and TSV (page_num) into one result a page."""
    text = out_base.with_suffix(".txt").read_text(encoding="utf-8", errors="replace")
    tsv = out_base.with_suffix(".tsv").read_text(encoding="utf-8", errors="replace")
    texts = text.split("\f")
    words = parse_tsv(tsv, pages=count)
    if len(texts) < count:
        raise PageEngineError(f"tesseract returned {len(texts) - 1} of {count} pages")
    pdf = out_base.with_suffix(".pdf")
    return tuple(PageOcr(text=texts[i], words=words[i], pdf_page=(pdf, i)) for i in range(count))


def parse_tsv(tsv: str, *, pages: int = 1) -> tuple[tuple[Word, ...], ...]:
    """Words with their boxes and confidences from Tesseract's TSV output, per page (page_num 1..)."""
    words: list[list[Word]] = [[] for _ in range(pages)]
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        page = int(row.get("page_num") or 1) - 1
        if not 0 <= page < pages:
            raise PageEngineError(f"tesseract's TSV names page {page + 1} of {pages}")
        words[page].append(
            Word(
                text=text,
                left=int(row["left"]),
                top=int(row["top"]),
                width=int(row["width"]),
                height=int(row["height"]),
                confidence=max(0.0, float(row["conf"])),
                line_key=(int(row["block_num"]), int(row["par_num"]), int(row["line_num"])),
            )
        )
    return tuple(tuple(page) for page in words)


def check_installed(language: str) -> str:
    """Tesseract's version; raises a clear error when it or the language data is missing."""
    import pytesseract  # noqa: PLC0415  on first use: it loads pandas if installed (0.4 s a command)

    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise DependencyMissingError(
            "tesseract is not installed", hint="apt-get install tesseract-ocr tesseract-ocr-eng"
        )
    missing = [lang for lang in language.split("+") if lang not in pytesseract.get_languages()]
    if missing:
        raise DependencyMissingError(
            f"tesseract language data missing: {', '.join(missing)}",
            hint=f"apt-get install {' '.join('tesseract-ocr-' + m for m in missing)}",
        )
    return str(pytesseract.get_tesseract_version())
