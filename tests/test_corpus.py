"""Tests for the synthetic document corpus generator in bench/corpus."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from bench.corpus import (
    DOC_TYPES,
    MASTER_HEADER,
    DocumentSpec,
    Line,
    PageText,
    Patient,
    PrintedIdentity,
    build_pages,
    default_patients_csv,
    generate_corpus,
    load_synthea_patients,
    print_identity,
    render_document,
    render_pages,
    to_fax,
    two_patient_fax,
    write_image_pdf,
    write_png,
    write_text_pdf,
    write_tiff,
)

TRUTH_KEYS = {"file", "expected_mrn", "doc_type", "doc_date", "dob", "format", "pages", "variations"}
PATIENT = PrintedIdentity("HARTWELL, LORRAINE M", "03/04/1957", "4829301")
OTHER = PrintedIdentity("Desmond Okonkwo", "11/23/1980", None)

needs_patients = pytest.mark.skipif(
    not default_patients_csv().is_file(), reason="Synthea patients CSV missing"
)

pytestmark = pytest.mark.bench  # the evaluation corpus generator (bench/corpus): run by CI after `make test`


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


def _ocr(path: Path) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(
        [_tool("tesseract"), str(path), "-", "--psm", "3"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return done.stdout


def _pdftotext(path: Path) -> str:
    done = subprocess.run([_tool("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@needs_patients
def test_same_seed_gives_identical_files_and_consistent_truth(tmp_path: Path) -> None:
    first = generate_corpus(tmp_path / "a", n_docs=3, seed=11)
    generate_corpus(tmp_path / "b", n_docs=3, seed=11)
    assert _hashes(tmp_path / "a") == _hashes(tmp_path / "b")
    assert len(_hashes(tmp_path / "a")) == 5  # master.csv, truth.jsonl, 3 documents

    with first.master_csv.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        assert ",".join(header) == "mrn,last_name,first_name,middle_name,dob,sex,phone,address,city,state,zip"
        assert tuple(header) == MASTER_HEADER
        master_mrns = {row[0] for row in reader}

    lines = first.truth_jsonl.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    records = [json.loads(line) for line in lines]
    for record in records:
        assert set(record) >= TRUTH_KEYS
        assert (first.out_dir / record["file"]).is_file()
        assert record["doc_type"] in DOC_TYPES
        assert 1 <= record["pages"] <= 4
        assert dt.date.fromisoformat(record["dob"]) < dt.date.fromisoformat(record["doc_date"])
        assert dt.date.fromisoformat(record["doc_date"]).year in (2024, 2025, 2026)
        if record["expected_mrn"] is None:
            assert any(v.startswith("unlisted:") for v in record["variations"])
            assert record["printed_mrn"] not in master_mrns
        else:
            assert record["expected_mrn"] in master_mrns
    assert sum(r["expected_mrn"] is None for r in records) == 1  # round(3 * 0.25)


@needs_patients
def test_different_seed_gives_different_corpus(tmp_path: Path) -> None:
    generate_corpus(tmp_path / "a", n_docs=2, seed=1, formats=["text_pdf"])
    generate_corpus(tmp_path / "b", n_docs=2, seed=2, formats=["text_pdf"])
    a, b = _hashes(tmp_path / "a"), _hashes(tmp_path / "b")
    assert a["truth.jsonl"] != b["truth.jsonl"]


@needs_patients
def test_master_list_from_synthea_is_clean() -> None:
    patients = load_synthea_patients(default_patients_csv())
    mrns = [p.mrn for p in patients]
    assert len(set(mrns)) == len(mrns) == 1171
    assert all(re.fullmatch(r"\d{7,8}", m) for m in mrns)
    assert not any(re.search(r"\d", p.first_name + p.middle_name + p.last_name) for p in patients)
    assert any(p.middle_name for p in patients)
    assert any("-" in p.last_name for p in patients)


def test_standard_fax_tiff_carries_204x98_and_is_bilevel(tmp_path: Path) -> None:
    pages = render_pages([PageText([Line("Page one", 12)]), PageText([Line("Page two", 12)])])
    faxed = [to_fax(p, mode="standard") for p in pages]
    path = write_tiff(faxed, tmp_path / "std.tif", compression="group3", dpi=(204, 98))
    with Image.open(path) as img:
        assert img.info["dpi"] == (204, 98)
        assert img.mode == "1"
        assert getattr(img, "n_frames", 1) == 2
        assert img.size == (1728, 1078)
        img.seek(1)
        assert img.info["dpi"] == (204, 98)

    fine = write_tiff(
        [to_fax(pages[0], mode="fine")], tmp_path / "fine.tif", compression="group4", dpi=(204, 196)
    )
    with Image.open(fine) as img:
        assert img.info["dpi"] == (204, 196)
        assert img.mode == "1"
        assert getattr(img, "n_frames", 1) == 1


def test_tesseract_reads_rendered_lab_result(tmp_path: Path) -> None:
    spec = DocumentSpec(PATIENT, "lab_result", dt.date(2025, 6, 2), template=0)
    page = render_document(spec, rng=random.Random(3))[0]
    assert page.mode == "L"
    assert page.size == (2550, 3300)
    text = _ocr(write_png(page, tmp_path / "lab.png", 300))
    assert "HARTWELL" in text
    assert "03/04/1957" in text

    fax = to_fax(page, mode="fine")
    text = _ocr(write_tiff([fax], tmp_path / "lab.tif", compression="group4", dpi=(204, 196)))
    assert "HARTWELL" in text


def test_text_pdf_has_a_real_text_layer(tmp_path: Path) -> None:
    spec = DocumentSpec(PATIENT, "consult_note", dt.date(2025, 6, 2), template=1, extra_pages=1)
    pages = build_pages(spec, random.Random(5))
    path = write_text_pdf(pages, tmp_path / "note.pdf")
    text = _pdftotext(path)
    assert "HARTWELL, LORRAINE M" in text
    assert "03/04/1957" in text
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 2


def test_image_pdf_has_no_text_and_compressed_images(tmp_path: Path) -> None:
    pages = render_document(DocumentSpec(PATIENT), rng=random.Random(1))
    faxed = to_fax(pages[0], mode="fine")
    path = write_image_pdf([faxed, faxed], tmp_path / "scan.pdf", (204, 196))
    assert _pdftotext(path).strip() == ""
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 2
        xobjects = pdf.pages[0].Resources.XObject
        stream = xobjects[next(iter(xobjects.keys()))]
        assert isinstance(stream, pikepdf.Stream)
        image = pikepdf.PdfImage(stream)
        assert image.filters == ["/CCITTFaxDecode"]
        assert image.bits_per_component == 1


def test_two_patient_fax_puts_another_patient_on_page_two() -> None:
    spec = two_patient_fax(PATIENT, OTHER, with_cover_sheet=False)
    pages = build_pages(spec, random.Random(2))
    assert len(pages) == spec.page_count == 2
    first, second = (p.plain_text() for p in pages)
    assert "HARTWELL" in first and "Okonkwo" not in first
    assert "Okonkwo" in second and "HARTWELL" not in second
    assert all(p.lines[0].size_pt < 10 and "2" in p.lines[0].text for p in pages)  # fax header: "of 2"


def test_cover_sheet_and_extra_pages_count() -> None:
    spec = DocumentSpec(PATIENT, "radiology_report", with_cover_sheet=True, extra_pages=2, fax_header=True)
    pages = build_pages(spec, random.Random(4))
    assert len(pages) == spec.page_count == 4
    assert PATIENT.name in pages[1].plain_text()


@pytest.mark.parametrize("doc_type", DOC_TYPES)
def test_every_doc_type_prints_the_identity(doc_type: str) -> None:
    for template in range(3):
        spec = DocumentSpec(PATIENT, doc_type, template=template)
        text = build_pages(spec, random.Random(template))[0].plain_text()
        assert PATIENT.name in text
        assert "03/04/1957" in text


def test_printed_identity_variations_are_recorded() -> None:
    person = Patient("4829301", "Whitcomb-Hartwell", "Elizabeth", "Anne", dt.date(1957, 3, 4), "F")
    seen: set[str] = set()
    for seed in range(400):
        printed = print_identity(person, random.Random(seed))
        seen.update(printed.variations)
        assert ("no_dob" in printed.variations) == (printed.dob is None)
        assert ("no_mrn" in printed.variations) == (printed.mrn is None)
        if "outside_mrn" in printed.variations:
            assert printed.mrn is not None and len(printed.mrn) == 9
        if "dob_two_digit_year" in printed.variations:
            assert printed.dob is not None and not re.search(r"1957", printed.dob)
        if not printed.variations:
            assert "Elizabeth" in printed.name and "Whitcomb-Hartwell" in printed.name
    expected = {"nickname", "typo", "no_middle", "middle_initial", "hyphen_part", "all_caps", "dob_swapped"}
    assert expected | {"no_dob", "no_mrn", "dob_two_digit_year", "outside_mrn"} <= seen
