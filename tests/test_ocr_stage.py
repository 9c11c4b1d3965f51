"""The OCR stage on real files with real Tesseract: page order, text layers, faults, searchable output."""

from __future__ import annotations

import random
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import pikepdf
import pytest
from PIL import Image
from rapidfuzz import fuzz
from scenarios import fax_tiff, lab_result, plain_page, scan_png, text_pdf

from bench.corpus import Line, PageText, render_pages, speckle, to_fax, write_tiff
from bench.corpus.writers import write_image_pdf
from bench.timing import incoming_copy
from chartfile.errors import OcrError, UnreadableFileError, UnsupportedFileError
from chartfile.ocr.engine import PageOcr, PageTimeoutError
from chartfile.ocr.pool import OcrPool
from chartfile.ocr.recognize import recognize
from chartfile.ocr.tesseract import TesseractEngine
from chartfile.records import OcrResult
from chartfile.settings import OcrSettings

SETTINGS = OcrSettings(workers=2)


class CountingEngine:
    """The real engine, counting calls and failing on chosen page images."""

    def __init__(self, *, fail_on: tuple[str, ...] = ()) -> None:
        self.inner = TesseractEngine(language="eng", timeout_seconds=120)
        self.calls: list[str] = []
        self.runs: list[int] = []  # pages per engine run
        self.fail_on = fail_on

    def read_pages(
        self, images: Sequence[Path], out_base: Path, *, dpi: int | None, text_only: bool = False
    ) -> tuple[PageOcr, ...]:
        self.calls.extend(image.name for image in images)
        self.runs.append(len(images))
        if any(marker in image.name for image in images for marker in self.fail_on):
            raise PageTimeoutError("injected: tesseract took over 180 s")
        return self.inner.read_pages(images, out_base, dpi=dpi, text_only=text_only)

    def orientation(self, image: Path) -> tuple[int, float]:
        return self.inner.orientation(image)


def run(path: Path, work: Path, engine: CountingEngine | TesseractEngine) -> OcrResult:
    with OcrPool(2) as pool:
        return recognize(incoming_copy(path, work), SETTINGS, engine=engine, pool=pool)


