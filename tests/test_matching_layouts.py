"""The patient found on layouts real forms print, each beside a distractor that must not be taken for them.

Pages are written as text with their columns aligned (a text page is laid out in characters: runs of two
or more spaces separate cells, a line is a row), so a caption sits over its value exactly as on a form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from scenarios import ocr_of

from chartfile.matching import PatientIndex, decide, extract
from chartfile.records import OcrPage, OcrResult, PatientRecord, Status, Word
from chartfile.settings import MatchingSettings

D = dt.date
RECEIVED = D(2026, 11, 2)
PATIENTS = [
    PatientRecord("1000001", "Whitfield", "Harold", "James", D(1957, 3, 4), phone="617-555-0101"),
    PatientRecord("1000002", "Okonkwo", "Adaeze", "", D(1984, 11, 23), address="12 Elm Street"),
    PatientRecord("1000003", "Lindqvist", "Margaret", "Anne", D(1949, 7, 15), phone="617-555-0103"),
    PatientRecord("1000004", "Whitfield", "Margaret", "", D(1959, 6, 1)),  # Harold's wife, also a patient
    PatientRecord("1000005", "Castellanos", "Ruben", "", D(1971, 2, 14)),
]
INDEX = PatientIndex.from_records(PATIENTS)
SETTINGS = MatchingSettings()


def document(*pages: str, source: str = "ocr") -> OcrResult:
    return ocr_of(*pages, source=source)


def decided(result: OcrResult) -> tuple[Status, str | None, list[str]]:
    decision = decide(extract(result, reference_date=RECEIVED), INDEX, SETTINGS)
    return decision.status, decision.patient_mrn, [c.mrn for c in decision.candidates]


CLAIM_FORM = """\
HEALTH INSURANCE CLAIM FORM
1a. INSURED'S I.D. NUMBER                  4. INSURED'S NAME (Last Name, First Name, Middle Initial)
XJH883310021                               WHITFIELD, MARGARET
2. PATIENT'S NAME (Last Name, First Name, Middle Initial)    3. PATIENT'S BIRTH DATE MM DD YY    SEX
WHITFIELD, HAROLD J                                          03 04 1957                          M
11a. INSURED'S DATE OF BIRTH MM DD YY
06 01 1959
"""

REQUISITION = """\
LABORATORY REQUISITION
Last Name        First Name     MI    DOB           Sex    Phone
Okonkwo          Adaeze               11/23/1984    F      (508) 555-0199
GUARANTOR / INSURED
Last Name        First Name     Relationship    DOB
Lindqvist        Margaret       Mother          07/15/1949
Ordering Physician: Ruben Castellanos MD      Collected: 10/28/2026
"""

INITIAL_BETWEEN = """\
SPECIMEN LABEL
Last Name      MI    First Name    Birth Date
Okonkwo        C     Adaeze        11/23/1984
Ordering: Harold Whitfield MD
"""

PAYER_FORM = """\
PRIOR AUTHORIZATION REQUEST
Member Name: Adaeze Okonkwo           Member ID: ZQ7781123
Member DOB: 11/23/1984
Prescriber: Margaret Lindqvist, NP    NPI: 1457382910
"""

PAYER_FORM_WITH_PATIENT = """\
PRIOR AUTHORIZATION REQUEST
Patient Name: Adaeze Okonkwo          Patient DOB: 11/23/1984
Member (Subscriber): Margaret Lindqvist      Member DOB: 07/15/1949
"""

BANDED = """\
DISCHARGE SUMMARY
PATIENT INFORMATION
Harold J Whitfield
Born 03/04/1957      Admitted 10/01/2026
ATTENDING PHYSICIAN
Ruben Castellanos
"""

SHORT_LABELS = """\
URGENT CARE VISIT SUMMARY
Pt: Castellanos, Ruben    DOB 02/14/1971    Acct 77120
PCP: Harold Whitfield MD    Emerg. contact: Margaret Lindqvist (sister) 07/15/1949
"""

RE_LETTER = """\
October 30, 2026
Medical Records Department
RE: Harold Whitfield, date of birth March 4, 1957
Please send the records of our client for the date of injury 09/12/2025.
cc: Margaret Whitfield
"""


@pytest.mark.parametrize(
    ("page", "mrn"),
    [
        pytest.param(CLAIM_FORM, "1000001", id="caption-above-boxes-insured-distractor"),
        pytest.param(REQUISITION, "1000002", id="header-row-guarantor-and-physician-distractors"),
        pytest.param(INITIAL_BETWEEN, "1000002", id="middle-initial-box-between-last-and-first"),
        pytest.param(PAYER_FORM, "1000002", id="member-is-the-patient-prescriber-distractor"),
        pytest.param(
            PAYER_FORM_WITH_PATIENT, "1000002", id="member-is-the-subscriber-beside-a-patient-field"
        ),
        pytest.param(BANDED, "1000001", id="name-alone-under-a-band-attending-distractor"),
        pytest.param(RE_LETTER, "1000001", id="re-line-letter-cc-distractor"),
        pytest.param(SHORT_LABELS, "1000005", id="short-labels-pcp-and-emergency-contact-distractors"),
    ],
)
def test_the_patient_is_found_where_forms_print_it(page: str, mrn: str) -> None:
    status, filed, _ = decided(document(page))
    assert (status, filed) == (Status.FILED, mrn)


def test_a_listed_name_without_a_birth_date_or_mrn_never_files() -> None:
    page = "CONSULT NOTE\nReferring physician: Margaret Lindqvist\nSeen today for follow-up.\n"
    status, filed, candidates = decided(document(page))
    assert status is not Status.FILED and filed is None
    assert "1000003" in candidates or not candidates


def test_a_listed_patient_found_only_as_a_provider_is_never_filed() -> None:
    page = "Attending physician: Margaret Lindqvist   DOB 07/15/1949\nResults attached.\n"
    status, filed, _ = decided(document(page))
    assert (status, filed) != (Status.FILED, "1000003")


@pytest.mark.parametrize(
    "surname",
    [
        pytest.param("Whitfeld", id="dropped-letter"),
        pytest.param("Whittfield", id="doubled-letter"),
        pytest.param("Whitfiled", id="transposition"),
        pytest.param("Whitfiald", id="another-letter"),
    ],
)
def test_a_clean_one_letter_variant_of_a_listed_surname_goes_to_review(surname: str) -> None:
    """An unlisted person whose surname is one letter off a listed patient's, same first name and DOB."""
    page = f"Patient Name: Harold {surname}\nDOB: 03/04/1957\n"
    for source in ("ocr", "text-layer"):
        status, filed, candidates = decided(document(page, source=source))
        assert (status, filed) == (Status.REVIEW, None)
        assert candidates[0] == "1000001"  # the clerk sees the listed patient it resembles


@pytest.mark.parametrize(
    ("printed", "in_a_text_layer"),
    [
        pytest.param("Whitfie1d", (Status.FILED, "1000001"), id="a-digit-for-a-letter"),
        pytest.param("Wh1tfie1d", (Status.FILED, "1000001"), id="two-digits-for-letters"),
        pytest.param("WHITFIFLD", (Status.REVIEW, None), id="a-letter-for-a-letter"),
    ],
)
def test_an_ocr_confusion_in_the_surname_files_where_ocr_read_the_name(
    printed: str, in_a_text_layer: tuple[Status, str | None]
) -> None:
    """On a page chartfile OCR'd, any OCR confusion; in a text layer only a digit inside the name marks the
    layer as OCR's own (a scanner's or fax server's searchable PDF): a letter for a letter may be typed.
    (The phone printed too: a letter for a letter with the birth date alone is for a clerk, see below.)"""
    page = f"Patient Name: Harold {printed}\nDOB: 03/04/1957\nPhone: 617-555-0101\n"
    assert decided(document(page, source="ocr"))[:2] == (Status.FILED, "1000001")
    assert decided(document(page, source="text-layer"))[:2] == in_a_text_layer


@pytest.mark.parametrize(
    ("printed", "verdict"),
    [
        pytest.param("WHlTFIELD", (Status.FILED, "1000001"), id="a-small-l-for-an-I"),
        pytest.param("WH1TFIELD", (Status.FILED, "1000001"), id="a-one-for-an-I"),
        pytest.param("WHLTFIELD", (Status.REVIEW, None), id="a-capital-L-for-an-I"),
        pytest.param("WHITFIELO", (Status.REVIEW, None), id="an-O-for-a-D"),
        pytest.param("WHITEIELD", (Status.FILED, "1000001"), id="an-E-for-an-F"),
        pytest.param("WHITFIELB", (Status.REVIEW, None), id="a-B-for-a-D"),
    ],
)
def test_ocr_confusions_run_one_way(printed: str, verdict: tuple[Status, str | None]) -> None:
    """An OCR'd capital L is not a misread I: "BLNS" printed cleanly is another person than the listed
    Bins, with the same first name and birth date. A small l or a 1 for an I is OCR's; E and F go both
    ways (a scan read a printed F as E at confidence 91). The patient's phone is printed too."""
    page = f"Patient Name: Harold {printed}\nDOB: 03/04/1957\nPhone: 617-555-0101\n"
    assert decided(document(page, source="ocr"))[:2] == verdict


@pytest.mark.parametrize(
    ("extra", "second_page", "verdict"),
    [
        pytest.param("", "", (Status.REVIEW, None), id="printed-once-birth-date-alone"),
        pytest.param("Phone: 617-555-0101\n", "", (Status.FILED, "1000001"), id="with-the-phone"),
        pytest.param("MRN: 1000001\n", "", (Status.FILED, "1000001"), id="with-the-mrn"),
        pytest.param(
            "", "Harold J Whitfield  page 2 of 2\n", (Status.FILED, "1000001"), id="printed-again-as-listed"
        ),
    ],
)
def test_a_surname_printed_once_a_fold_off_the_list_needs_a_third_identifier(
    extra: str, second_page: str, verdict: tuple[Status, str | None]
) -> None:
    """ "WHITEIELD" printed once, with Harold's first name and birth date: an F OCR read as an E, or a
    namesake the list does not hold whose name is spelled so (the two both read the same). The phone,
    the MRN or the name printed as listed elsewhere says it is Harold; without them a clerk decides."""
    page = f"Patient Name: Harold WHITEIELD\nDOB: 03/04/1957\n{extra}"
    pages = (page, second_page) if second_page else (page,)
    assert decided(document(*pages, source="ocr"))[:2] == verdict


@pytest.mark.parametrize(
    ("page", "verdict"),
    [
        pytest.param("Adaeze OKORIKWO\nDOB: 11/23/1984", (Status.FILED, "1000002"), id="ri-for-an-n"),
        pytest.param("Ruben CASTELLARIOS\nDOB: 02/14/1971", (Status.FILED, "1000005"), id="ri-for-the-n"),
        pytest.param("Adaeze OKORKWO\nDOB: 11/23/1984", (Status.REVIEW, None), id="an-r-for-an-n"),
        pytest.param("Adaeze OKOIKWO\nDOB: 11/23/1984", (Status.REVIEW, None), id="an-i-for-an-n"),
    ],
)
def test_ri_read_for_an_n_is_an_ocr_confusion(page: str, verdict: tuple[Status, str | None]) -> None:
    """OCR reads an n whose arch a fax broke as "ri" (as it reads an m as "rn"): OKORIKWO is Okonkwo, and
    with the birth date agreeing the page files. One letter for the n is a spelling: review."""
    assert decided(document(f"Patient Name: {page}\n", source="ocr"))[:2] == verdict
    assert decided(document(f"Patient Name: {page}\n", source="text-layer"))[:2] == (Status.REVIEW, None)


SPLIT_CAPTION = """\
HOME HEALTH CERTIFICATION AND PLAN OF CARE
(6    Patient's Name and Address        7. Provider's Name and Address
WHITFIELD,    HAROLD J                  Ruben Castellanos Home Care
12 Elm Street                           854 Main St
Boston, MA 02101                        Plymouth, MA 02360
                                        Phone: 401-598-0329
8. Date of Birth    9. Sex
03/04/1957          M
"""


