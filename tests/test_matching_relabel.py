"""Identity labels OCR damaged are restored from their phrases; names and ordinary words are not."""

from __future__ import annotations

import pytest

from chartfile.matching.relabel import restorations, restore_labels
from chartfile.records import OcrPage, Word


@pytest.mark.parametrize(
    ("line", "restored"),
    [
        pytest.param("8 Date of Birta", "8 Date of Birth", id="one-glyph-in-birth"),
        pytest.param(
            "6 Patent’s Name and Address", "6 Patient’s Name and Address", id="curly-apostrophe-kept"
        ),
        pytest.param("4. Medica Record No", "4. Medical Record No", id="medical-record"),
        pytest.param("INSUREDS DATE OF BIRTE MM DD", "INSUREDS DATE OF BIRTH MM DD", id="capitals-kept"),
        pytest.param("Barth Date: 02/19/1974", "Birth Date: 02/19/1974", id="marks-kept"),
        pytest.param("2 PATIENTS NAME (Last Name)", "2 PATIENT'S NAME (Last Name)", id="possessive"),
        pytest.param("CREATlON DATE 081925", "CREATION DATE 081925", id="an-issue-date-label"),
        pytest.param(
            "Request # Date vf Request", "Request # Date of Request", id="a-short-word-between-exact"
        ),
        pytest.param("Date Sigmed: 10/20/2026", "Date Signed: 10/20/2026", id="date-then-participle"),
        pytest.param("Colfection Date: 05/01/2026", "Collection Date: 05/01/2026", id="an-event-date-label"),
    ],
)
def test_a_misread_label_phrase_is_restored(line: str, restored: str) -> None:
    words = line.split()
    fixed = restorations(words)
    assert " ".join(fixed.get(i, w) for i, w in enumerate(words)) == restored.replace("  ", " ")


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("Birch, Anna", id="a-surname-alone"),
        pytest.param("Patient: PATTEN, JOHN", id="a-surname-one-edit-from-patient"),
        pytest.param("Custodian of Medical Records", id="a-plural-is-not-a-misreading"),
        pytest.param("Date 0f Birta", id="a-short-word-only-between-exact-words"),
        pytest.param("Patient Nome: ROE", id="a-short-word-in-a-phrase-of-two"),
        pytest.param("Service rate", id="a-short-word-beside-one-exact-word"),
        pytest.param("Dote of Barth", id="no-word-exact-beyond-the-short-one"),
        pytest.param("Date of Birth", id="already-right"),
    ],
)
def test_names_and_ordinary_words_are_left_alone(line: str) -> None:
    assert restorations(line.split()) == {}


def test_a_page_keeps_its_geometry_and_only_the_label_words_change() -> None:
    words = (
        Word("Date", 10, 10, 40, 12, 90.0, (1, 1, 1)),
        Word("of", 55, 10, 15, 12, 90.0, (1, 1, 1)),
        Word("Birta", 75, 10, 40, 12, 40.0, (1, 1, 1)),
        Word("Birta", 10, 40, 40, 12, 90.0, (1, 1, 2)),  # a surname alone on the next line
        Word("LOUISE", 55, 40, 60, 12, 90.0, (1, 1, 2)),
    )
    page = OcrPage(number=1, text="Date of Birta\nBirta LOUISE", words=words)
    restored = restore_labels(page)
    assert restored.text == "Date of Birth\nBirta LOUISE"
    assert [w.text for w in restored.words] == ["Date", "of", "Birth", "Birta", "LOUISE"]
    assert [(w.left, w.top, w.width) for w in restored.words] == [(w.left, w.top, w.width) for w in words]
    assert restore_labels(OcrPage(number=1, text="Date of Birth")) == OcrPage(number=1, text="Date of Birth")
