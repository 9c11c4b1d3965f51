"""bench/evaluate scores per layout family and per half from the rows the pipeline writes (no OCR here)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bench.evaluate import Tally, family_table, fileable, group_keys, score
from chartfile.ledger.models import Document


def _truth(file: str, family: str, half: str, expected: str | None, **extra: Any) -> dict[str, Any]:
    return {
        "file": f"docs/{file}",
        "expected_mrn": expected,
        "doc_type": "lab_result",
        "doc_date": "2025-06-02",
        "dob": "1957-03-04",
        "variations": [],
        "printed_dob": "03/04/1957",
        "family": family,
        "structure": "header_row",
        "half": half,
        **extra,
    }


def _row(
    file: str, status: str, mrn: str | None, candidates: list[str], *, dob: str | None = None
) -> Document:
    return Document(
        source_name=file,
        status=status,
        patient_mrn=mrn,
        candidates=[{"mrn": m} for m in candidates],
        reasons=[],
        extraction={"identities": [{"dob": dob}]},
        doc_type="lab_result",
        doc_date=dt.date(2025, 6, 2),
    )


def _score(cases: list[tuple[dict[str, Any], Document]]) -> tuple[Tally, dict[str, Tally]]:
    tally, groups = Tally(), dict[str, Tally]()
    for truth, row in cases:
        score(truth, row, tally)
        for key in group_keys(truth):
            score(truth, row, groups.setdefault(key, Tally()))
    return tally, groups


def test_figures_are_split_by_family_and_half() -> None:
    cases = [
        (
            _truth("a.pdf", "lab_requisition", "A", "111"),
            _row("a.pdf", "filed", "111", ["111"], dob="1957-03-04"),
        ),
        (_truth("b.pdf", "refill_fax", "B", "222"), _row("b.pdf", "review", None, ["333", "222"])),
        (_truth("c.pdf", "refill_fax", "B", None), _row("c.pdf", "filed", "444", ["444"])),
    ]
    tally, groups = _score(cases)
    assert (tally.documents, tally.listed, tally.auto_filed_right, len(tally.misfiles)) == (3, 2, 1, 1)
    assert groups["lab_requisition"].auto_filed_right == 1 and groups["lab_requisition"].dob_right == 1
    assert groups["refill_fax"].misfiles == ["c.pdf"]
    assert groups["refill_fax"].listed_not_filed_top3 == 1
    assert groups["half B"].documents == 2 and groups["half A"].documents == 1
    lines = family_table(groups, [t for t, _ in cases])
    assert lines[0].split()[:5] == ["family", "structure", "half", "docs", "misfiles"]
    assert [line.split()[0] for line in lines[1:]] == ["lab_requisition", "refill_fax", "half", "half"]
    refill = lines[2].split()
    assert refill[2:5] == ["B", "2", "1"]  # half, documents, misfiles


def test_a_bundled_second_patient_must_not_be_filed_at_all() -> None:
    bundled = _truth("d.pdf", "eob_notice", "B", "555", must_review=True, second_patient_mrn="666")
    filed, _ = _score([(bundled, _row("d.pdf", "filed", "555", ["555"]))])
    assert filed.misfiles == ["d.pdf"] and filed.listed == 0
    assert (filed.must_review, filed.must_review_kept) == (1, 0)
    kept, _ = _score([(bundled, _row("d.pdf", "review", None, ["555", "666"]))])
    assert kept.misfiles == [] and (kept.must_review, kept.must_review_kept) == (1, 1)


def test_an_old_corpus_without_families_is_still_scored() -> None:
    truth = _truth("e.pdf", "", "", "777")
    del truth["family"], truth["half"], truth["structure"]
    _, groups = _score([(truth, _row("e.pdf", "filed", "777", ["777"]))])
    assert set(groups) == {"half ?", "unknown"}
    assert len(family_table(groups, [truth])) == 3


@pytest.mark.parametrize(
    ("variations", "printed_mrn", "expected"),
    [
        pytest.param([], None, True, id="dob-alone"),
        pytest.param(["no_dob"], "1000001", True, id="mrn-alone"),
        pytest.param(["typo"], None, False, id="misspelt-name-needs-dob-and-mrn"),
        pytest.param(["typo"], "1000001", True, id="misspelt-name-with-dob-and-mrn"),
        pytest.param(["dob_swapped"], None, False, id="swapped-dob-needs-the-mrn"),
        pytest.param(["outside_mrn"], "X-99", True, id="an-outside-mrn-is-not-ours-the-dob-is"),
    ],
)
def test_the_ceiling_counts_documents_that_print_what_filing_needs(
    variations: list[str], printed_mrn: str | None, expected: bool
) -> None:
    printed_dob = None if "no_dob" in variations else "03/04/1957"
    truth = _truth("a.tif", "f", "A", "1000001", variations=variations, printed_dob=printed_dob)
    assert fileable({**truth, "printed_mrn": printed_mrn}) is expected


@pytest.mark.parametrize(
    ("variations", "phone", "street", "expected"),
    [
        pytest.param(["no_dob"], "413-555-0142", "14 Elm St", True, id="name-phone-street"),
        pytest.param(["no_dob"], "413-555-0142", None, False, id="no-street"),
        pytest.param(["no_dob", "phone_outdated"], "413-555-0142", "14 Elm St", False, id="an-old-number"),
        pytest.param(["no_dob", "nickname"], "413-555-0142", "14 Elm St", False, id="a-nickname"),
        pytest.param(["no_dob", "typo"], "413-555-0142", "14 Elm St", False, id="a-misspelt-name"),
    ],
)
def test_the_name_with_the_patients_phone_and_street_is_fileable_without_birth_date_or_mrn(
    variations: list[str], phone: str | None, street: str | None, expected: bool
) -> None:
    truth = _truth("a.tif", "f", "A", "1000001", variations=variations, printed_dob=None)
    printed = {"printed_mrn": None, "printed_phone": phone, "printed_address": street}
    assert fileable({**truth, **printed}) is expected