def test_a_name_ocr_split_in_two_cells_takes_the_caption_over_either() -> None:
    """OCR read a box's caption in two pieces ("(6" | "Patient's Name and Address") and the name under it
    likewise ("WHITFIELD," | "HAROLD J"): the caption over the first name labels the whole name, so the
    birth date boxed five rows below is the patient's and the page files. The provider named in the next
    box (a listed patient too) is not taken for the patient."""
    assert decided(document(SPLIT_CAPTION, source="ocr")) == (Status.FILED, "1000001", ["1000001", "1000005"])


@pytest.mark.parametrize(
    ("printed", "verdict"),
    [
        pytest.param("HAROLDJ", (Status.FILED, "1000001"), id="the-space-before-the-initial-lost"),
        pytest.param("HAROID.J", (Status.FILED, "1000001"), id="and-its-L-read-as-an-I"),
        pytest.param("HAROIDJ", (Status.FILED, "1000001"), id="and-the-mark-lost-too"),
        pytest.param("HAROIJ.J", (Status.REVIEW, None), id="and-another-letter"),
    ],
)
def test_a_first_name_glued_to_its_initial_and_misread(
    printed: str, verdict: tuple[Status, str | None]
) -> None:
    """ "WHITFIELD, HAROID.J": OCR lost the space before the middle initial and read the L as an I. Both
    are OCR's, so with the birth date the page files, in a labelled field or a box no label names; in a
    text layer it is a spelling. A letter no confusion explains is for a clerk."""
    for page in (
        f"Patient Name: WHITFIELD, {printed}\nDOB: 03/04/1957\n",
        f"ENROLLEE INFORMATION\nWHITFIELD, {printed}    Plan ID 0001\n03/04/1957\n",
    ):
        assert decided(document(page, source="ocr"))[:2] == verdict
        assert decided(document(page, source="text-layer"))[:2] == (Status.REVIEW, None)


INSURED_ONLY = """\
HEALTH INSURANCE CLAIM FORM
2. PAT CNT $NAME (Last Name, First Name, MI)    3. PATIENTS RINT ATE       4. INSYRCC S NAME (Last, First, MI)
WHITFIELD, TOMMY J                               07 27 2017                 WHITFIELD, MARGARET
5. PATIENT'S ADDRESS (No. Street)                6. RELATIONSHIP            7. INSURED'S ADDRESS (No. Street)
12 Elm Street                                    Child                      12 Elm Street
CITY                                             STATE                      CITY
BOSTON                                           MA                         BOSTON
ZIP CODE                                                                    ZIP CODE
02101                                                                       02101
                                                                            11. INSURED'S POLICY GROUP
                                                                            957923
                                                                            {caption}
                                                                            06 01 1959
"""


INSURED_BELOW = """\
HEALTH INSURANCE CLAIM FORM
2. PAT CNT $NAME (Last Name, First Name, MI)    3. PATIENTS RINT ATE       4. INSYRCC S NAME (Last, First, MI)
WHITFIELD, TOMMY J                               07 27 2017                 WHITFIELD, MARGARET
5. PATIENT'S ADDRESS (No. Street)                                           {caption}
12 Elm Street                                                               06 01 1959
"""


@pytest.mark.parametrize(
    ("layout", "caption", "verdict"),
    [
        pytest.param(INSURED_ONLY, "a. INSURED S DAIF OF BIRTH", (Status.REVIEW, None), id="afar-damaged"),
        pytest.param(INSURED_ONLY, "a. INSURED'S DATE OF BIRTH", (Status.REVIEW, None), id="afar-insureds"),
        pytest.param(INSURED_ONLY, "8. DATE OF BIRTH", (Status.FILED, "1000004"), id="afar-naming-no-one"),
        pytest.param(
            INSURED_BELOW, "a. INSURED'S DATE OF BIRTH", (Status.REVIEW, None), id="beside-insureds"
        ),
        pytest.param(INSURED_BELOW, "a. INSURED S DAIF OF BIRTH", (Status.REVIEW, None), id="beside-damaged"),
        pytest.param(INSURED_BELOW, "INSURED'S DOB", (Status.REVIEW, None), id="beside-short-label"),
        pytest.param(INSURED_BELOW, "DATE OF BIRTH", (Status.FILED, "1000004"), id="beside-naming-no-one"),
    ],
)
def test_a_birth_date_captioned_as_anothers_is_not_the_patients(
    layout: str, caption: str, verdict: tuple[Status, str | None]
) -> None:
    """A claim for an unlisted child whose captions OCR damaged: the insured's name box ("INSYRCC S NAME")
    reads as a name field, and the listed insured's birth date sits in the insured's box, ten rows below
    (INSURED_ONLY) or just under the name box (INSURED_BELOW). A birth date its caption gives the insured,
    read as a birth-date label or too damaged to be, is not the patient's, however far a name box lends
    its name, nor beside it: review, not a misfile. Under a caption that names no one, a form's
    birth-date box is the name box's."""
    assert decided(document(layout.format(caption=caption), source="ocr"))[:2] == verdict


FILED_1 = (Status.FILED, "1000001")
FILED_3, REVIEW = (Status.FILED, "1000003"), (Status.REVIEW, None)


@pytest.mark.parametrize(
    ("above", "verdict"),
    [
        pytest.param("Patient will walk with a walker and a cane within 4 weeks", FILED_1, id="a-goal"),
        pytest.param("PATIENT AND FAMILY SUPPORT AT HOME FOR THIS EPISODE", REVIEW, id="a-patient-band"),
    ],
)
def test_prose_above_a_name_is_no_caption(above: str, verdict: tuple[Status, str | None]) -> None:
    """A plan of care names the patient's caregiver, a listed patient too, under a line of prose that
    mentions the patient: the prose labels nothing, so the caregiver is not read as a second patient. A
    band saying PATIENT over the same line does make it a patient field."""
    page = (
        "HOME HEALTH PLAN OF CARE\nPatient Name: WHITFIELD, HAROLD J\nDate of Birth: 03/04/1957\n"
        f"Goals\n{above}\nCaregiver:    Margaret Whitfield (wife) helps\n"
    )
    assert decided(document(page, source="ocr"))[:2] == verdict


@pytest.mark.parametrize(
    ("printed", "verdict", "in_a_text_layer"),
    [
        pytest.param("MAGGIE", FILED_3, FILED_3, id="a-nickname"),
        pytest.param("MAGGIF", FILED_3, REVIEW, id="a-nickname-its-E-read-as-F"),
        pytest.param("MAGG1E", FILED_3, FILED_3, id="a-nickname-its-I-read-as-1-even-in-a-text-layer"),
        pytest.param("MAGGIR", REVIEW, REVIEW, id="a-nickname-with-another-letter"),
    ],
)
def test_a_nickname_ocr_misread_is_the_nickname(
    printed: str, verdict: tuple[Status, str | None], in_a_text_layer: tuple[Status, str | None]
) -> None:
    """A fax printing Margaret Lindqvist as "MAGGIF LINDQVIST": OCR's E read as F, of the nickname Maggie.
    Where OCR read the page it files with the birth date; in a text layer "MAGGIF" is a spelling (a digit
    in a name shows the layer is OCR's own, as for any name)."""
    page = f"Patient Name: {printed} LINDQVIST\nDOB: 07/15/1949\n"
    assert decided(document(page, source="ocr"))[:2] == verdict
    assert decided(document(page, source="text-layer"))[:2] == in_a_text_layer


@pytest.mark.parametrize(
    ("printed", "verdict"),
    [
        pytest.param("ILNDQVIST", (Status.REVIEW, None), id="its-L-and-I-swapped"),
        pytest.param("IINDQVIST", (Status.FILED, "1000003"), id="its-L-read-as-an-I"),
        pytest.param("LlNDQVIST", (Status.FILED, "1000003"), id="its-I-read-as-a-small-l"),
    ],
)
def test_a_capital_l_stands_only_where_the_listed_name_has_one(
    printed: str, verdict: tuple[Status, str | None]
) -> None:
    """ "ILNDQVIST" holds as many L's as Lindqvist, but its L stands where the listed name has its I: the
    two letters swapped, as a sender types them, not OCR's misreading (an L read as an I, yes)."""
    page = f"Patient Name: Margaret {printed}\nDOB: 07/15/1949\nPhone: 617-555-0103\n"
    assert decided(document(page, source="ocr"))[:2] == verdict


def test_a_first_name_run_into_its_middle_initial_is_the_patients_on_an_ocr_page() -> None:
    page = "Patient Name: HAROLDJ WHITFIELD\nDOB: 03/04/1957\n"
    assert decided(document(page, source="ocr"))[:2] == (Status.FILED, "1000001")
    unlisted = "Patient Name: HAROLDX WHITFIELD\nDOB: 03/04/1957\n"  # no middle name X: not a lost space
    assert decided(document(unlisted, source="ocr"))[:2] == (Status.REVIEW, None)
    nickname = "Patient Name: HALJ WHITFIELD\nDOB: 03/04/1957\n"  # Hal, a nickname, and the initial J
    assert decided(document(nickname, source="ocr"))[:2] == (Status.FILED, "1000001")
    assert decided(document(nickname.replace("HALJ", "HALX"), source="ocr"))[:2] == (Status.REVIEW, None)


def test_digit_boxes_whose_rules_read_as_braces_are_a_birth_date() -> None:
    page = CLAIM_FORM.replace("03 04 1957", "03 04} 1957")
    result = extract(document(page), reference_date=RECEIVED)
    decision = decide(result, INDEX, SETTINGS)
    assert (decision.status, decision.patient_mrn) == (Status.FILED, "1000001")
    assert decision.candidates[0].reading is not None
    assert decision.candidates[0].reading.dob == D(1957, 3, 4)


@pytest.mark.parametrize(
    ("printed", "read"),
    [
        pytest.param("[03 |[o4 |[1957 |", D(1957, 3, 4), id="boxes"),
        pytest.param("O3/04/1957", D(1957, 3, 4), id="slashed"),
        pytest.param("[03 |[Ox |[1957 |", None, id="not-a-number"),
    ],
)
def test_a_zero_read_as_the_letter_o_in_a_birth_date_is_a_zero(printed: str, read: dt.date | None) -> None:
    """OCR reads a boxed or printed zero as "o"; inside a number it is a zero, beside a letter it is not."""
    page = CLAIM_FORM.replace("03 04 1957", printed)
    decision = decide(extract(document(page), reference_date=RECEIVED), INDEX, SETTINGS)
    harold = [c.reading for c in decision.candidates if c.mrn == "1000001" and c.reading is not None]
    assert [reading.dob for reading in harold] == [read]
    expected = (Status.FILED, "1000001") if read else (Status.REVIEW, None)
    assert (decision.status, decision.patient_mrn) == expected


def _harold_on_the_claim(printed: str) -> tuple[Status, str | None, str, dt.date | None]:
    """The claim form with its birth-date boxes printed as `printed`: the decision's status and patient,
    and Harold's birth-date level and the birth date his reading took."""
    decision = decide(
        extract(document(CLAIM_FORM.replace("03 04 1957", printed)), reference_date=RECEIVED), INDEX, SETTINGS
    )
    harold = next(c for c in decision.candidates if c.mrn == "1000001")
    dob = next(f for f in harold.fields if f.field == "dob")
    return decision.status, decision.patient_mrn, dob.level, harold.reading.dob if harold.reading else None


@pytest.mark.parametrize(
    ("printed", "filed"),
    [
        pytest.param("(03 (04 195k |", True, id="year-box-half-read"),
        pytest.param("(03 (05 195k |", False, id="a-read-digit-differs"),
        pytest.param("(03 (04 19k |", False, id="the-decade-unread"),
    ],
)
def test_digit_boxes_ocr_partly_misread_agree_with_a_listed_patient_named_beside_them(
    printed: str, filed: bool
) -> None:
    """The listed patient's birth date reads through boxes OCR could not wholly read ("195k" for 1957):
    an agreeing birth date, shown as such; a box whose digits read otherwise is no agreement, nor is a
    year whose decade is unread (a son named for his father may share the day)."""
    status, filed_to, level, read = _harold_on_the_claim(printed)
    if filed:
        assert (status, filed_to) == (Status.FILED, "1000001")
        assert (level, read) == ("glyphs", D(1957, 3, 4))
    else:
        assert status is Status.REVIEW
        assert level == "null"