def pdftotext(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return out.stdout.split("\f")[:-1]


@pytest.mark.parametrize("mode", ["fine", "standard"])
def test_multipage_fax_pages_read_in_order_and_pdf_is_searchable(tmp_path: Path, mode: str) -> None:
    pages = [
        plain_page(f"Page marker {word}\nThe quick brown fox jumps over the lazy dog")
        for word in ("ALPHA", "BRAVO", "CHARLIE")
    ]
    fax = fax_tiff(pages, tmp_path / f"fax_{mode}_3pages.tif", mode=mode)
    result = run(fax, tmp_path / "work", TesseractEngine(language="eng", timeout_seconds=120))
    assert [p.number for p in result.pages] == [1, 2, 3]
    for page, word in zip(result.pages, ("ALPHA", "BRAVO", "CHARLIE"), strict=True):
        assert word in page.text
        assert page.source == "ocr"
        assert page.mean_confidence is not None and page.mean_confidence > 60
        assert any(w.text == word for w in page.words)
    texts = pdftotext(result.searchable_pdf)
    assert len(texts) == 3
    assert "BRAVO" in texts[1]


def test_text_layer_pages_are_not_ocred(tmp_path: Path) -> None:
    pdf = text_pdf([lab_result("Harold Whitfield", "03/04/1957", "4471203")], tmp_path / "born_digital.pdf")
    engine = CountingEngine()
    result = run(pdf, tmp_path / "work", engine)
    assert engine.calls == []
    assert result.pages[0].source == "text-layer"
    assert "LABORATORY REPORT" in result.pages[0].text
    assert "LABORATORY REPORT" in pdftotext(result.searchable_pdf)[0]


def test_a_hanging_page_is_unreadable_but_kept_and_the_document_goes_on(tmp_path: Path) -> None:
    pages = [plain_page(f"Page marker {word}") for word in ("ALPHA", "BRAVO", "CHARLIE")]
    fax = fax_tiff(pages, tmp_path / "fax_fine_3pages.tif")
    engine = CountingEngine(fail_on=("page-0002",))
    result = run(fax, tmp_path / "work", engine)
    sources = [p.source for p in result.pages]
    assert sources == ["ocr", "unreadable", "ocr"]
    assert "over 180 s" in result.pages[1].note
    assert engine.runs.count(2) == 1 and engine.calls.count("page-0001.tif") == 2  # run failed: one by one
    texts = pdftotext(result.searchable_pdf)
    assert len(texts) == 3  # the unreadable page is still in the stored PDF, as an image
    assert "CHARLIE" in texts[2]


def test_no_readable_page_is_an_ocr_error(tmp_path: Path) -> None:
    fax = fax_tiff(
        [plain_page("Page one of the fax, in words"), plain_page("Page two of the fax, in words")],
        tmp_path / "fax.tif",
    )
    with pytest.raises(OcrError, match="no page"):
        run(fax, tmp_path / "work", CountingEngine(fail_on=("page-",)))


def test_unsupported_and_corrupt_inputs_raise_input_errors(tmp_path: Path) -> None:
    docx = tmp_path / "letter.docx"
    docx.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(UnsupportedFileError):
        run(docx, tmp_path / "w1", CountingEngine())
    fax = fax_tiff([plain_page("one")], tmp_path / "fax.tif")
    truncated = tmp_path / "truncated.tif"
    truncated.write_bytes(fax.read_bytes()[:300])
    with pytest.raises(UnreadableFileError):
        run(truncated, tmp_path / "w2", CountingEngine())
    broken_pdf = tmp_path / "broken.pdf"
    broken_pdf.write_bytes(b"%PDF-1.4\n1 0 obj garbage\n")
    with pytest.raises(UnreadableFileError):
        run(broken_pdf, tmp_path / "w3", CountingEngine())


def test_scanned_pdf_keeps_its_own_page_image_with_text_laid_over(tmp_path: Path) -> None:
    source = Path(__file__).parents[1] / "../shared/data/ocrmypdf-resources/ccitt.pdf"
    result = run(source.resolve(), tmp_path / "work", TesseractEngine(language="eng", timeout_seconds=120))
    stored = result.searchable_pdf
    listing = subprocess.run(["pdfimages", "-list", str(stored)], capture_output=True, text=True, check=True)
    assert "ccitt" in listing.stdout  # the original CCITT G4 image, not a re-rendered grey copy
    words = subprocess.run(
        ["pdftotext", "-bbox", str(stored), "-"], capture_output=True, text=True, check=True
    )
    assert words.stdout.count("<word ") > 50


def word_box(pdf: Path, word: str) -> tuple[float, float, float, float]:
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for line in out.splitlines():
        if line.strip().endswith(f">{word}</word>"):
            values = [float(part.split('"')[1]) for part in line.split()[1:5]]
            return values[0], values[1], values[2], values[3]
    raise AssertionError(f"{word} not in the text layer")


def ink_reads_as(pdf: Path, box: tuple[float, float, float, float], tmp_path: Path) -> str:
    """Render the stored page, crop the text layer's box for a word, and OCR only that crop."""
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "150",
            "-gray",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    scale, pad = 150 / 72, 12  # pdftotext boxes of invisible glyphs run a little short
    with Image.open(tmp_path / "page.pgm") as page:
        crop = page.crop(
            (
                int(box[0] * scale) - pad,
                int(box[1] * scale) - pad,
                int(box[2] * scale) + pad,
                int(box[3] * scale) + pad,
            )
        )
        crop.save(tmp_path / "crop.png", dpi=(150, 150))
    return subprocess.run(
        ["tesseract", str(tmp_path / "crop.png"), "-", "--psm", "7"],
        capture_output=True,
        text=True,
        check=True,
        env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"},
    ).stdout


@pytest.mark.parametrize(
    ("scenario", "word"),
    [
        pytest.param("fax_standard", "CHARLIE", id="fax-standard-204x98"),
        pytest.param("ccitt_pdf", "LinnSequencer", id="scanned-pdf-overlay"),
        pytest.param("fax_pdf_standard", "CHARLIE", id="fax-pdf-204x98-native-image"),
        pytest.param("scan_png", "CHARLIE", id="grey-png-lossless-page"),
    ],
)
def test_text_layer_lies_over_the_word_in_the_image(tmp_path: Path, scenario: str, word: str) -> None:
    page = plain_page("Page marker CHARLIE and more words")
    if scenario == "fax_standard":
        source = fax_tiff([page], tmp_path / "std.tif", mode="standard")
    elif scenario == "fax_pdf_standard":
        source = fax_pdf([page], tmp_path / "std.pdf", mode="standard")
    elif scenario == "scan_png":
        source = scan_png(page, tmp_path / "scan.png")
    else:
        source = (Path(__file__).parents[1] / "../shared/data/ocrmypdf-resources/ccitt.pdf").resolve()
    result = run(source, tmp_path / "work", TesseractEngine(language="eng", timeout_seconds=120))
    stored = result.searchable_pdf
    read = ink_reads_as(stored, word_box(stored, word), tmp_path).strip()
    assert fuzz.ratio(word, read) >= 85, read  # the ink under the box is the word (edges may clip a glyph)


def fax_pdf(pages: list[PageText], path: Path, *, mode: Literal["fine", "standard"]) -> Path:
    """An image-only PDF as fax servers write it: one CCITT G4 image per page at fax resolution."""
    images = [to_fax(image, mode=mode) for image in render_pages(pages)]
    return write_image_pdf(images, path, (204, 98) if mode == "standard" else (204, 196))


def pdf_images(pdf: Path) -> list[list[str]]:
    """`pdfimages -list` rows: page, num, type, width, height, color, comp, bpc, enc, ..."""
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True)
    return [line.split() for line in listing.stdout.splitlines()[2:]]


