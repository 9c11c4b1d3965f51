"""The corpus's layout families: the fixed half split, and truth that matches what each family printed.

Each family writes a few text PDFs; poppler's pdftotext must find in them everything truth.jsonl says was
printed (name, birth date, MRN, document date, phone, address) and every recorded distractor.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.corpus import default_patients_csv, generate_corpus
from bench.corpus.families import FAMILIES, FAMILY_NAMES, HALF_OF, select, split
from bench.corpus.identities import format_date

REPO_ROOT = Path(__file__).resolve().parents[1]
# The split, spelled out: changing it (or adding a family) must show up in review.
EXPECTED_HALVES = {
    "classic_columns": "A",
    "classic_heading": "A",
    "classic_inline": "A",
    "classic_re": "A",
    "classic_separate": "A",
    "classic_table": "A",
    "cms1500_claim": "A",
    "ub04_claim": "B",
    "lab_requisition": "A",
    "refill_fax": "B",
    "hospital_banded": "A",
    "imaging_banded": "B",
    "behavioral_intake": "A",
    "eob_notice": "B",
    "payer_pa_form": "A",
    "snf_transfer": "B",
    "clinic_visit_summary": "A",
    "therapy_plan": "B",
    "attorney_request": "A",
    "disability_request": "B",
    "vna_plan_of_care": "A",  # sorts after ub04_claim: every earlier family keeps its half
    "rx_renewal_request": "A",  # sorts after refill_fax: likewise
    "workers_comp_report": "A",  # sorts after snf_transfer: likewise
}
DATE_STYLES = ("mdy", "mdy_nopad", "long", "short_month", "iso", "dmy_mon", "mdy2", "mdy6", "mdy_space")

needs_patients = pytest.mark.skipif(
    not default_patients_csv().is_file(), reason="Synthea patients CSV missing"
)

pytestmark = pytest.mark.bench  # the evaluation corpus generator (bench/corpus): run by CI after `make test`


def test_the_split_is_fixed_disjoint_and_covers_every_family() -> None:
    assert HALF_OF == EXPECTED_HALVES
    assert set(HALF_OF) == set(FAMILIES) == set(FAMILY_NAMES)
    assert set(select(half="A")).isdisjoint(select(half="B"))
    assert set(select(half="A")) | set(select(half="B")) == set(FAMILIES)
    assert split(reversed(list(FAMILIES.values()))) == HALF_OF  # the rule, not the order, decides


def test_half_b_holds_an_unseen_family_of_every_new_structure() -> None:
    structures: dict[str, set[str]] = {}
    for name, family in FAMILIES.items():
        structures.setdefault(family.structure, set()).add(HALF_OF[name])
        if family.structure == "classic":
            assert HALF_OF[name] == "A", "tuned on before issue 12"
    new = {s: halves for s, halves in structures.items() if s != "classic"}
    assert len(new) >= 5
    assert all(halves == {"A", "B"} for halves in new.values())
    for structure in new:
        senders = {f.sender for f in FAMILIES.values() if f.structure == structure}
        assert len(senders) >= 2, f"{structure}: families from different kinds of sender"


@pytest.mark.parametrize(
    ("names", "half", "message"),
    [
        pytest.param(["nope"], None, "unknown families", id="unknown-family"),
        pytest.param(None, "C", "unknown half", id="unknown-half"),
        pytest.param(["classic_re"], "B", "no family", id="family-not-in-half"),
    ],
)
def test_select_rejects_bad_choices(names: list[str] | None, half: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        select(names, half)


def _pdftotext(path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run([tool, str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[dict[str, Any], str]]]:
    """Per family: three text-PDF documents (one unlisted) with their truth and extracted text."""
    if not default_patients_csv().is_file():
        pytest.skip("Synthea patients CSV missing")
    root = tmp_path_factory.mktemp("families")
    out: dict[str, list[tuple[dict[str, Any], str]]] = {}
    for name in FAMILY_NAMES:
        manifest = generate_corpus(
            root / name, n_docs=3, seed=23, families=[name], formats=["text_pdf"], unlisted_fraction=0.34
        )
        truths = [json.loads(line) for line in manifest.truth_jsonl.read_text(encoding="utf-8").splitlines()]
        out[name] = [(t, _pdftotext(root / name / t["file"])) for t in truths]
    return out


def _printed_date(day: str, text: str) -> bool:
    return any(format_date(dt.date.fromisoformat(day), style) == text for style in DATE_STYLES)


def _contains(text: str, value: str) -> bool:
    """`value` is on the page, whole or (digit boxes, name cells) part by part."""
    squeezed = " ".join(value.split())
    return squeezed in text or all(part in text for part in squeezed.replace(",", " ").split())


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_truth_matches_what_the_family_printed(
    family: str, printed: dict[str, list[tuple[dict[str, Any], str]]]
) -> None:
    for truth, text in printed[family]:
        assert truth["family"] == family and truth["half"] == HALF_OF[family]
        assert truth["structure"] == FAMILIES[family].structure
        assert truth["doc_type"] in FAMILIES[family].doc_types
        assert _contains(text, truth["printed_name"]), truth["printed_name"]
        for field in ("printed_dob", "printed_mrn", "printed_phone"):
            assert truth[field] is None or _contains(text, truth[field]), (field, truth[field])
        if truth["printed_address"]:
            assert truth["printed_address"].split(",")[0] in text
        assert truth["doc_date_label"] and truth["doc_date_printed"] in text
        assert _printed_date(truth["doc_date"], truth["doc_date_printed"]), truth["doc_date_printed"]
        if family.startswith("classic"):
            continue
        assert truth["name_label"], "every new family says which label it printed the name under"
        for distractor in truth["distractors"]:
            assert _contains(text, distractor["printed"]), distractor
            assert not distractor["dob"] or _contains(text, distractor["dob"]), distractor


@pytest.mark.parametrize("family", [f for f in FAMILY_NAMES if not f.startswith("classic")])
def test_every_new_family_prints_distractors_besides_the_patient(
    family: str, printed: dict[str, list[tuple[dict[str, Any], str]]]
) -> None:
    roles: set[str] = set()
    for truth, _ in printed[family]:
        dates = [d for d in truth["distractors"] if d["kind"] == "date" and not d["role"].startswith("fax")]
        people = [d for d in truth["distractors"] if d["kind"] == "person"]
        assert dates, "another date besides the document date"
        assert people, "another person besides the patient"
        assert all(d["iso"] != truth["doc_date"] for d in dates), "a distractor date is the document date"
        roles |= {d["role"] for d in people}
    assert roles, family


@needs_patients
def test_a_bundled_second_patient_is_printed_and_must_be_reviewed(tmp_path: Path) -> None:
    families = [name for name, f in FAMILIES.items() if f.second_patient]
    assert set(families) == {"eob_notice", "lab_requisition", "refill_fax"}
    manifest = generate_corpus(tmp_path, n_docs=60, seed=4, families=families, formats=["text_pdf"])
    bundled = [d for d in manifest.documents if d.must_review]
    assert bundled, "some batch faxes bundle a second patient"
    for doc in bundled:
        assert doc.second_patient_mrn and doc.second_patient_name
        assert doc.second_patient_mrn != doc.expected_mrn
        text = _pdftotext(tmp_path / doc.file)
        assert _contains(text, doc.second_patient_name)
        assert "second_patient" in doc.variations


@needs_patients
def test_cli_writes_only_the_half_asked_for_and_lists_families(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "bench.corpus"]
    listing = subprocess.run(
        [*run, "--list-families"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert [line.split()[0] for line in listing.stdout.splitlines()] == list(FAMILY_NAMES)
    done = subprocess.run(
        [*run, str(tmp_path), "--docs", "8", "--seed", "3", "--half", "B", "--formats", "text_pdf"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "wrote 8 documents" in done.stdout
    truths = [json.loads(line) for line in (tmp_path / "truth.jsonl").read_text().splitlines()]
    assert {t["half"] for t in truths} == {"B"}
    assert {t["family"] for t in truths} <= set(select(half="B"))
    bad = subprocess.run(
        [*run, str(tmp_path / "x"), "--families", "nope"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "unknown families ['nope']" in bad.stderr