@pytest.mark.parametrize(
    ("printed", "filed"),
    [
        pytest.param("03 | 84 | 1957", True, id="an-impossible-day-its-0-read-as-8"),
        pytest.param("03 | 04 | 7957", True, id="an-impossible-year-its-1-read-as-7"),
        pytest.param("1957-93-04", True, id="an-impossible-iso-month-its-0-read-as-9"),
        pytest.param("03 | 34 | 1957", False, id="an-impossible-day-but-3-is-not-read-for-0"),
        pytest.param("03 | 84 | 7957", False, id="an-impossible-date-two-digits-off"),
        pytest.param("08 | 04 | 1957", False, id="a-possible-month-one-confusable-digit-off"),
        pytest.param("03 | 04 | 1987", False, id="a-possible-year-one-confusable-digit-off"),
    ],
)
def test_a_birth_date_that_cannot_be_a_date_agrees_when_one_digit_ocr_confuses_explains_it(
    printed: str, filed: bool
) -> None:
    """Digits no calendar has (day 84, year 7957) are certainly misread: one digit off the listed
    birth date, by a digit OCR takes for it, agrees. A date that could be real and is a digit off is
    another date (a relative's, a typo), and a digit OCR does not confuse explains nothing."""
    status, filed_to, level, read = _harold_on_the_claim(printed)
    if filed:
        assert (status, filed_to) == (Status.FILED, "1000001")
        assert (level, read) == ("glyphs", D(1957, 3, 4))
    else:
        assert status is Status.REVIEW
        assert level != "glyphs"


INSTITUTIONAL_CLAIM = """\
UB-04 CMS-1450
8 PATIENT NAME          a                          9 PATIENT ADDRESS
b {name}                                 a 14 ELM STREET
10 BIRTHDATE   11 SEX   12 DATE   ADMISSION 13 HR 14 TYPE
{dob}       F        10282026            09    3
58 INSURED'S NAME                     59 P.REL  60 INSURED'S UNIQUE ID
WHITFIELD, MARGARET                   01        XJH883310021
"""


def test_an_institutional_claims_numbered_boxes_give_the_patient_and_an_eight_digit_birth_date() -> None:
    """Box numbers without a period ("8 PATIENT NAME"), a sub-box letter before the value ("b") and the
    birth date as eight digits (MMDDYYYY): the unlisted patient is read, the listed insured is not filed."""
    page = INSTITUTIONAL_CLAIM.format(name="PEMBERTON, LUCY A", dob="06241984")
    extraction = extract(document(page), reference_date=RECEIVED)
    patient = extraction.identities[0]
    assert (patient.last_name, patient.first_name, patient.dob) == ("PEMBERTON", "LUCY", D(1984, 6, 24))
    assert decide(extraction, INDEX, SETTINGS).status is not Status.FILED
    listed = INSTITUTIONAL_CLAIM.format(name="WHITFIELD, HAROLD J", dob="03041957")
    assert decided(document(listed))[:2] == (Status.FILED, "1000001")


@pytest.mark.parametrize(
    "caption",
    [
        pytest.param(
            "3. PATIENT'S BIRTH DATE MM | | SEX [| 4. INSURED'S NAME (Last Name, First Name, MI)", id="merged"
        ),
        pytest.param("3. PATIENT S BIRTH DAE", id="ocr-dropped-a-letter"),
    ],
)
def test_an_unlisted_patient_printed_surname_first_under_a_long_merged_caption(caption: str) -> None:
    """A claim's name box says "(Last Name, First Name, Middle Initial)" and prints no comma; OCR ran the
    birth date's caption into the next box's. The unlisted patient is read surname first, with the
    birth date under the whole caption."""
    page = (
        "HEALTH INSURANCE CLAIM FORM\n"
        f"2. PATIENT'S NAME (Last Name, First Name, Middle Initial)    {caption}\n"
        "PEMBERTON LUCY A                                             06|[24]/1984|\n"
    )
    identities = extract(document(page), reference_date=RECEIVED).identities
    read = [(i.last_name, i.first_name, i.middle_name, i.dob) for i in identities]
    assert read[0] == ("PEMBERTON", "LUCY", "A", D(1984, 6, 24))


@pytest.mark.parametrize(
    "boxes",
    [
        pytest.param("06    |/24 || 1984", id="month-box-in-a-cell-of-its-own"),
        pytest.param("06    “24   ‘1984’", id="rules-read-as-quotes-three-cells"),
    ],
)
def test_a_birth_date_whose_boxes_ocr_split_into_cells_under_its_caption_is_one_date(boxes: str) -> None:
    """The gaps between digit boxes split the date into cells under its caption; the caption's value is
    every digit cell under it, whichever of them overlaps the caption most, and rules read as quotes."""
    page = (
        "2. PATIENT'S NAME (Last Name, First Name, MI)    3. PATIENT'S BIRTH DATE MM DD YY     SEX\n"
        f"PEMBERTON, LUCY A                                 {boxes}                 F\n"
    )
    patient = extract(document(page), reference_date=RECEIVED).identities[0]
    assert (patient.last_name, patient.first_name, patient.dob) == ("PEMBERTON", "LUCY", D(1984, 6, 24))


def test_an_unlisted_patients_boxed_birth_date_is_read_under_its_caption() -> None:
    """Someone not on the list: no search finds them, so the labelled reading is all a clerk gets; the
    boxed birth date under its caption (a zero read as "o") is theirs, the insured's box is not."""
    page = CLAIM_FORM.replace("WHITFIELD, HAROLD J", "PEMBERTON, LUCY A  ").replace(
        "03 04 1957", "[o6 |[24 ||1984]"
    )
    extraction = extract(document(page), reference_date=RECEIVED)
    patient = extraction.identities[0]
    assert (patient.last_name, patient.first_name, patient.dob) == ("PEMBERTON", "LUCY", D(1984, 6, 24))
    assert decide(extraction, INDEX, SETTINGS).status is not Status.FILED


def test_a_first_name_and_initial_whose_surname_sits_in_another_box_are_no_name() -> None:
    """The caption sits over the first name's box only ("WHITFIELD, | HAROLD J"): "HAROLD J" is no one
    called J, so no labelled patient field names someone other than Harold Whitfield."""
    page = (
        "HEALTH INSURANCE CLAIM FORM\n"
        "              2. PATIENT'S NAME (Last, First, MI)    3. PATIENT'S BIRTH DATE MM DD YY\n"
        "WHITFIELD,    HAROLD J                               [03 |[04 ||1957]\n"
    )
    extraction = extract(document(page), reference_date=RECEIVED)
    assert [i.last_name for i in extraction.identities if i.last_name] == []
    assert decided(document(page))[:2] == (Status.FILED, "1000001")


def test_a_listed_guarantor_with_a_birth_date_is_ranked_after_the_patient_read_in_the_patients_field() -> (
    None
):
    """The guarantor agrees on more fields than the patient (a birth date is printed only for them), but a
    clerk is shown the patient's field first: someone else's field is evidence about someone else."""
    page = "CLAIM SUMMARY\nPatient: Adaeze Okonkwo\nGuarantor: Margaret Lindqvist    DOB: 07/15/1949\n"
    status, filed, candidates = decided(document(page))
    assert status is not Status.FILED and filed is None
    assert candidates[:2] == ["1000002", "1000003"]


def test_a_date_under_a_filled_birth_date_field_is_not_a_birth_date() -> None:
    """OCR misread the birth date ("95/04/1957": no such month); the visit date on the line below sits
    under the DOB field, not under a caption, and is no birth date to count against the patient."""
    page = (
        "ENCOUNTER SUMMARY\nName (Last, First): WHITFIELD, HAROLD DOB: 95/04/1957 Age: 69 Sex: M\n"
        "MRN: 1000001 Visit Date: 10/11/2026 Provider: Ruben Castellanos, MD\n"
    )
    assert decided(document(page))[:2] == (Status.FILED, "1000001")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param(
            "Patient: Harold J Wnittield    DOB: 03/04/1957", (Status.FILED, "1000001"), id="misread"
        ),
        pytest.param("Patient: Harold J Castellanos    DOB: 03/04/1957", (Status.REVIEW, None), id="another"),
        pytest.param(
            "Patient: Edmund J Wnittield    DOB: 03/04/1957", (Status.REVIEW, None), id="first-differs"
        ),
    ],
)
def test_a_running_header_whose_surname_ocr_damaged_is_the_same_patient(
    header: str, expected: tuple[Status, str | None]
) -> None:
    """Page 2's header repeats the patient's first name and birth date with the surname damaged past any
    OCR fold: the same person, not a second patient. Another surname, or another first name, is not."""
    first = "Patient Name: Harold J Whitfield    D.O.B.: 03/04/1957    MRN: 1000001\nOrders attached.\n"
    assert decided(document(first, f"{header}\nPage 2 of 2\n"))[:2] == expected


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        pytest.param(
            "RE: Our Client: HAROLD J.WHITFIELD\nDOB: 03/04/1957\n", (Status.FILED, "1000001"), id="re"
        ),
        pytest.param(
            "Patient: MARGARET A.WHITFIELD    DOB: 06/01/1959\n", (Status.FILED, "1000004"), id="field"
        ),
        pytest.param("Patient: HAROLD J.WHITFELD    DOB: 03/04/1957\n", (Status.REVIEW, None), id="misspelt"),
    ],
)
def test_an_initial_glued_to_the_surname_by_its_period_is_two_words(
    page: str, expected: tuple[Status, str | None]
) -> None:
    """OCR lost the space after the middle initial's period ("J.WHITFIELD"): the surname is still there."""
    assert decided(document(page))[:2] == expected


@pytest.mark.parametrize(
    ("mrn", "source", "status"),
    [
        ("1000001", "ocr", Status.FILED),
        ("1000001", "text-layer", Status.FILED),
        ("1OOO0O1", "ocr", Status.FILED),  # letters OCR read for zeros
        ("1OOO0O1", "text-layer", Status.REVIEW),  # typed so: no OCR to blame
        ("1000007", "ocr", Status.REVIEW),  # another digit
    ],
)
def test_a_typo_is_tolerated_when_mrn_and_birth_date_both_agree(
    mrn: str, source: str, status: Status
) -> None:
    page = f"Patient Name: Harold Whitfeld\nDOB: 03/04/1957\nMRN: {mrn}\n"
    assert decided(document(page, source=source))[0] is status


def test_two_listed_patients_with_birth_dates_stay_in_review() -> None:
    page = "Harold Whitfield 03/04/1957\nAdaeze Okonkwo 11/23/1984\n"
    status, filed, candidates = decided(document(page))
    assert (status, filed) == (Status.REVIEW, None)
    assert set(candidates[:2]) == {"1000001", "1000002"}


def test_a_second_listed_patient_on_a_later_page_keeps_a_batch_fax_in_review() -> None:
    first = "LAB REPORT\nPatient: Harold Whitfield\nDOB: 03/04/1957\nGlucose 98\n"
    second = "LAB REPORT\nPatient: Adaeze Okonkwo\nDOB: 11/23/1984\nGlucose 101\n"
    status, filed, candidates = decided(document(first, second))
    assert (status, filed) == (Status.REVIEW, None)
    assert set(candidates[:2]) == {"1000001", "1000002"}


def test_a_labelled_patient_without_a_birth_date_keeps_a_second_patients_page_from_filing() -> None:
    """A batch EOB: page 1 names its patient without a birth date, page 2 another patient with one."""
    first = "EXPLANATION OF BENEFITS\nPatient: Harold Whitfield\nClaim 88213    Paid $40.00\n"
    second = "EXPLANATION OF BENEFITS\nPatient: Adaeze Okonkwo\nDOB: 11/23/1984\nClaim 88214\n"
    assert decided(document(first, second))[:2] == (Status.REVIEW, None)


def test_a_second_patient_whose_name_is_misspelled_still_keeps_a_batch_fax_in_review() -> None:
    """Page 1 is a listed patient with a typo in the surname and a birth date; page 2 another listed
    patient, printed exactly with birth date and MRN: filing page 2's patient would misfile page 1."""
    first = "STATEMENT\nMember: Okonkwa, Adaeze\nDate of Birth: 11/23/1984\nClaim 88213\n"
    second = "STATEMENT\nMember: Whitfield, Harold\nDate of Birth: 03/04/1957\nMRN 1000001\n"
    status, filed, candidates = decided(document(first, second))
    assert (status, filed) == (Status.REVIEW, None)
    assert {"1000001", "1000002"} <= set(candidates)


