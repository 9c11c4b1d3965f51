"""Orientation and deskew on real files: upside-down, sideways and skewed pages read like upright ones."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest
from rapidfuzz import fuzz
from scenarios import lab_result
from test_ocr_stage import run

from bench.corpus import blur_and_noise_scan, render_pages, rotate_cardinal, skew, to_fax, write_tiff
from bench.corpus.writers import write_image_pdf
from chartfile.ocr.orient import estimate_skew
from chartfile.ocr.tesseract import TesseractEngine

SHARED = (Path(__file__).parents[1] / "../shared/data").resolve()
ENGINE = TesseractEngine(language="eng", timeout_seconds=120)


def words_of(path: Path) -> set[str]:
    return {w.strip(".,;:()").lower() for w in path.read_text(errors="replace").split() if len(w) > 3}


def recall(text: str, truth: set[str]) -> float:
    found = {w.strip(".,;:()").lower() for w in text.split()}
    return len(truth & found) / len(truth)


@pytest.mark.parametrize(
    ("name", "truth"),
    [
        pytest.param(
            "tesseract-test/phototest-rotated-180.png", "tesseract-test/phototest.gold.txt", id="png-180"
        ),
        pytest.param(
            "tesseract-test/phototest-rotated-R.png", "tesseract-test/phototest.gold.txt", id="png-90"
        ),
        pytest.param("ocrmypdf-resources/skew.pdf", "ocrmypdf-resources/linn.txt", id="pdf-skewed"),
        pytest.param(
            "ocrmypdf-resources/rotated_skew.pdf", "ocrmypdf-resources/linn.txt", id="pdf-rotated-skewed"
        ),
    ],
)
def test_rotated_and_skewed_real_pages_read_like_upright(tmp_path: Path, name: str, truth: str) -> None:
    result = run(SHARED / name, tmp_path / "work", ENGINE)
    assert recall(result.pages[0].text, words_of(SHARED / truth)) >= 0.85


def test_cardinal_pdf_every_rotation_reads(tmp_path: Path) -> None:
    result = run(SHARED / "ocrmypdf-resources/cardinal.pdf", tmp_path / "work", ENGINE)
    truth = words_of(SHARED / "ocrmypdf-resources/linn.txt")
    recalls = [recall(page.text, truth) for page in result.pages]
    assert len(recalls) == 4 and min(recalls) >= 0.85, recalls
    stored = subprocess.run(
        ["pdftotext", str(result.searchable_pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\f")
    assert all(recall(text, truth) >= 0.85 for text in stored[:4])


@pytest.mark.parametrize("degrees", [-3.0, -1.2, 2.0, 3.0])
def test_skew_estimate_on_a_fax(degrees: float) -> None:
    page = to_fax(
        skew(render_pages([lab_result("Jane Roe", "01/02/1980", "123456")])[0], degrees), mode="fine"
    )
    assert estimate_skew(page) == pytest.approx(-degrees, abs=0.3)


def test_upside_down_fax_page_is_turned_and_reads(tmp_path: Path) -> None:
    upright, upside_down = render_pages([lab_result("Jane Roe", "01/02/1980", "123456")] * 2)
    pages = [to_fax(upright, mode="fine"), to_fax(rotate_cardinal(upside_down, 180), mode="fine")]
    fax = write_tiff(
        pages, tmp_path / "fax_second_page_upside_down.tif", compression="group4", dpi=(204, 196)
    )
    result = run(fax, tmp_path / "work", ENGINE)
    first, second = result.pages
    assert "turned 180" in second.note
    assert fuzz.token_set_ratio(first.text, second.text) >= 90


def test_an_upside_down_noisy_skewed_scan_pdf_is_turned_and_reads(tmp_path: Path) -> None:
    """A scanned PDF page (JPEG) that is upside down, tilted and noisy is turned, levelled and read."""
    (page,) = render_pages([lab_result("Takisha Kunzze", "05/18/1967", "76522534")])
    scanned = blur_and_noise_scan(skew(rotate_cardinal(page, 180), 1.5), random.Random(128), strength=24)
    pdf = write_image_pdf([scanned], tmp_path / "scan_upside_down.pdf", 300)
    (read,) = run(pdf, tmp_path / "work", ENGINE).pages
    assert "turned 180" in read.note
    assert "Kunzze" in read.text and "76522534" in read.text
