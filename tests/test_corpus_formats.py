"""Every layout family renders in every output format, and positioned form items survive each writer."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from bench.corpus import FORMATS, PageText, PrintedIdentity, render_page, write_text_pdf
from bench.corpus.documents import DocumentSpec, lay_out
from bench.corpus.families import FAMILIES, FAMILY_NAMES
from bench.corpus.families.classic import template_indexes
from bench.corpus.formats import write_pages
from bench.corpus.render import Rect, Text

PATIENT = PrintedIdentity(
    "HARTWELL, LORRAINE M",
    "03/04/1957",
    "4829301",
    first="LORRAINE",
    middle="M",
    last="HARTWELL",
    sex="F",
    dob_date=dt.date(1957, 3, 4),
    phone="617-555-0101",
    street="12 ELM ST",
    city_line="QUINCY, MA 02169",
)

pytestmark = pytest.mark.bench  # the evaluation corpus generator (bench/corpus): run by CI after `make test`


def _spec(family: str) -> DocumentSpec:
    fam = FAMILIES[family]
    doc_type = fam.doc_types[0]
    template = template_indexes(doc_type, fam.id_style)[0] if fam.build is None else 0
    return DocumentSpec(PATIENT, doc_type, dt.date(2025, 6, 2), template, family=family)


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_every_family_renders_in_every_format(family: str, tmp_path: Path) -> None:
    for name, fmt in FORMATS.items():
        rng = random.Random(f"{family}:{name}")
        laid = lay_out(_spec(family), rng)
        path = tmp_path / f"{name}.{fmt.ext}"
        write_pages(laid.pages, fmt, path, rng)
        assert path.stat().st_size > 2000, name
        if fmt.ext in ("png", "jpg", "tif"):
            with Image.open(path) as img:
                assert img.getextrema() != (255, 255), f"{name}: a blank page"
                assert img.mode == ("1" if fmt.fax else "L")
        else:
            with pikepdf.open(path) as pdf:
                assert len(pdf.pages) == 1


def test_bands_boxes_and_white_text_reach_the_image_and_the_pdf(tmp_path: Path) -> None:
    items: list[Rect | Text] = [
        Rect(1.0, 1.0, 4.0, 0.3, line_pt=0, fill=0),
        Text(1.1, 1.05, "PATIENT INFORMATION", 11, bold=True, white=True),
        Rect(1.0, 2.0, 2.0, 0.5, line_pt=1.0),
        Text(1.1, 2.2, "HARTWELL, LORRAINE M", 10),
    ]
    page = PageText([], items=items)
    img = render_page(page, dpi=100)
    band = img.crop((100, 100, 500, 130))
    assert band.getextrema() == (0, 255), "a black band with white text on it"
    assert img.getpixel((100, 225)) == 0, "the box's left rule"
    assert "PATIENT INFORMATION" in page.plain_text() and "HARTWELL, LORRAINE M" in page.plain_text()
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = write_text_pdf([page], tmp_path / "items.pdf")
    text = subprocess.run([tool, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "PATIENT INFORMATION" in text and "HARTWELL, LORRAINE M" in text