def test_a_member_with_a_misspelled_surname_beside_the_subscriber_still_counts_as_a_patient() -> None:
    """The member's surname is misspelled and the subscriber shares it: the member (read beside their own
    first name, not the subscriber's) is a second patient, so page 2's patient is not filed."""
    first = (
        "CLAIM SUMMARY\nSubscriber:    Okonkwa, Chidi    Member:    Okonkwa, Adaeze\n"
        "Subscriber ID:    ZX1182    Member DOB:    11/23/1984\nPatient Acct #:    A17882\n"
    )
    second = (
        "CLAIM SUMMARY\nClaimant:    Whitfield, Harold\nClaimant DOB:    03/04/1957\n"
        "Patient Acct #:    1000001\n"
    )
    assert decided(document(first, second, source="text-layer"))[:2] == (Status.REVIEW, None)


def test_a_member_on_a_page_without_a_patient_field_is_that_pages_patient() -> None:
    """A bundle of two payer notices: page 1 names its patient as "Member" (it has no patient field),
    page 2 has a "Patient" field. Page 1's member, with their DOB, is a second patient, not a subscriber."""
    first = (
        "CLAIM SUMMARY\nSubscriber:    Okonkwo, Adaeze    Member:    Okonkwo, Adaeze\n"
        "Member DOB:    11/23/1984    Relationship:    Self\n"
    )
    second = (
        "CLAIM SUMMARY\nSubscriber:    Whitfield, Margaret    Patient:    Whitfield, Harold J\n"
        "Patient DOB:    03/04/1957    Relationship:    Spouse\n"
    )
    status, filed, candidates = decided(document(first, second, source="text-layer"))
    assert (status, filed) == (Status.REVIEW, None)
    assert {"1000001", "1000002"} <= set(candidates)
    assert decided(document(second, source="text-layer"))[:2] == (Status.FILED, "1000001")


def test_a_listed_patients_mrn_beside_their_name_makes_them_a_second_patient_in_any_field() -> None:
    """Page 1's name sits in a field that reads as someone else's (the page also has a patient field),
    but the facility's MRN for that listed patient is printed beside it: they are a patient of the
    document, so page 2's patient is not filed."""
    first = (
        "CLAIM SUMMARY\nPatient Name:    ########\nSubscriber:    Okonkwo, Adaeze\n"
        "Patient Acct #:    1000002\n"
    )
    second = "CLAIM SUMMARY\nPatient:    Whitfield, Harold J\nPatient DOB:    03/04/1957\n"
    status, filed, candidates = decided(document(first, second, source="text-layer"))
    assert (status, filed) == (Status.REVIEW, None)
    assert {"1000001", "1000002"} <= set(candidates)


@pytest.mark.parametrize(("read", "status"), [("MET#-BRAUN", Status.FILED), ("METS-BRAUN", Status.REVIEW)])
def test_a_compound_surname_with_one_part_damaged_is_still_found_by_its_whole_part(
    read: str, status: Status
) -> None:
    """No label the extractor knows ("D.0.BE.") and a damaged first part: the birth date and the surname
    part printed whole find the patient. A glyph OCR could not read ('#', which no name prints) is no
    spelling difference, so the patient is filed; another letter there is one, for a clerk."""
    index = PatientIndex.from_records(
        [*PATIENTS, PatientRecord("1000040", "Metz-Braun", "Milo", "Ann", D(1984, 7, 13))]
    )
    page = f"Durable Medical Equipment Order\nName: MILO ANN {read} - D.0.BE.: 7/13/1984\n"
    decision = decide(extract(document(page), reference_date=RECEIVED), index, SETTINGS)
    assert decision.status is status and decision.candidates[0].mrn == "1000040"


def test_a_first_name_with_its_middle_initial_glued_on_is_found_under_a_banded_heading() -> None:
    """A band, the name alone below it with the space before the initial lost ("ADAEZEC"), and a birth
    date whose second slash reads as a 7, under a label OCR damaged ("Barth Date")."""
    index = PatientIndex.from_records(
        [*PATIENTS, PatientRecord("1000041", "Okafor", "Adaeze", "Chioma", D(1943, 2, 19))]
    )
    page = "CONSULTATION REPORT\nPATIENT\nOKAFOR, ADAEZEC\nBarth Date: 02/19743   Sex: F\n"
    decision = decide(extract(document(page), reference_date=RECEIVED), index, SETTINGS)
    assert (decision.status, decision.patient_mrn) == (Status.FILED, "1000041")
    first = {f.field: f.level for f in decision.candidates[0].fields}["first_name"]
    assert first == "ocr"  # the lost space is an OCR confusion, shown as one


def test_a_birth_date_whose_year_box_stands_apart_is_read_under_its_caption() -> None:
    """The space between a form's digit boxes splits the year from month and day as it splits columns:
    the caption's value is the date in all three boxes, and a distractor date in the next column is not."""
    page = (
        "2. PATIENT'S NAME (Last, First)    3. PATIENT'S BIRTH DATE MM | DD | YY         REQUEST DATE\n"
        "QUARTERMAINE ZEBULON               [03 |[05              [1958]                 01/14/2024\n"
    )
    identities = extract(document(page), reference_date=RECEIVED).identities
    assert [(i.last_name, i.dob) for i in identities if i.last_name] == [("QUARTERMAINE", D(1958, 3, 5))]


def test_a_listed_mrn_beside_a_misread_surname_finds_its_patient_for_review() -> None:
    """An identifier label the extractor does not know ("Client ID"), the surname misread and no birth
    date: the MRN and a word near it that reads like the patient's surname put them first for a clerk."""
    page = "PROGRESS NOTE\nClient Name: HAROLD WHITFIELO\nClient ID: 1000001\n"
    decision = decide(extract(document(page), reference_date=RECEIVED), INDEX, SETTINGS)
    assert decision.status is Status.REVIEW  # a surname OCR does not explain is a clerk's call
    assert decision.candidates and decision.candidates[0].mrn == "1000001"


def test_a_bundles_second_notice_naming_a_listed_dependent_stays_in_review_a_relative_does_not() -> None:
    """Page 2 is another payer notice, another subscriber's, whose patient is the "Dependent" (a role word
    chartfile does not know) printed as a listed patient without birth date or MRN: the bundle is two
    people's. A relative named in a field of the one notice ("Daughter:") is not a second patient."""
    first = (
        "CLAIM NOTICE\nSubscriber:    Whitfield, Margaret    Claimant:    Harold Whitfield\n"
        "Claimant DOB:    03/04/1957\nMRN:    1000001\n"
    )
    bundled = "CLAIM NOTICE\nSubscriber:    OKONKWO, ADAEZE    Dependent:    OKONKWO, ADAEZE\n"
    assert decided(document(first, bundled))[:2] == (Status.REVIEW, None)
    relative = (
        "TRANSFER FORM\nResident:    Harold Whitfield    DOB:    03/04/1957\nDaughter:    Adaeze Okonkwo\n"
    )
    assert decided(document(relative))[:2] == (Status.FILED, "1000001")


def test_an_unlisted_namesake_on_page_one_keeps_page_twos_patient_from_filing() -> None:
    """Page 1 is about a namesake of a listed patient (same name, another birth date: not on the list);
    page 2 about a listed patient. The document holds two people; it must not be filed to either."""
    first = "CLAIM SUMMARY\nClaimant:    WHITFIELD, HAROLD\nClaimant DOB:    08/19/1962\n"
    second = "CLAIM SUMMARY\nClaimant:    OKONKWO, ADAEZE\nClaimant DOB:    11/23/1984\n"
    assert decided(document(first, second))[:2] == (Status.REVIEW, None)


def test_a_second_patients_birth_date_keeps_the_document_in_review_even_when_their_name_is_unread() -> None:
    first = "STATEMENT\nPatient: Harold Whitfield    DOB: 03/04/1957\n"
    second = "STATEMENT\nClaimant: ########\nClaimant DOB: 02/29/1988\n"
    status, _, candidates = decided(document(first, second))
    assert status is Status.REVIEW and candidates[0] == "1000001"
    insured = "STATEMENT\nPatient: Harold Whitfield    DOB: 03/04/1957\nInsured DOB: 02/29/1988\n"
    assert decided(document(insured))[:2] == (Status.FILED, "1000001")  # someone else's, by its label


def test_a_listed_patient_beside_a_labelled_stranger_stays_in_review() -> None:
    page = "Patient: Zebulon Quartermaine   DOB: 02/29/1988\nHarold Whitfield 03/04/1957\n"
    assert decided(document(page))[:2] == (Status.REVIEW, None)


def test_an_agreeing_phone_is_an_identifier_and_a_name_with_a_phone_alone_is_not_filed() -> None:
    with_dob = "Patient: Harold Whitfield   Phone: (617) 555-0101\nDOB 03/04/1957\n"
    decision = decide(extract(document(with_dob), reference_date=RECEIVED), INDEX, SETTINGS)
    assert decision.status is Status.FILED
    assert {f.field: f.level for f in decision.candidates[0].fields}["phone"] == "exact"
    name_and_phone = "Patient: Harold Whitfield   Phone: (617) 555-0101\n"
    assert decided(document(name_and_phone))[:2] == (Status.REVIEW, None)


def namesakes(last: str, first: str, count: int, *, born: D) -> list[PatientRecord]:
    """`count` listed patients sharing one name, born 11 years apart from `born` on (no year a one-digit
    slip of another's)."""
    return [
        PatientRecord(f"30000{i:02d}", last, first, "", born.replace(year=born.year + 11 * i))
        for i in range(count)
    ]


def test_a_providers_name_shared_by_many_listed_patients_brings_none_of_them_as_candidates() -> None:
    """A million-patient list has hundreds of each common name. A physician's name, with no birth date
    or MRN of any of them printed, points to none: a few of them picked by list order would be no
    ranking for the clerk, and each costs a scoring."""
    index = PatientIndex.from_records([*PATIENTS, *namesakes("Castellanos", "Ruben", 10, born=D(1940, 3, 3))])
    decision = decide(extract(document(REQUISITION), reference_date=RECEIVED), index, SETTINGS)
    assert (decision.status, decision.patient_mrn) == (Status.FILED, "1000002")
    assert not [c.mrn for c in decision.candidates if c.mrn.startswith("30000")]


def test_of_many_namesakes_the_one_the_printed_birth_date_points_to_is_the_only_candidate() -> None:
    sakes = namesakes("Quintero", "Lucia", 10, born=D(1920, 8, 19))
    index = PatientIndex.from_records([*PATIENTS, *sakes])
    page = "PROGRESS NOTE\nPatient: Quintero, Lucia   DOB: 08/19/1964\nSeen today.\n"
    decision = decide(extract(document(page), reference_date=RECEIVED), index, SETTINGS)
    assert (decision.status, decision.patient_mrn) == (Status.FILED, sakes[4].mrn)
    assert [c.mrn for c in decision.candidates] == [sakes[4].mrn]


def test_many_namesakes_and_nothing_else_printed_leave_a_few_for_the_clerk() -> None:
    index = PatientIndex.from_records([*PATIENTS, *namesakes("Quintero", "Lucia", 10, born=D(1920, 8, 19))])
    page = "PROGRESS NOTE\nPatient: Quintero, Lucia\nSeen today.\n"
    decision = decide(extract(document(page), reference_date=RECEIVED), index, SETTINGS)
    assert (decision.status, decision.patient_mrn) == (Status.REVIEW, None)
    shown = [c.mrn for c in decision.candidates]
    assert len(shown) >= 3 and all(mrn.startswith("30000") for mrn in shown)


def test_a_word_of_eighty_letters_is_read_as_no_glued_name() -> None:
    """OCR runs letters together (a rule, a signature scrawl): a very long word is cut in two at every
    place a glued name could be, without end of list."""
    page = f"PROGRESS NOTE\nPatient: Harold Whitfield   DOB: 03/04/1957\n{'MMNWMNW' * 12}\n"
    assert decided(document(page))[:2] == (Status.FILED, "1000001")