@pytest.mark.parametrize("mode", ["standard", "fine"])
def test_a_fax_pdf_is_read_from_its_own_image_not_rerendered(
    tmp_path: Path, mode: Literal["fine", "standard"]
) -> None:
    source = fax_pdf([lab_result("Harold Whitfield", "03/04/1957", "4471203")], tmp_path / "f.pdf", mode=mode)
    engine = CountingEngine()
    result = run(source, tmp_path / "work", engine)
    (read,) = engine.calls
    assert read.endswith(".tif")
    assert "Whitfield" in result.pages[0].text and "4471203" in result.pages[0].text
    (row,) = pdf_images(result.searchable_pdf)
    assert row[3] == "1728" and row[8] == "ccitt"  # the fax's own G4 image, stored as it came


def test_a_grey_png_scan_is_stored_losslessly(tmp_path: Path) -> None:
    source = scan_png(lab_result("Harold Whitfield", "03/04/1957", "4471203"), tmp_path / "scan.png")
    result = run(source, tmp_path / "work", TesseractEngine(language="eng", timeout_seconds=120))
    (row,) = pdf_images(result.searchable_pdf)
    assert row[8] == "image"  # Flate, not JPEG
    subprocess.run(["pdfimages", "-png", str(result.searchable_pdf), str(tmp_path / "x")], check=True)
    with Image.open(source) as original, Image.open(tmp_path / "x-000.png") as stored:
        assert stored.size == original.size
        assert stored.convert("L").tobytes() == original.convert("L").tobytes()
    assert "Whitfield" in result.pages[0].text


def test_blank_pages_are_kept_flagged_and_not_ocred(tmp_path: Path) -> None:
    header = "From: 413 555 0198  To: Records  11/02/2026 10:41  Page 2 of 3"
    images = render_pages(
        [
            plain_page("Page marker ALPHA"),
            PageText([Line(header, size_pt=8, x_in=0.3)], top_in=0.1),
            plain_page("Page marker CHARLIE"),
        ]
    )
    faxed = [to_fax(image, mode="fine") for image in images]
    faxed[1] = speckle(faxed[1], 0.0003, random.Random(1))
    fax = write_tiff(faxed, tmp_path / "fax_with_separator_page.tif", compression="group4", dpi=(204, 196))
    engine = CountingEngine()
    result = run(fax, tmp_path / "work", engine)
    assert [p.source for p in result.pages] == ["ocr", "blank", "ocr"]
    assert len(engine.calls) == 2
    assert len(pdftotext(result.searchable_pdf)) == 3


def test_real_blank_fax_fixture_is_blank(tmp_path: Path) -> None:
    source = (Path(__file__).parents[1] / "../shared/data/fax-fixtures/1pagefax.tif").resolve()
    engine = CountingEngine()
    result = run(source, tmp_path / "work", engine)
    assert [p.source for p in result.pages] == ["blank"]
    assert engine.calls == []


@pytest.mark.parametrize("mode", ["standard", "fine"])
def test_a_long_fax_is_read_in_runs_and_each_page_keeps_its_own_text_and_size(
    tmp_path: Path, mode: str
) -> None:
    words = ("ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO")
    fax = fax_tiff([plain_page(f"Page marker {word}") for word in words], tmp_path / "fax.tif", mode=mode)
    engine = CountingEngine()
    result = run(fax, tmp_path / "work", engine)
    assert sorted(engine.runs) == [2, 3]  # 5 pages over 2 workers: two Tesseract start-ups, not five
    for page, word in zip(result.pages, words, strict=True):
        assert word in page.text and page.words and all(w.text != "" for w in page.words)
        assert not any(other in page.text for other in words if other != word)
    stored = pdftotext(result.searchable_pdf)
    assert [next(w for w in words if w in text) for text in stored] == list(words)
    with Image.open(fax) as image:  # the paper's size in points, from the fax's own resolution tags
        x_dpi, y_dpi = image.info["dpi"]
        paper = (round(image.width * 72 / x_dpi), round(image.height * 72 / y_dpi))
    with pikepdf.open(result.searchable_pdf) as pdf:
        sizes = {
            (round(float(p.mediabox[2] - p.mediabox[0])), round(float(p.mediabox[3] - p.mediabox[1])))
            for p in pdf.pages
        }
    assert sizes == {paper}  # every page of each run squeezed back from Tesseract's square pixels
