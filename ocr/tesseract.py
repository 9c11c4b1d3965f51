"""The one wrapper around the Tesseract program (via pytesseract): one pass, three renderers."""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytesseract

from chartfile.errors import DependencyMissingError
from chartfile.ocr.engine import PageEngineError, PageOcr, PageTimeoutError
from chartfile.records import Word


class TesseractEngine:
    """Runs `tesseract IMAGE OUT txt pdf` + TSV, single-threaded (one process per core is fastest)."""

    def __init__(self, *, language: str, timeout_seconds: float, psm: int = 3) -> None:
        self.language = language
        self.timeout_seconds = timeout_seconds
        self.psm = psm
        # Tesseract's OpenMP threads make batches several times slower; parallelism is ours.
        os.environ["OMP_THREAD_LIMIT"] = "1"

    def read_page(self, image: Path, out_base: Path, *, dpi: int | None, text_only: bool = False) -> PageOcr:
        config = f"--psm {self.psm} -c tessedit_create_tsv=1"
        if text_only:
            config += " -c textonly_pdf=1"
        if dpi:
            config += f" --dpi {dpi}"
        try:
            pytesseract.pytesseract.run_tesseract(
                str(image),
                str(out_base),
                "txt pdf",
                self.language,
                config=config,
                timeout=self.timeout_seconds,
            )
        except RuntimeError as e:
            if "timeout" in str(e).lower():
                raise PageTimeoutError(f"tesseract took over {self.timeout_seconds:.0f} s") from e
            raise PageEngineError(str(e)) from e
        except pytesseract.TesseractError as e:
            raise PageEngineError(f"tesseract exit {e.status}: {e.message[:200]}") from e
        text = out_base.with_suffix(".txt").read_text(encoding="utf-8", errors="replace")
        tsv = out_base.with_suffix(".tsv").read_text(encoding="utf-8", errors="replace")
        return PageOcr(text=text, words=parse_tsv(tsv), pdf_path=out_base.with_suffix(".pdf"))

    def orientation(self, image: Path) -> tuple[int, float]:
        try:
            report = pytesseract.image_to_osd(
                str(image), config="--psm 0 -c min_characters_to_try=10", timeout=self.timeout_seconds
            )
        except (RuntimeError, pytesseract.TesseractError):
            return 0, 0.0  # too little text to tell: leave the page as it is
        values = dict(line.split(":", 1) for line in report.splitlines() if ":" in line)
        return int(values.get("Rotate", "0").strip()) % 360, float(values.get("Orientation confidence", "0"))


def parse_tsv(tsv: str) -> tuple[Word, ...]:
    """Words with their boxes and confidences from Tesseract's TSV output."""
    words = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        words.append(
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
    return tuple(words)


def check_installed(language: str) -> str:
    """Tesseract's version; raises a clear error when it or the language data is missing."""
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