MERGED_CAPTIONS = """\
HEALTH INSURANCE CLAIM FORM
1a. INSURED'S I.D. NUMBER    PATIENT ACCOUNT NO.
XJH883310021                 MRN 1000001
2. PATIENT'S NAME (Last Name, First Name, Middle Initial)    {caption}
WHITFIELD, HAROLD J                                          {dob}    M    WHITFIELD, MARGARET
"""
RUN_TOGETHER = "3. PATIENT'S BIRTH DATE MM DD YY SEX 4. INSURED'S NAME (Last Name, First Name)"


@pytest.mark.parametrize(
    ("caption", "dob", "verdict"),
    [
        pytest.param(RUN_TOGETHER, "07 | 31 | 2001", (Status.REVIEW, None), id="run-together-another-dob"),
        pytest.param(RUN_TOGETHER, "03 | 04 | 1957", (Status.FILED, "1000001"), id="run-together-his-dob"),
        pytest.param(
            "3. PATIENT'S BIRTH DATE MM DD YY    SEX    4. INSURED'S NAME (Last Name, First Name)",
            "07 | 31 | 2001",
            (Status.REVIEW, None),
            id="apart-another-dob",
        ),
    ],
)
def test_a_birth_date_under_captions_ocr_ran_together_still_counts_against_the_named_patient(
    caption: str, dob: str, verdict: tuple[Status, str | None]
) -> None:
    """OCR ran a claim form's birth-date caption and the insured's name caption into one cell; the cell
    under it that overlaps it most is the insured's name. The birth date under its own words is still
    the patient's: one that is not Harold's keeps the name and MRN that agree from filing."""
    page = MERGED_CAPTIONS.format(caption=caption, dob=dob)
    assert decided(document(page, source="text"))[:2] == verdict


def test_a_page_mentioning_nobody_listed_is_unmatched() -> None:
    page = "Patient: Zebulon Quartermaine   DOB: 02/29/1988\nMRN: 88812345\n"
    assert decided(document(page))[:2] == (Status.UNMATCHED, None)


def test_caption_above_value_from_word_boxes() -> None:
    """The same boxed form as Tesseract returns it: captions and values on separate lines."""
    boxes = [  # (text, left, top, line)
        ("2.", 100, 100, 1), ("PATIENT'S", 140, 100, 1), ("NAME", 330, 100, 1),
        ("3.", 1300, 100, 2), ("BIRTH", 1340, 100, 2), ("DATE", 1460, 100, 2),
        ("WHITFIELD,", 100, 160, 3), ("HAROLD", 330, 160, 3),
        ("03/04/1957", 1300, 160, 4),
        ("4.", 1800, 100, 5), ("INSURED'S", 1840, 100, 5), ("NAME", 2040, 100, 5),
        ("WHITFIELD,", 1800, 160, 6), ("MARGARET", 2030, 160, 6),
    ]  # fmt: skip
    words = tuple(Word(t, x, y, 18 * len(t), 30, 91.0, (1, 1, line)) for t, x, y, line in boxes)
    result = document("")
    page = OcrPage(number=1, text="unused", words=words)
    status, filed, _ = decided(OcrResult(result.incoming, (page,), result.searchable_pdf))
    assert (status, filed) == (Status.FILED, "1000001")


def test_an_unlisted_twin_whose_first_name_sits_in_its_own_cell_is_not_filed() -> None:
    """The twin shares the listed brother's surname, birth date and phone; only the first name, in a
    cell of its own, tells them apart: without it read, a birth date and a phone fit both."""
    table = """\
LABORATORY REQUISITION
Last Name        First Name     DOB           Phone
Whitfield        Edmund         03/04/1957    (617) 555-0101
Ordering Physician: Ruben Castellanos MD
"""
    assert decided(document(table))[:2] == (Status.REVIEW, None)


def test_a_letterhead_naming_a_counseling_centre_does_not_make_the_consumer_someone_else() -> None:
    page = """\
               Riverside Counseling Center
               12 Main St, Springfield MA 01103    (413) 555-0100
               BEHAVIORAL HEALTH INTAKE ASSESSMENT
Consumer:      Harold Whitfield      Date of Service: 10/20/2026
Consumer ID:   1000001               Clinician: Ruth Ames, LICSW
Date of Birth: 03/04/1957
"""
    assert decided(document(page))[:2] == (Status.FILED, "1000001")


def test_the_patients_own_row_outranks_the_insured_row_that_repeats_them_as_self() -> None:
    """The insured block prints the patient again ("Self") with the full name; the patient's own row,
    with its birth date and MRN, is the reading that decides (the misspelt first name and the outdated
    phone there are tolerated because the MRN and the birth date both agree exactly)."""
    page = """\
LAB REQUISITION
Last Name       First Name     DOB           Patient ID    Phone
WHITFIELD       HARLOD         03/04/1957    1000001       (508) 555-0199
INSURANCE / GUARANTOR INFORMATION
Insured / Guarantor Name     Insured DOB    Relationship
WHITFIELD, HAROLD JAMES      03/04/1957     Self
"""
    assert decided(document(page))[:2] == (Status.FILED, "1000001")


def test_a_labels_word_before_the_surname_is_not_its_first_name() -> None:
    """ "Patient Nm: Whitfield Harald J": the first name follows (misspelt: tolerated, the MRN and the
    birth date agree exactly); "Nm" is the label's, not a first name contradicting the list."""
    page = "SUMMARY\nPatient Nm: Whitfield Harald J    Birth: 03/04/1957\nChart 1000001    Date: 10/20/26"
    assert decided(document(page))[:2] == (Status.FILED, "1000001")


def test_prose_that_wraps_onto_a_line_starting_with_patient_is_no_patient_field() -> None:
    """A payer's form names the patient "Member"; a wrapped sentence ("patient at this visit.") is not a
    field for the patient that would make the member someone else."""
    page = (
        "MEDICATION PRECERTIFICATION REQUEST\nMember: Adaeze Okonkwo    DOB: 11/23/1984\n"
        "Medications were reviewed and reconciled with the\npatient at this visit.\n"
    )
    assert decided(document(page))[:2] == (Status.FILED, "1000002")


@pytest.mark.parametrize("versus", ["v.", "vs", "y."])  # "y.": OCR's reading of "v."
def test_the_other_party_of_a_case_caption_is_not_the_patient(versus: str) -> None:
    page = f"Custodian of Medical Records\nRE: HAROLD WHITFIELD {versus} Raymond Quinlan\nDOB: 03/04/1957\n"
    assert decided(document(page))[:2] == (Status.FILED, "1000001")


def test_a_cover_sheets_subject_about_patient_records_is_no_patient_field() -> None:
    """A fax cover's "Re:  Patient records" (the subject's value) is not a field for the patient that would
    make the payer form's member someone else; a real "Patient:" field still does."""
    cover = "FACSIMILE\nTo:    Records Department\nRe:    Patient records\nPages: 2 (including cover)\n"
    form = "MEDICATION PRECERTIFICATION REQUEST\nMember: Adaeze Okonkwo    DOB: 11/23/1984\n"
    assert decided(document(cover, form))[:2] == (Status.FILED, "1000002")
    stray = cover.replace("Re:    Patient", "Re:    '    Patient")  # a speck between label and value
    assert decided(document(stray, form))[:2] == (Status.FILED, "1000002")
    assert decided(document(cover, form + "Patient:    Harold Whitfield\n"))[:2] == (Status.REVIEW, None)


def test_a_name_damaged_beside_the_birth_date_is_read_whole_from_a_later_pages_header() -> None:
    """Page 1 prints the birth date beside a first name OCR damaged past any confusion ("HAROLO"); page 2's
    running header prints the name whole with the patient's phone: one patient, identified twice."""
    first = "Patient Name: HAROLO WHITFIELD\nDOB: 03/04/1957\nResults attached.\n"
    header = "Patient: HAROLD WHITFIELD    Phone: 617-555-0101\nPage 2 of 2\n"
    assert decided(document(first))[:2] == (Status.REVIEW, None)
    assert decided(document(first, header))[:2] == (Status.FILED, "1000001")
    contact = "Emergency contact: HAROLD WHITFIELD    Phone: 617-555-0101\nPage 2 of 2\n"
    assert decided(document(first, contact))[:2] == (Status.REVIEW, None)  # another's field lends nothing


FAR_SURNAME = """\
CASTELLANOS FAMILY PHARMACY
14 Main Street, Springfield
Refill authorization requested
Medication: lisinopril 10 mg tablet
Quantity: 90    Refills: 3
Directions: one tablet by mouth daily
Prescriber: please sign and return
{name}          02 | 14 | 1971          M
Please reply by fax
"""


@pytest.mark.parametrize(("name", "read"), [("CASTELANOS, RUBEN", True), ("PEMBERTON, RUBEN", False)])
def test_a_misread_surname_beside_a_birth_date_is_read_though_the_surname_is_printed_elsewhere(
    name: str, read: bool
) -> None:
    """The patient's surname printed whole only in a letterhead, and beside an unlabelled boxed birth
    date a name that reads like it: that row is the patient's reading, with the birth date, for a clerk
    (the spelling differs). A name beside the date that reads like no listed surname gives it nobody."""
    page = FAR_SURNAME.format(name=name)
    decision = decide(extract(document(page), reference_date=RECEIVED), INDEX, SETTINGS)
    assert decision.status is not Status.FILED
    ruben = [c for c in decision.candidates if c.mrn == "1000005"]
    dob = ruben[0].reading.dob if ruben and ruben[0].reading else None
    assert (dob == D(1971, 2, 14)) is read
    if read:
        assert decision.candidates[0].mrn == "1000005"


PLAN_OF_CARE = """\
HOME HEALTH CERTIFICATION AND PLAN OF CARE
1. Patient's HI Claim No.    2. Start Of Care Date    4. Medical Record No.    5. Provider No.
3C41-K7730                   10/02/2026               {record_no}                  22-7431
6. Patient's Name and Address                          7. Provider's Name, Address and Telephone Number
OKONKWO, ADAEZE                                        Riverbend Visiting Nurse Association
12 Elm Street                                          228 Highland Ave, Suite 412
Salem, MA 01970                                        Pittsfield, MA 01201
Phone: (508) 555-0199                                  Phone: 508.213.6734    Fax: 508-471-9923
8. Date of Birth    9. Sex M F    10. Medications: Dose/Frequency/Route (N)ew (C)hanged
{dob}          [X] F         Lisinopril 10 mg tablet (N)
22. Goals/Rehabilitation Potential/Discharge Plans
Patient will demonstrate safe ambulation with a walker within 4 weeks.
Caregiver: Margaret Lindqvist (mother) assists with ADLs and medications.
27. Attending Physician's Signature and Date Signed
/s/ Ruben Castellanos    Date Signed: 10/20/2026
"""


@pytest.mark.parametrize(
    ("record_no", "dob", "status"),
    [
        pytest.param("HH28071", "11/23/1984", Status.FILED, id="agency-number-of-another-shape"),
        pytest.param("HH28071", "11231984", Status.FILED, id="compact-birth-date-in-its-box"),
        pytest.param("HH28071", "11/23/1985", Status.REVIEW, id="another-birth-date-in-the-box"),
        pytest.param("1000099", "11/23/1984", Status.REVIEW, id="a-number-shaped-like-the-lists"),
        pytest.param("1000003", "11/23/1984", Status.REVIEW, id="another-listed-patients-mrn"),
    ],
)
def test_a_forms_name_box_and_birth_date_box_rows_apart_are_one_patient(
    record_no: str, dob: str, status: Status
) -> None:
    """A CMS-485: the name heads a name-and-address box and the birth date has a box of its own rows
    below; box 4 is the agency's own record number. A number of a shape no listed MRN has (letters) is
    another institution's; one shaped like the list's, or a listed patient's, still contradicts. The
    caregiver, under a sentence that begins "Patient", is no patient field."""
    status_read, filed, candidates = decided(document(PLAN_OF_CARE.format(record_no=record_no, dob=dob)))
    assert status_read is status
    assert filed == ("1000002" if status is Status.FILED else None)
    assert candidates[0] == "1000002"


@pytest.mark.parametrize("dob", ["11/23/1984", "11/28/1984"], ids=["exact", "one-digit"])
def test_a_name_box_vouches_only_for_the_birth_date_box_of_its_own_page(dob: str) -> None:
    """The name in the patient's box on page 1, a birth-date box alone on page 2 (an addendum): not one
    form, so no filing, even when the birth date is exactly the listed one (a later page must not lend
    page 1 a birth date: see the running-header test below)."""
    first = PLAN_OF_CARE.format(record_no="HH28071", dob="").replace("8. Date of Birth", "8. Sex")
    second = f"ADDENDUM TO PLAN OF CARE\n8. Date of Birth\n{dob}\n"
    status, filed, candidates = decided(document(first, second))
    assert (status, filed) == (Status.REVIEW, None)
    assert "1000002" in candidates[:3]


@pytest.mark.parametrize(
    "name_caption",
    ["6. Patient's Name and Address", "6. Patiert's uare ars Addcess", "f Paient’s Same ane Addross"],
    ids=["read", "damaged", "a-letter-lost"],
)
def test_a_birth_date_under_a_caption_ocr_could_not_read_counts_for_the_name_in_the_patients_box(
    name_caption: str,
) -> None:
    """Eight digits ("11231984") under a fax-damaged caption, rows below the name: the patient's birth
    date exactly as listed, for a name a label gives the patient (its "Patient's" damaged too)."""
    page = PLAN_OF_CARE.format(record_no="HH28071", dob="11231984").replace(
        "8. Date of Birth", "8 Dale ot Bich"
    )
    page = page.replace("6. Patient's Name and Address", name_caption)
    status, filed, _ = decided(document(page))
    assert (status, filed) == (Status.FILED, "1000002")


def test_a_recent_date_far_from_an_infants_name_is_no_birth_date() -> None:
    """A baby born on the day the physician signed: the signature date, far below the name and not
    labelled as a birth date, is the form's date, not evidence of the birth date."""
    baby = PatientRecord("1000009", "Okonkwo", "Adaeze", "", D(2026, 10, 27), address="12 Elm Street")
    page = PLAN_OF_CARE.format(record_no="HH28071", dob="").replace("8. Date of Birth", "8. Sex")
    page = page.replace("Date Signed: 10/20/2026", "Date Signed: 10/27/2026")
    decision = decide(extract(document(page), reference_date=RECEIVED), PatientIndex([baby]), SETTINGS)
    assert (decision.status, decision.patient_mrn) == (Status.REVIEW, None)


@pytest.mark.parametrize(
    ("dob", "day"),
    [("08/30/1969", D(1969, 8, 30)), ("02/14/1971", D(1971, 2, 14))],
    ids=["nobody-listed", "the-signing-physicians-birth-date"],
)
def test_an_unlisted_patients_birth_date_box_far_below_the_record_number_is_read(
    dob: str, day: dt.date
) -> None:
    """No listed name to search from: the labelled reader takes box 8's birth date however far below
    the first field it read (box 4's record number), and the document stays out of filing, even when
    that birth date is the listed physician's who signs the form (his name is in no patient field)."""
    page = PLAN_OF_CARE.format(record_no="HH28071", dob=dob).replace("OKONKWO, ADAEZE", "ZYLSTRA, QUENTIN")
    boxes = "14. DME and Supplies                       15. Safety Measures\n"
    boxes += "Walker, shower chair, raised toilet seat    Fall precautions, clear pathways, night light\n"
    page = page.replace("8. Date of Birth", f"{boxes * 8}8. Date of Birth")
    extraction = extract(document(page), reference_date=RECEIVED)
    assert {i.dob for i in extraction.identities} == {day}
    assert decide(extraction, INDEX, SETTINGS).status is not Status.FILED


@pytest.mark.parametrize(
    ("name", "dob_caption", "dob"),
    [
        pytest.param("OKONKOW, ADAEZE", "8. Date of Birth", "11/23/1984", id="surname-misspelt-rows-above"),
        pytest.param("OKONKWO, ADAZEE", "8 Dale ot Bich", "11231984", id="first-name-misspelt-compact-date"),
    ],
)
def test_a_misspelt_name_rows_above_its_birth_date_box_is_a_candidate_for_review(
    name: str, dob_caption: str, dob: str
) -> None:
    """A spelling the list does not have is for a clerk, but the clerk should see the patient: the birth
    date (labelled, or eight digits under a caption OCR could not read) finds them, and a word on the
    page that reads like their surname, or their surname beside a first name like theirs, names them."""
    page = PLAN_OF_CARE.format(record_no="HH28071", dob=dob).replace("OKONKWO, ADAEZE", name)
    status, filed, candidates = decided(document(page.replace("8. Date of Birth", dob_caption)))
    assert (status, filed) == (Status.REVIEW, None)
    assert candidates[:1] == ["1000002"]


RENEWAL = """\
PRESCRIPTION RENEWAL REQUEST
Request #          Date Sent          Pharmacy NCPDP
R31279062          2/10/2025          9022195
PATIENT INFORMATION
Patient                        D.O.B.         Gender    Member #       Patient Phone
{patient}            11/23/1984     F         A190507513     (508) 555-0199
Cardholder Name                Relationship    {dob_header}
Chidi Okonkwo                  {relation}          03/04/1958
"""
LYNN = PatientRecord("1000010", "Okonkwo", "Lyndon", "", D(1955, 5, 5))  # a relative, also a patient


@pytest.mark.parametrize(
    ("patient", "relation", "dob_header", "status"),
    [
        pytest.param(
            "ADAEZE OKONKWO", "Child", "Cardholder DOB", Status.FILED, id="cardholder-dob-beside-child"
        ),
        pytest.param(
            "ADAEZE LYNN OKONKWO", "Spouse", "Cardholder DOB", Status.FILED, id="middle-name-is-no-relative"
        ),
        pytest.param(
            "ADAEZE OKONKWO", "Child", "Patient DOB", Status.REVIEW, id="a-second-patient-birth-date"
        ),
    ],
)
def test_a_renewal_requests_cardholder_grid_is_someone_else(
    patient: str, relation: str, dob_header: str, status: Status
) -> None:
    """A header-row grid: the cardholder's birth date is someone else's because its own label says so
    (the cell to its left is the relationship column's value, "Child", no label); a middle name and the
    surname ("LYNN OKONKWO") inside the patient's own name are no listed relative. A birth date whose
    label says it is a patient's still keeps the document for a clerk."""
    page = RENEWAL.format(patient=patient, relation=relation, dob_header=dob_header)
    decision = decide(
        extract(document(page), reference_date=RECEIVED), PatientIndex([*PATIENTS, LYNN]), SETTINGS
    )
    assert decision.status is status
    assert decision.candidates[0].mrn == "1000002"


REFERRAL = """\
              Outpatient Referral
Pt Name:      TERRY, NORMA G
DOB:          10-Jul-1994
"""


def test_a_value_over_a_birth_date_is_not_its_caption() -> None:
    """A field's value above a birth date ("Pt Name:" | "TERRY, NORMA G") is no caption of it, so the
    labels are not read on up to the page's title ("Outpatient Referral", whose "Referral" would make
    the date a referrer's): a namesake born another day is not the listed Norma Terry."""
    norma = PatientRecord("1000020", "Terry", "Norma", "Grace", D(1988, 2, 9))
    decision = decide(extract(document(REFERRAL), reference_date=RECEIVED), PatientIndex([norma]), SETTINGS)
    assert [f.level for f in decision.candidates[0].fields if f.field == "dob"] == ["else"]
    assert decision.status is Status.UNMATCHED


@pytest.mark.parametrize(
    ("caption", "level", "status"),
    [
        pytest.param("3. PATIENT'S BIRTH DATE MM DD YY", "else", Status.UNMATCHED, id="the-patients-box"),
        pytest.param(
            "3. PATIENT'S BIRTH DATE MM DD YY SEX 4. INSURED'S NAME (Last, First)",
            "else",
            Status.UNMATCHED,
            id="its-caption-runs-into-the-insureds",
        ),
        pytest.param("11a. INSURED'S DATE OF BIRTH MM DD YY", "null", Status.REVIEW, id="the-insureds-box"),
    ],
)
def test_a_birth_date_caption_is_read_up_to_its_birth_date_words(
    caption: str, level: str, status: Status
) -> None:
    """Whose birth date a box holds is said by its caption's words up to "BIRTH DATE": a claim form's
    caption OCR ran into the next box's ("... SEX 4. INSURED'S NAME") is still the patient's, so a
    namesake born another day is not the listed patient; the insured's box is no evidence either way."""
    page = (
        "HEALTH INSURANCE CLAIM FORM\n"
        f"2. PATIENT'S NAME (Last Name, First Name, Middle Initial)      {caption}\n"
        "WHITFIELD, HAROLD J                                            06 01 1961\n"
    )
    decision = decide(extract(document(page), reference_date=RECEIVED), INDEX, SETTINGS)
    assert [f.level for f in decision.candidates[0].fields if f.field == "dob"] == [level]
    assert decision.status is status


@pytest.mark.parametrize(
    ("dob_header", "level"),
    [
        pytest.param("Cardholder DOB", "null", id="a-cardholders-birth-date"),
        pytest.param("Cardholder OOB", "null", id="its-label-misread"),
        pytest.param("Patient DOB", "else", id="a-patients-birth-date-that-differs"),
    ],
)
def test_a_birth_date_labelled_as_someone_elses_does_not_count_against_the_patient(
    dob_header: str, level: str
) -> None:
    """The patient's own birth-date box is left blank; the cardholder's, two rows down, differs. It is
    no evidence against the patient (the full name in the patient's field, the phone and the street then
    file the document); a differing birth date labelled as a patient's is, and keeps it for a clerk."""
    page = (
        RENEWAL.format(patient="HAROLD J WHITFIELD", relation="Spouse", dob_header=dob_header)
        .replace("11/23/1984", "          ")
        .replace("(508) 555-0199", "(617) 555-0101")
        .replace("Chidi Okonkwo ", "Chidi Whitfield")
        .replace("03/04/1958", "09/12/1961")
        .replace("PATIENT INFORMATION", "PATIENT INFORMATION     Address: 12 Elm Street")
    )
    harold = replace(PATIENTS[0], address="12 Elm Street")
    decision = decide(extract(document(page), reference_date=RECEIVED), PatientIndex([harold]), SETTINGS)
    dob = next(f for f in decision.candidates[0].fields if f.field == "dob")
    assert dob.level == level
    filed = (Status.FILED, "1000001") if level == "null" else (Status.REVIEW, None)
    assert (decision.status, decision.patient_mrn) == filed


@pytest.mark.parametrize(
    ("label", "status"),
    [("Employee (First, MI, Last):", Status.FILED), ("Spouse (First, MI, Last):", Status.REVIEW)],
    ids=["a-name-format-hint-is-a-name-field", "a-role-word-still-says-whose"],
)
def test_a_label_with_a_name_format_hint_is_a_name_field(label: str, status: Status) -> None:
    """An employer's report names the patient "Employee (First, MI, Last):": the hint says it is a
    person's name field, the patient's when no role word says otherwise (the full name, the phone and
    the street then file it); a spouse's field with the same hint is someone else's."""
    worker = PatientRecord(
        "1000020",
        "Rice",
        "Mickey",
        "A",
        D(1937, 7, 10),
        phone="339-382-9044",
        address="1533 Schoen Trafficway",
    )
    page = (
        "EMPLOYER'S FIRST REPORT OF INJURY\n"
        "Claims administrator: Bay State Benefit Mutual   Fax 413-720-2064\n"
        "EMPLOYEE INFORMATION\n"
        f"{label} Rice, Mickey A        Address: 1533 Schoen Trafficway\n"
        "Home Phone: 339 382 9044          Occupation: Delivery driver\n"
    )
    decision = decide(extract(document(page), reference_date=RECEIVED), PatientIndex([worker]), SETTINGS)
    assert decision.status is status


def test_a_later_pages_header_read_as_a_listed_name_does_not_borrow_page_ones_birth_date() -> None:
    """Page 1 prints an unlisted man whose surname is a listed patient's with one letter doubled, and
    his birth date, the listed patient's too; page 2's running header, OCR dropping the doubled letter,
    reads as the listed name. The header's name may not take page 1's birth date: no misfile."""
    first = (
        "DISABILITY CLAIMS UNIT\nRE: Injured Worker: RUBEN CASTELLANNOS\nDOB: 02/14/1971\n"
        "Please send all records of treatment from 01/01/2024 to date.\n"
    )
    second = "Claimant: RUBEN CASTELLANOS          Page 2 of 2\nAuthorization enclosed.\n"
    status, filed, candidates = decided(document(first, second))
    assert (status, filed) == (Status.REVIEW, None)
    assert candidates[:1] == ["1000005"]


@pytest.mark.parametrize(
    ("printed", "found"),
    [
        pytest.param("RUBEN 0CASTELLANOS", True, id="a-zero-before-the-surname"),
        pytest.param("RUBEN 1CASTELLANOS", True, id="a-box-rule-read-as-1"),
        pytest.param("RUBEN CASTELLANOS", True, id="as-printed"),
        pytest.param("RUBEN 10CASTELLANOS", False, id="two-digits-are-no-stray-glyph"),
    ],
)
def test_a_digit_ocr_set_before_a_surname_does_not_hide_the_patient(printed: str, found: bool) -> None:
    """No name prints a digit: one read before a surname's letters is OCR's, and the surname is still
    looked up. With no birth date or MRN the patient is a review candidate, never filed."""
    page = f"HANLON LEGAL GROUP\n\nRE: Your Patient: {printed}\nDate of Injury: 03/04/2023\n"
    status, filed, candidates = decided(document(page))
    assert (status is Status.FILED, filed) == (False, None)
    assert ("1000005" in candidates) is found


LAB_BUNDLE_FIRST = """\
CAPE ANN REFERENCE LAB
CLINICAL LAB REPORT
Specimen ID: H43503666

LAST NAME        FIRST NAME       INIT     BIRTH DATE      SEX
LINDQVIST        MARGARET         A                        F

Patient Address            City, State ZIP         Phone
12 ELM STREET              SALEM, MA               978.867.3506

Report Date: 8/1/2024 16:38
"""
LAB_BUNDLE_RUNNING_HEADER = "LINDQVIST, MARGARET ANNE   DOB:\n\nCBC with Differential\nHemoglobin 13.1 g/dL\n"
LAB_BUNDLE_SECOND = """\
CAPE ANN REFERENCE LAB
LAB REQUISITION / REPORT

LAST NAME        FIRST NAME       INIT     BIRTH DATE      SEX
CASTELLANOS      RUBEN                     02/14/1971      M

Patient Address            City, State ZIP         Phone           Patient ID
88 OAK AVENUE              FITCHBURG, MA           617-612-9735    1000005

Reported: 8/1/2024 14:26
"""


def test_a_bundle_whose_first_patient_prints_no_birth_date_is_not_filed_to_the_second() -> None:
    """Two patients' lab reports in one fax: the first names its patient in the report's name grid (no
    birth date printed), with the address, on pages 1-2; the second patient's report on page 3 prints
    name, birth date and ID. The first patient is named in a field labels give the patient, whichever
    reading of them scores best (the running header's, with the middle name): review, not filed to
    the second."""
    status, filed, candidates = decided(
        document(LAB_BUNDLE_FIRST, LAB_BUNDLE_RUNNING_HEADER, LAB_BUNDLE_SECOND)
    )
    assert (status, filed) == (Status.REVIEW, None)
    assert {"1000003", "1000005"} <= set(candidates)


@pytest.mark.parametrize("source", ["ocr", "text-layer"])
def test_a_patient_and_a_member_named_in_neighbouring_header_row_cells_are_two_people(source: str) -> None:
    """An EOB's grid prints the patient (unlisted) in one cell and the member (listed, with her birth
    date) in the next: the patient's surname is not the member's first name's, and the member is not
    filed as the patient."""
    grid = (
        "EXPLANATION OF BENEFITS\nPatient Name       Member Name          Member DOB\n"
        "Tommy Whitfield    Margaret Whitfield   06/01/1959\n"
    )
    assert decided(document(grid, source=source))[:2] == (Status.REVIEW, None)
    listed = (
        "EXPLANATION OF BENEFITS\nPatient Name       Patient DOB    Member Name\n"
        "Harold Whitfield   03/04/1957     Margaret Whitfield\n"
    )
    assert decided(document(listed, source=source))[:2] == (Status.FILED, "1000001")


def test_a_dependent_is_the_patient_of_a_payers_notice_and_the_member_is_not() -> None:
    """ "Dependent" names the patient where a payer's notice also names its member (the policy holder)."""
    unlisted = (
        "EXPLANATION OF BENEFITS\nMember: Margaret Whitfield   DOB: 06/01/1959\nDependent: Tommy Whitfield\n"
    )
    assert decided(document(unlisted))[:2] == (Status.REVIEW, None)
    listed = (
        "EXPLANATION OF BENEFITS\nMember: Margaret Whitfield    Member ID: XJH883310021\n"
        "Dependent: Harold Whitfield    DOB: 03/04/1957\n"
    )
    assert decided(document(listed))[:2] == (Status.FILED, "1000001")


def _three_page_report(
    confidences: tuple[float, float, float],
    surnames: tuple[str, str, str],
    mrn: str = "continues.",
    dob: str = "03/04/1957",
) -> OcrResult:
    """A three-page OCR'd report: page 1's field and pages 2-3's running headers print the surname, each
    read with the confidence given; the label before it is read unsurely on every page (so each word's
    confidence counts, not its cell's least). `mrn`: a number printed after "MRN:" (by default none)."""
    pages = []
    for number, (confidence, surname) in enumerate(zip(confidences, surnames, strict=True), start=1):
        boxes = [  # (text, left, top, line, confidence)
            ("Employee:", 100, 100, 1, 25.0), (f"{surname},", 280, 100, 1, confidence),
            ("HAROLD", 475, 100, 1, 95.0), ("JAMES", 598, 100, 1, 95.0),
            ("DOB:", 100, 160, 2, 95.0), (dob, 220, 160, 2, 95.0),
            ("MRN:" if mrn != "continues." else "Report", 100, 220, 3, 95.0), (mrn, 280, 220, 3, 95.0),
        ]  # fmt: skip
        words = tuple(Word(t, x, y, 18 * len(t), 30, c, (1, 1, line)) for t, x, y, line, c in boxes)
        pages.append(OcrPage(number=number, text="unused", words=words))
    shell = document("")
    return OcrResult(shell.incoming, tuple(pages), shell.searchable_pdf)


NO_MRN, D_1957 = "continues.", "03/04/1957"
WHITFIELD_3 = ("WHITFIELD", "WHITFELD", "WHITFIEID")  # as listed, a letter dropped, an I for the L
FOLD_OFF = ("WHITFIELD", "WHITFIEID", "WHITFIEID")  # as listed, then twice an I for the L


@pytest.mark.parametrize(
    ("confidences", "surnames", "mrn", "expected"),
    [
        pytest.param((52.0, 87.0, 33.0), WHITFIELD_3, NO_MRN, (Status.REVIEW, None), id="namesake"),
        pytest.param((91.0, 40.0, 35.0), WHITFIELD_3, NO_MRN, FILED_1, id="damaged"),
        pytest.param((80.0, 86.0, 30.0), WHITFIELD_3, NO_MRN, FILED_1, id="read-about-as-surely"),
        pytest.param((90.0, 90.0, 90.0), ("WHITFIELD",) * 3, NO_MRN, FILED_1, id="same"),
        pytest.param((44.0, 90.0, 82.0), FOLD_OFF, NO_MRN, (Status.REVIEW, None), id="namesake-a-fold-off"),
        pytest.param((85.0, 90.0, 30.0), FOLD_OFF, NO_MRN, FILED_1, id="a-fold-off-about-as-surely"),
        pytest.param((44.0, 90.0, 82.0), FOLD_OFF, "1000001", FILED_1, id="a-fold-off-with-the-mrn"),
    ],
)
def test_the_surest_printing_of_a_repeated_surname_says_how_the_document_spells_it(
    confidences: tuple[float, float, float],
    surnames: tuple[str, str, str],
    mrn: str,
    expected: tuple[Status, str | None],
) -> None:
    """Page 1 reads as the listed patient only where OCR was unsure; page 2's header reads, surely, a
    surname one letter off (a namesake the list does not hold, with the same first name and birth date).
    The surest reading decides: review. So too when the surer printing is off by a letter OCR confuses
    ("WHITFIEID": OCR can read a namesake's I as the L of the list's spelling as well as the reverse),
    unless the MRN agrees. When the as-listed reading is the surest, or about as sure (a few confidence
    points say nothing), the others are damage."""
    assert decided(_three_page_report(confidences, surnames, mrn))[:2] == expected


@pytest.mark.parametrize(
    ("confidences", "mrn", "dob", "expected"),
    [
        pytest.param((28.0, 0.0, 20.0), NO_MRN, D_1957, (Status.REVIEW, None), id="read-unsurely-everywhere"),
        pytest.param((49.0, 30.0, 20.0), NO_MRN, D_1957, (Status.REVIEW, None), id="surest-below-half"),
        pytest.param((55.0, 30.0, 20.0), NO_MRN, D_1957, FILED_1, id="once-read-surely-enough"),
        pytest.param((28.0, 0.0, 20.0), "1000001", D_1957, FILED_1, id="unsurely-with-the-mrn"),
        pytest.param((28.0, 0.0, 20.0), "1000001", "04/03/1957", FILED_1, id="the-mrn-and-a-swapped-date"),
    ],
)
def test_a_surname_ocr_read_only_unsurely_is_for_a_clerk(
    confidences: tuple[float, float, float], mrn: str, dob: str, expected: tuple[Status, str | None]
) -> None:
    """Every printing reads as the listed surname, but OCR was unsure of each: a namesake printed a letter
    off ("WHITFIIELD", not on the list) reads the same through a noisy scan, with the same first name and
    birth date. Without the MRN, a clerk decides; one printing read at 50 or more says how it is spelled,
    and the patient's MRN printed is no namesake's (with the birth date day and month swapped too)."""
    report = _three_page_report(confidences, ("WHITFIELD", "WHITFIELD", "WHITFIELD"), mrn, dob)
    assert decided(report)[:2] == expected


@pytest.mark.parametrize(
    ("surnames", "mrn", "expected"),
    [
        pytest.param(("WHITFIEID",) * 3, NO_MRN, (Status.REVIEW, None), id="the-same-letter-throughout"),
        pytest.param(("WHITFIEID", "WHITFIELD", "WHITFIEID"), NO_MRN, FILED_1, id="once-as-listed"),
        pytest.param(("WHITFIEID", "WHITF1ELD", "WHITFIEID"), NO_MRN, FILED_1, id="misread-differently"),
        pytest.param(("WH1TFIELD",) * 3, NO_MRN, FILED_1, id="a-digit-throughout"),
        pytest.param(("WHITFIEID",) * 3, "1000001", FILED_1, id="with-the-mrn"),
    ],
)
def test_a_surname_printed_one_letter_off_on_every_page_is_how_the_document_spells_it(
    surnames: tuple[str, str, str], mrn: str, expected: tuple[Status, str | None]
) -> None:
    """Three printings, read surely, each "WHITFIEID" for the listed Whitfield: an I for an L that OCR
    may make of a capital L whose foot a fax lost, but not the same way on every page. A namesake the list
    does not hold spells it so: a clerk decides. One printing as listed, or misreadings that differ, are
    OCR's; a digit in a name is never a spelling; the patient's MRN is no namesake's."""
    assert decided(_three_page_report((90.0, 85.0, 80.0), surnames, mrn))[:2] == expected


@pytest.mark.parametrize("source", ["ocr", "text-layer"])
def test_a_second_persons_row_in_a_tables_birth_date_column_keeps_the_first_from_filing(source: str) -> None:
    """A claim's people table: the listed subscriber's row, then the (unlisted) patient's row, whose birth
    date sits in the same "DOB" column two rows under its caption: it is a birth date too, another
    person's, so the subscriber is not filed as the patient."""
    table = (
        "CLAIM DETAIL\nName                  DOB           Relationship\n"
        "Margaret Whitfield    06/01/1959    Subscriber\nTommy Whitfield       05/05/2010    Patient\n"
    )
    assert decided(document(table, source=source))[:2] == (Status.REVIEW, None)


def test_a_role_word_ending_the_line_before_a_wrapped_sentence_names_whose_the_name_is() -> None:
    """A letter's sentence wraps after "His mother,": the listed mother named (with her birth date) at
    the start of the next line is the patient's relative, not the patient."""
    letter = (
        "Dear Records Custodian,\n"
        "We represent Tommy Whitfield in connection with an accident. His mother,\n"
        "Margaret Whitfield, date of birth 06/01/1959, has authorized this request.\n"
    )
    assert decided(document(letter))[:2] == (Status.REVIEW, None)
    ours = "Dear Records Custodian,\nWe represent Margaret Whitfield, date of birth 06/01/1959, in this.\n"
    assert decided(document(ours))[:2] == (Status.FILED, "1000004")


@pytest.mark.parametrize(
    ("dob", "expected"), [("03/04/1957", (Status.FILED, "1000001")), ("03/04/1958", (Status.REVIEW, None))]
)
def test_a_name_printed_first_name_first_under_a_last_first_caption_is_still_the_patients(
    dob: str, expected: tuple[Status, str | None]
) -> None:
    """The caption promises "Last, First"; the sender typed "HAROLD JAMES WHITFIELD". The labelled reading
    takes HAROLD for the surname; it is not another person for that (the same words name the patient),
    unless its birth date differs."""
    form = (
        "MEDICATION PRECERTIFICATION REQUEST\n"
        "MEMBER NAME (Last, First)                                  SUBSCRIBER ID\n"
        " HAROLD JAMES WHITFIELD                                     1484509099\n"
        "DOB (MM/DD/YYYY)                 MEMBER PHONE\n"
        f" {dob}                       617-555-0101\n"
    )
    assert decided(document(form, source="text-layer"))[:2] == expected


@pytest.mark.parametrize(
    ("printed", "verdict"),
    [
        pytest.param("02/16/18", (Status.FILED, "1000030"), id="a-two-digit-year-prints-either-century"),
        pytest.param("02/16/2018", (Status.REVIEW, None), id="a-four-digit-year-prints-one"),
    ],
)
def test_a_two_digit_birth_year_reads_as_the_listed_century(
    printed: str, verdict: tuple[Status, str | None]
) -> None:
    """A discharge summary prints a 108-year-old's birth date "02/16/18": the date reader takes 2018 (a
    child is likelier), but the printing is the listed 1918-02-16 as much. Printed with its century,
    2018 is another person's birth date."""
    elder = PatientRecord("1000030", "Grimes", "Humberto", "Eli", D(1918, 2, 16))
    page = f"DISCHARGE SUMMARY\nPATIENT DEMOGRAPHICS\nGRIMES, HUMBERTO E\nBirth Date: {printed}   Sex: M\n"
    decision = decide(extract(document(page), reference_date=RECEIVED), PatientIndex([elder]), SETTINGS)
    assert (decision.status, decision.patient_mrn) == verdict
    assert decision.candidates[0].mrn == "1000030"


def test_a_misspelt_surname_beside_the_first_name_shows_the_patient_to_the_clerk() -> None:
    """A discharge summary's banded heading prints the patient's surname with a letter doubled, no birth
    date, no MRN: no listed surname is printed, but one that sounds the same sits beside the patient's
    first name. The clerk sees the patient first; the spelling alone never files it. A word that sounds
    like a surname beside another first name is nobody."""
    page = "HOSPITAL DISCHARGE SUMMARY\nPATIENT DEMOGRAPHICS\nWHITTFIELD, HAROLD J\nSex: M\n"
    status, filed, candidates = decided(document(page))
    assert (status, filed) == (Status.REVIEW, None)
    assert candidates[:1] == ["1000001"]
    assert decided(document(page.replace("HAROLD", "GERALD")))[2] == []


@pytest.mark.parametrize(
    "printed",
    [
        pytest.param("CASTELLAMOS", id="a-letter-for-another"),
        pytest.param("CASTELANOS", id="a-letter-dropped"),
        pytest.param("CASTELLANNOS", id="a-letter-added"),
        pytest.param("CASTELLNAOS", id="two-letters-swapped"),
    ],
)
def test_a_surname_one_letter_off_beside_the_first_name_shows_the_patient_to_the_clerk(printed: str) -> None:
    """A surname one letter from the listed one, sounding otherwise ("CASTELLAMOS" is no phonetic match
    for Castellanos), beside the patient's first name, with no birth date or MRN: the clerk sees the
    patient first among the candidates; the spelling never files it. Beside another first name it is
    nobody."""
    page = f"HOSPITAL DISCHARGE SUMMARY\nPATIENT DEMOGRAPHICS\n{printed}, RUBEN\nSex: M\n"
    status, filed, candidates = decided(document(page))
    assert status is not Status.FILED
    assert (filed, candidates[:1]) == (None, ["1000005"])
    assert decided(document(page.replace("RUBEN", "ROBERT")))[2] == []


@pytest.mark.parametrize(
    ("page", "verdict"),
    [
        pytest.param(
            "Patient Name: HAROLD J WHITFlELD\nDOB: 03/04/1957\n",
            (Status.FILED, "1000001"),
            id="l-amid-capitals",
        ),
        pytest.param(
            "Patient Name: HAROLD J WHITFIFLD\nDOB: 03/04/1957\n", (Status.REVIEW, None), id="a-typed-letter"
        ),
    ],
)
def test_a_text_layer_ocr_made_upstream_shows_where_no_one_types(
    page: str, verdict: tuple[Status, str | None]
) -> None:
    """A scanner's searchable PDF carries its own OCR's text: a small l among a name's capitals is OCR's,
    never typed, so the layer's confusions are OCR's too. A letter for a letter in a layer with no such
    mark may have been typed: a clerk reads it."""
    assert decided(document(page, source="text-layer"))[:2] == verdict


SPLIT_NAME = """\
HOME HEALTH CERTIFICATION AND PLAN OF CARE
2. Start Of Care Date
10/02/2026
6. Patient's Name and Address                7. Provider's Name, Address and Telephone Number
WHITFIELD,  HAROLD JAMES                     Riverbend Visiting Nurse Association
40 Oak Road                                  228 Highland Ave, Suite 412
Apartment 3                                  Pittsfield, MA 01201
Salem, MA 01970                              Phone: 508.213.6734
Phone: (508) 555-0142
8. Dafe ot Rirth    9. Sex M F
03041957            [X] M
"""


def test_a_name_ocr_split_in_two_cells_under_its_caption_is_the_patients() -> None:
    """OCR split the name under "6. Patient's Name and Address" in two cells ("WHITFIELD," | "HAROLD
    JAMES"), the first name's taking more of the caption's width: both are the caption's value, so the
    surname is in the patient's field and takes the birth date boxed six rows down (eight digits under
    a caption OCR could not read). Only the first name's cell was, and nothing filed it."""
    assert decided(document(SPLIT_NAME))[:2] == (Status.FILED, "1000001")


@pytest.mark.parametrize(
    "printed",
    [
        pytest.param("HAROLDWHITFIELD", id="first-then-surname"),
        pytest.param("WHITFIELDHAROLD", id="surname-then-first"),
    ],
)
def test_a_name_whose_space_ocr_lost_is_read_as_its_two_words(printed: str) -> None:
    """OCR lost the space in "Pt Name: HAROLD WHITFIELD": the one word is a listed patient's first name
    and surname, each as listed, and the birth date beside it files the document. Glued to another
    first name it is nobody."""
    page = f"CLAIM STATUS NOTICE\nPt Name: {printed}\nDate of Birth: 03/04/1957\n"
    assert decided(document(page))[:2] == (Status.FILED, "1000001")
    assert decided(document(page.replace("HAROLD", "GERALD")))[:2] != (Status.FILED, "1000001")


def test_a_running_header_ocr_damaged_is_the_same_patient_by_its_mrn() -> None:
    """Page 2's running header prints the patient's name and MRN; OCR damaged the name ("Evchoe Mane
    Witheiser" for Eveline Marie Wintheiser), not the MRN. The same MRN with a surname near enough is
    one person, not a bundle's second patient. Another MRN there is someone else."""
    eveline = PatientRecord("28036759", "Wintheiser", "Eveline", "Marie", D(1988, 5, 14))
    first = "CONSULTATION NOTE\nPATIENT\nEveline Marie Wintheiser\nPatient ID: 28036759\nDOB: 05/14/1988\n"
    header = "Patient: Evchoe Mane Witheiser    MRN: {mrn}    Page 2 of 2\nThe patient was seen today.\n"
    for mrn, verdict in (("28036759", (Status.FILED, "28036759")), ("28036577", (Status.REVIEW, None))):
        result = document(first, header.format(mrn=mrn))
        decision = decide(extract(result, reference_date=RECEIVED), PatientIndex([eveline]), SETTINGS)
        assert (decision.status, decision.patient_mrn) == verdict


@pytest.mark.parametrize(
    ("line", "level"),
    [
        pytest.param("90 RX8146900    30 RX7099242", "null", id="a-quantity-and-an-rx-number"),
        pytest.param("774 Prospect St, Pittsfield", "else", id="another-street"),
        pytest.param("12 Elm Street, Boston", "exact", id="the-patients-street"),
    ],
)
def test_only_a_number_and_a_word_of_letters_read_as_a_street(line: str, level: str) -> None:
    """A refill fax's fill history puts a quantity before an Rx number ("90 RX8146900") under the name: no
    street, so no evidence against the patient. Another street is (people move); their own agrees."""
    page = f"Pt: OKONKWO, ADAEZE   DOB 11/23/1984\n{line}\n"
    decision = decide(extract(document(page), reference_date=RECEIVED), INDEX, SETTINGS)
    address = next(f for f in decision.candidates[0].fields if f.field == "address")
    assert address.level == level


def _member_form(caption_height: int) -> OcrResult:
    """A payer's form: the member's name and birth date under small captions, then the cardholder's
    caption, OCR-damaged into words that read like prose ("Cardholder ; Po icy Ho der Narre il d ferent
    rom member)"), over the listed wife's name. `caption_height`: the cardholder caption's type height."""
    boxes = [  # (text, left, top, height, line)
        ("Member", 130, 100, 12, 1), ("Name", 230, 100, 12, 1),
        ("HAROLD", 140, 130, 24, 2), ("J", 300, 130, 24, 2), ("WHITFIELD", 340, 130, 24, 2),
        ("Member", 130, 180, 12, 3), ("DOB", 230, 180, 12, 3),
        ("03/04/1957", 140, 210, 24, 4),
        ("Cardholder", 130, 260, caption_height, 5), (";", 290, 260, caption_height, 5),
        ("Po", 310, 260, caption_height, 5), ("icy", 350, 260, caption_height, 5),
        ("Ho", 400, 260, caption_height, 5), ("der", 440, 260, caption_height, 5),
        ("Narre", 490, 260, caption_height, 5), ("il", 570, 260, caption_height, 5),
        ("d", 600, 260, caption_height, 5), ("ferent", 620, 260, caption_height, 5),
        ("rom", 720, 260, caption_height, 5), ("member)", 780, 260, caption_height, 5),
        ("Margaret", 140, 290, 23, 6), ("Whitfield", 300, 290, 23, 6),
    ]  # fmt: skip
    words = tuple(Word(t, x, y, 14 * len(t), h, 92.0, (1, 1, line)) for t, x, y, h, line in boxes)
    shell = document("")
    return OcrResult(shell.incoming, (OcrPage(number=1, text="unused", words=words),), shell.searchable_pdf)


@pytest.mark.parametrize(
    ("caption_height", "expected"),
    [
        pytest.param(16, (Status.FILED, "1000001"), id="a-caption-in-small-type"),
        pytest.param(23, (Status.REVIEW, None), id="a-line-of-prose-in-the-names-type"),
    ],
)
def test_a_caption_in_small_type_is_a_caption_whatever_ocr_made_of_its_words(
    caption_height: int, expected: tuple[Status, str | None]
) -> None:
    """OCR damaged the cardholder's caption into lower-case fragments that read like a sentence, ending
    "member)". In type smaller than the name under it, it is still the caption, and says cardholder: the
    listed wife is someone else, and the member (name and birth date) files. The same words in the
    name's own type would be a sentence wrapping onto the name's line, ending in "member": a second
    patient, for a clerk."""
    assert decided(_member_form(caption_height))[:2] == expected
