"""Extraction tables: the label forms real documents use, the distractors they carry, and garbage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scenarios import ocr_of

from chartfile.matching import extract
from chartfile.matching.dates import DateKind, find_dates
from chartfile.matching.normalize import normalize_name
from chartfile.matching.roles import role_in
from chartfile.matching.tokens import read_words
from chartfile.records import OcrPage, OcrResult, Role, Word

RECEIVED = dt.date(2026, 11, 2)


@pytest.mark.parametrize(
    ("text", "last", "first", "dob", "mrn"),
    [
        pytest.param(
            "Patient: WHITFIELD, HAROLD J\nDOB: 03/04/1957\nMRN: 4471203",
            "WHITFIELD",
            "HAROLD",
            "1957-03-04",
            "4471203",
            id="last-comma-first",
        ),
        pytest.param(
            "Name: Harold Whitfield    DOB: 3-4-57    Chart #: 4471203",
            "Whitfield",
            "Harold",
            "1957-03-04",
            "4471203",
            id="inline-columns-two-digit-year",
        ),
        pytest.param(
            "RE: Harold Whitfield (DOB 3/4/1957)", "Whitfield", "Harold", "1957-03-04", None, id="re-line"
        ),
        pytest.param(
            "MEMBER INFORMATION\nMember Name: Harold Whitfield    Member ID: ZQ77811\nMember DOB: 3/4/1957",
            "Whitfield",
            "Harold",
            "1957-03-04",
            None,
            id="a-member-is-the-patient-on-a-payer-form",
        ),
        pytest.param(
            "Resident Name: WHITFIELD, HAROLD\nDate of Birth: 03/04/1957",
            "WHITFIELD",
            "HAROLD",
            "1957-03-04",
            None,
            id="role-worded-name-label",
        ),
        pytest.param(
            "RE: Our Client: HAROLD WHITFIELD\nDate of Birth: 3/4/1957",
            "WHITFIELD",
            "HAROLD",
            "1957-03-04",
            None,
            id="re-line-with-a-nested-label",
        ),
        pytest.param(
            "Pt Name:      Harold J. Whitfield\nD.O.B.:       March 4, 1957\nMed Rec #:    4471203",
            "Whitfield",
            "Harold",
            "1957-03-04",
            "4471203",
            id="table-long-month",
        ),
        pytest.param(
            "PATIENT\nHarold Whitfield\nDate of Birth: 1957-03-04",
            "Whitfield",
            "Harold",
            "1957-03-04",
            None,
            id="heading-next-line-iso",
        ),
        pytest.param(
            "Patient Name: Harold Whitfield Jr\nBirth Date: 03/04/1957",
            "Whitfield Jr",
            "Harold",
            "1957-03-04",
            None,
            id="suffix-kept",
        ),
        pytest.param(
            "patient: harold whitfield\nD0B: 03/04/1957\nMRN#: 4471203",
            "whitfield",
            "harold",
            "1957-03-04",
            "4471203",
            id="ocr-noise-d0b",
        ),
        pytest.param(
            "Patient: Ty Schmeler 0OB: November 18, 1977\nCollected: April 23, 2025",
            "Schmeler",
            "Ty",
            "1977-11-18",
            None,
            id="ocr-noise-0ob-same-line",
        ),
        pytest.param(
            "PL Name: EMMERICH, BELL L 0.0.8.: December 5,1969 Sex: F",
            "EMMERICH",
            "BELL",
            "1969-12-05",
            None,
            id="ocr-noise-pl-name-dotted-008",
        ),
        pytest.param(
            "RE: MAYER, CLEVELAND (00B April 1, 1939)", "MAYER", "CLEVELAND", "1939-04-01", None, id="ocr-00b"
        ),
        pytest.param(
            "Patient: KOVACEK, DENAE J\nDOR: Sep 16, 2008  Pharmacy: Valley",
            "KOVACEK",
            "DENAE",
            "2008-09-16",
            None,
            id="ocr-dor",
        ),
        pytest.param(
            "Name: Tillman, Alan W\nD.0.5.: 02/18/1995 Reported: 02/07/2025",
            "Tillman",
            "Alan",
            "1995-02-18",
            None,
            id="ocr-dotted-d05",
        ),
        pytest.param(
            "PATIENT\nHERMISTON, JOANNA ROSE\nDale of Birth: April 13, 1969",
            "HERMISTON",
            "JOANNA",
            "1969-04-13",
            None,
            id="ocr-dale-of-birth",
        ),
        pytest.param(
            "PATIENT\nHERMISTON, JOANNA ROSE\nDate of Birth: April 13,. 1969",
            "HERMISTON",
            "JOANNA",
            "1969-04-13",
            None,
            id="a-speck-after-the-days-comma",
        ),
        pytest.param(
            "Patent’s Name:  MURRAY, TOBIAS L\nDate of Birta:  07/27/1942\nMedica Record No: 561989",
            "MURRAY",
            "TOBIAS",
            "1942-07-27",
            "561989",
            id="ocr-misread-labels-restored",
        ),
        pytest.param(
            "PATIENT NAME: BIRCH, ANNA\nBIRTE DATE: 02/19/1974",
            "BIRCH",
            "ANNA",
            "1974-02-19",
            None,
            id="ocr-birte-date-beside-a-surname-like-birch",
        ),
        pytest.param(
            "Patient: ROE, POLLY LOUISE\nDOB: 032872005   Member #: 840273935",
            "ROE",
            "POLLY",
            "2005-03-28",
            None,
            id="ocr-read-a-birth-dates-slashes-as-a-digit-and-nothing",
        ),
        pytest.param(
            "Name: Kuphal, Cathern\nDOB: . - 05/30/76",
            "Kuphal",
            "Cathern",
            "1976-05-30",
            None,
            id="stray-marks-before-the-date",
        ),
        pytest.param(
            "- Patient Name: Luigi Schultz\nDOB: 11/29/1935",
            "Schultz",
            "Luigi",
            "1935-11-29",
            None,
            id="stray-marks-before-the-label",
        ),
        pytest.param(
            "Patient:             APARICIO, MARÍA SOLEDAD\nDOB: 2/23/2017",
            "APARICIO",
            "MARÍA",
            "2017-02-23",
            None,
            id="accented-letters",
        ),
        pytest.param(
            "Name: Quinton Thomas Conn Notice Date: 8/21/2026\nDOB: 1-28-15",
            "Conn",
            "Quinton",
            "2015-01-28",
            None,
            id="two-word-label-after-the-name",
        ),
        pytest.param(
            "Name: FEIL, LEONIE GRACE ‘ Request Date: 04/18/2024\nDOB: January 8, 1965",
            "FEIL",
            "LEONIE",
            "1965-01-08",
            None,
            id="stray-quote-after-the-name",
        ),
        pytest.param(
            "RF: KRIS, ALDA A (DOB Mar 27, 1949)", "KRIS", "ALDA", "1949-03-27", None, id="ocr-rf-for-re"
        ),
        pytest.param(
            "Patient: ABSHIRE, MARTY D.0,B.: 09/07/08 Sex: F",
            "ABSHIRE",
            "MARTY",
            "2008-09-07",
            None,
            id="ocr-comma-in-dotted-dob",
        ),
        pytest.param(
            "MEMBER NAME (Last, First)      SUBSCRIBER ID\n"
            "ROE, JANE                      XQ6422785315\n"
            "DOB (MM/DD/YYYY)               MEMBER PHONE\n"
            "January 6, 1992                617.251.3108\n",
            "ROE",
            "JANE",
            "1992-01-06",
            None,
            id="caption-with-a-format-hint-over-its-value",
        ),
        pytest.param(
            "Name: ROE, JANE\nMed Rec No: 581880036 _D.O.B.: 07/05/1978 (47 y) Sex: F",
            "ROE",
            "JANE",
            "1978-07-05",
            "581880036",
            id="a-stray-underscore-before-a-dotted-dob",
        ),
    ],
)
def test_identity_label_forms(text: str, last: str, first: str, dob: str, mrn: str | None) -> None:
    (identity, *_) = extract(ocr_of(text), reference_date=RECEIVED).identities
    assert (identity.last_name, identity.first_name) == (last, first)
    assert identity.dob == dt.date.fromisoformat(dob)
    assert identity.mrn == mrn
    assert identity.name_span is not None and identity.page == 1


def test_a_garbled_label_after_the_name_ends_the_name() -> None:
    text = "Patient: Ty Schmeler O00B: November 18, 1977\nCollected: April 23, 2025"
    (identity, *_) = extract(ocr_of(text), reference_date=RECEIVED).identities
    assert (identity.last_name, identity.first_name, identity.middle_name) == ("Schmeler", "Ty", "")


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        pytest.param(
            "Ordering Physician: Dr. Samuel Beckett, MD\nPatient: Jane Roe\nDOB: 01/02/1980",
            "Beckett",
            id="provider",
        ),
        pytest.param(
            "Patient: Jane Roe\nDOB: 01/02/1980\nGuarantor Name: Richard Roe\nGuarantor DOB: 05/06/1950",
            "Richard",
            id="guarantor",
        ),
        pytest.param(
            "Patient: Jane Roe  DOB: 01/02/1980\nSubscriber: Richard Roe\nMember ID: 88812345",
            "88812345",
            id="subscriber-member-id",
        ),
        pytest.param(
            "Patient: Jane Roe\nDOB: 01/02/1980\nAccount: 55512345  NPI: 1234567893\nCollected: 10/01/2026",
            "1234567893",
            id="account-npi",
        ),
        pytest.param(
            "Patient: Jane Roe   DOS: 09/30/2016\nDOB: 01/02/1980", "2016", id="date-of-service-is-no-dob"
        ),
        pytest.param(
            "Patient: Jane Roe\nDOB: 01/02/1980\nMember Name: Richard Roe\nMember DOB: 05/06/1950",
            "Richard",
            id="a-member-beside-a-patient-field-is-the-policy-holder",
        ),
        pytest.param(
            "Patient: Jane Roe\nDOB: 01/02/1980\nFacility Name: Mercy Hospital\nProvider Name: Richard Roe",
            "Mercy",
            id="names-of-things-and-providers",
        ),
    ],
)
def test_distractors_are_not_the_patient(text: str, absent: str) -> None:
    extraction = extract(ocr_of(text), reference_date=RECEIVED)
    (identity,) = extraction.identities
    assert (identity.last_name, identity.first_name, identity.dob) == ("Roe", "Jane", dt.date(1980, 1, 2))
    assert absent not in repr(extraction.identities)


def test_a_dotted_number_is_no_birth_date_label() -> None:
    (identity,) = extract(
        ocr_of("Patient: Jane Roe\nLot D.0.8.5 exp 11/30/2019"), reference_date=RECEIVED
    ).identities
    assert identity.dob is None


def test_guarantor_dob_beside_patient_dob_is_not_taken() -> None:
    text = "Guarantor DOB: 05/06/1950\nPatient: Jane Roe\nCollected: 10/01/2026\nDOB: 01/02/1980"
    (identity,) = extract(ocr_of(text), reference_date=RECEIVED).identities
    assert identity.dob == dt.date(1980, 1, 2)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("\x00\x01 ��� ###", id="binary-junk"),
        pytest.param("12345 67890 11/11 99/99/9999 0000", id="only-numbers"),
        pytest.param("Re: Patient records\nPlease see attached.", id="cover-sheet-re"),
        pytest.param("Name:\n\n", id="label-without-value"),
        pytest.param("RE: Subscriber: Harold Whitfield", id="re-line-naming-someone-else"),
    ],
)
def test_garbage_yields_no_identity(text: str) -> None:
    assert extract(ocr_of(text), reference_date=RECEIVED).identities == ()


def test_document_date_prefers_labels_and_is_never_the_dob() -> None:
    text = "Patient: Jane Roe\nDOB: 01/02/1980\nReport Date: 10/03/2026\nCollected: 10/01/2026"
    assert extract(ocr_of(text), reference_date=RECEIVED).doc_date == dt.date(2026, 10, 3)


def test_two_patients_in_one_fax_are_flagged() -> None:
    one = "Patient: Jane Roe\nDOB: 01/02/1980\nLABORATORY REPORT"
    two = "Patient: Carl Smith\nDOB: 07/08/1966\nLABORATORY REPORT"
    extraction = extract(ocr_of(one, two), reference_date=RECEIVED)
    assert extraction.possibly_multiple_patients
    assert {i.page for i in extraction.identities} == {1, 2}


def test_same_patient_on_every_page_is_not_flagged() -> None:
    page = "Patient: Jane Roe\nDOB: 01/02/1980\nLABORATORY REPORT"
    extraction = extract(ocr_of(page, page.replace("Jane Roe", "ROE, JANE")), reference_date=RECEIVED)
    assert not extraction.possibly_multiple_patients


@pytest.mark.parametrize(
    ("title", "doc_type"),
    [
        pytest.param("LABORATORY REPORT\nReference Range", "lab_result", id="lab"),
        pytest.param("RADIOLOGY REPORT\nIMPRESSION: normal", "radiology_report", id="radiology"),
        pytest.param("Referral Letter\nReason for referral: knee pain", "referral", id="referral"),
        pytest.param("DISCHARGE SUMMARY\nHospital course: stable", "discharge_summary", id="discharge"),
        pytest.param("PRIOR AUTHORIZATION REQUEST", "prior_authorization", id="prior-auth"),
        pytest.param("Explanation of Benefits\nClaim number 1", "insurance_correspondence", id="eob"),
        pytest.param("Hello world", "other", id="other"),
    ],
)
def test_document_type(title: str, doc_type: str) -> None:
    assert extract(ocr_of(title), reference_date=RECEIVED).doc_type == doc_type


@given(st.text(max_size=300))
def test_date_finder_never_raises_and_dobs_are_never_in_the_future(text: str) -> None:
    for found in find_dates(text, reference_date=RECEIVED, kind=DateKind.DOB):
        assert found.value <= RECEIVED


@given(st.text(max_size=60))
def test_name_normalisation_is_idempotent(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once


@given(st.text(max_size=400))
def test_extraction_never_raises(text: str) -> None:
    extraction = extract(ocr_of(text), reference_date=RECEIVED)
    assert extraction.doc_type


def test_two_column_table_is_read_row_by_row_from_word_boxes() -> None:
    # (text, left, top, Tesseract line): the label column and the value column are separate lines
    cells = [
        ("Patient:", 100, 200, 1),
        ("Jane", 500, 200, 4),
        ("Roe", 620, 200, 4),
        ("Birth", 100, 260, 2),
        ("Date:", 190, 260, 2),
        ("01/02/1980", 500, 260, 5),
        ("MR#:", 100, 320, 3),
        ("7654321", 500, 320, 6),
    ]
    words = tuple(
        Word(text, left, top, 20 * len(text), 40, 95.0, (1, 1, line)) for text, left, top, line in cells
    )
    column_order = "Patient:\nBirth Date:\nMR#:\n\nJane Roe\n01/02/1980\n7654321"  # Tesseract's block order
    incoming = ocr_of("").incoming
    page = OcrPage(number=1, text=column_order, words=words)
    (identity,) = extract(OcrResult(incoming, (page,), Path("s.pdf")), reference_date=RECEIVED).identities
    assert (identity.last_name, identity.first_name, identity.dob, identity.mrn) == (
        "Roe",
        "Jane",
        dt.date(1980, 1, 2),
        "7654321",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Collected: 10/01/2026\nReported: 10/03/2026", "2026-10-03", id="reported-over-collected"
        ),
        pytest.param(
            "Notice Date: 03/28/2025\nDate of Service: 02/08/2025", "2025-03-28", id="notice-over-service"
        ),
        pytest.param("Exam Date: 2024-08-21\nDOB: 02/28/1988", "2024-08-21", id="exam-not-dob"),
        pytest.param(
            "07/01/26 11:09 FAX 4134883935 Clinic PAGE 01/01\nDOB: 1953-10-26",
            "2026-07-01",
            id="fax-header-fallback",
        ),
        pytest.param(
            "10/29/26 09:12 FAX 6175550100 PAGE 1/2\nDate of Service: 10/02/2026\n"
            "Physician signature: ______    Date: 10/20/2026",
            "2026-10-20",
            id="signature-date-over-service-and-fax",
        ),
        pytest.param(
            "Lowell, MA    October 30, 2026\nRE: records\nDate of Loss: 01/03/2025\n"
            "Date of Service: 05/05/2025",
            "2026-10-30",
            id="letter-date-over-loss-and-service",
        ),
        pytest.param(
            "Claim summary\nService    Code    Billed    Paid\n06/01/2026    99213    $120.00    $80.00\n"
            "Date of injury: 02/02/2026\nPrinted for the member.",
            None,
            id="no-date-from-a-table-or-an-injury",
        ),
        pytest.param(
            "STATEMENT COVERS PERIOD FROM 04/01/2026 THROUGH 04/09/2026\nAdmission Date: 04/01/2026\n"
            "PAGE 1 OF 1    CREATION DATE 04/14/2026    TOTALS",
            "2026-04-14",
            id="claim-creation-date-over-a-statement-period",
        ),
        pytest.param(
            "Exam Date: 03/02/2026\nPrior study: 01/05/2025\nElectronically signed: 03/03/2026 14:02",
            "2026-03-03",
            id="electronically-signed-over-exam",
        ),
        pytest.param(
            "Date of Service: 02/08/2025\nDate of this Notice: 03/28/2025",
            "2025-03-28",
            id="date-of-this-notice",
        ),
        pytest.param(
            "Interpreted by: Ruth Ames MD on 5/4/2026\nExam date: 05/01/2026",
            "2026-05-04",
            id="interpreted-by-on",
        ),
        pytest.param(
            "Electronically signed by: Ruth Ames MD on 5/4/2026 08:21\nCollected: 05/01/2026",
            "2026-05-04",
            id="electronic-signature-over-collection",
        ),
        pytest.param(
            "Date of Service: 05/05/2025\n09/21/2025 |\nRE: records\nDate of Loss: 01/03/2025",
            "2025-09-21",
            id="letter-date-line-with-a-stray-rule",
        ),
        pytest.param(
            "Lowell, MA    December: 26, 2025\nRE: records\nDate of Loss: 01/03/2025",
            "2025-12-26",
            id="letter-date-with-a-colon-read-after-the-month",
        ),
        pytest.param(
            "24. DATE(S) OF SERVICE\n08 19 25  99213\nSIGNED ELEANOR IYER\nDATE. 08/28/2025",
            "2025-08-28",
            id="claim-signature-date-after-date-and-a-period",
        ),
        pytest.param(
            "Date of Service: 05/05/2025\nSIGNED ELEANOR IYER\nDATE 07.17 2025",
            "2025-07-17",
            id="signature-date-with-a-slash-read-as-a-dot-and-one-as-a-space",
        ),
        pytest.param(
            "RX RENEWAL REQUEST\nSent: 05/25/2024    Request #: R20358915\n"
            "Drug Name & Strength    Qty    Last Filled    Date Written\n"
            "Albuterol HFA 90 mcg inhaler    30    04/23/2024    06/15/2023",
            "2024-05-25",
            id="sent-over-a-grids-fill-and-written-dates",
        ),
        pytest.param(
            "RX RENEWAL REQUEST\n12/01/2023\nRequest #        Date of Request    Pharmacy NCPDP\n"
            "R20358915        January 1, 2024    3062190\n"
            "Patient Name        Date of Birth    Gender\nMarvin, Walt        05/13/1959       M",
            "2024-01-01",
            id="a-header-rows-request-date-over-a-lone-date-line",
        ),
        pytest.param(
            "Date of Birth: 09/27/1962    Reported: 2024-07-27 13:37\nCollected: 2024-07-25 17:01",
            "2024-07-27",
            id="a-date-beside-a-filled-birth-date-field-is-no-birth-date",
        ),
        pytest.param(
            "SSN: XXX-XX-8887 Date Hired: 08/19/2021\n"
            "Date Employer Notified: 01/29/2024 Body Part: Shoulder\n"
            "Prepared by: Kevin Kowalczyk Title: HR Manager Phone: 978,329,6264 Dale: February 8, 2024",
            "2024-02-08",
            id="a-bare-date-label-one-glyph-off-before-its-colon",
        ),
        pytest.param(
            "Date of Report; 96/18/2024\nDate of Injury: 06/07/2024",
            "2024-06-18",
            id="an-impossible-month-one-confusable-digit-from-one-date",
        ),
        pytest.param(
            "Date of Report: 00/15/2024\nDate of Injury: 06/07/2024",
            None,
            id="an-impossible-month-several-dates-fit",
        ),
        pytest.param(
            "03/18/25 10:02 FROM: Maple Ridge SNF PAGE 1 OF 2\nAdmission Date: 02/27/2025\n"
            "Date of Transfer: 03/17/2025    Time: 14:30",
            "2025-03-17",
            id="a-transfer-forms-transfer-date-over-the-fax-header-and-admission",
        ),
        pytest.param(
            "06/02/26 09:12 FAX 6175550100 PAGE 1/3\nOnset: 04/11/2026\nConsult Dt: 05/28/2026",
            "2026-05-28",
            id="an-abbreviated-consultation-date-over-the-fax-header-and-onset",
        ),
        pytest.param(
            "INTAKE FORM\nDate of Service: 01/30/2026\nToday's Date: 02/03/2026",
            "2026-02-03",
            id="the-day-a-form-was-filled-in-over-a-service-date",
        ),
        pytest.param(
            "03/02/26 10:02 FAX 6175550100 PAGE 1/2\nDate Submitted: 02/27/2026\nStart date: 03/01/2026",
            "2026-02-27",
            id="a-requests-submission-date-over-the-fax-header-and-a-start-date",
        ),
        pytest.param(
            "PRIOR AUTHORIZATION REQUEST\nName:             BOYLE, VIKI J\nDOB:              5/24/1974\n"
            "Request Date:     July 8, 2025\nMember ID:        XQ342861046",
            "2025-07-08",
            id="a-date-under-a-label-columns-birth-date-is-another-fields",
        ),
        pytest.param(
            "Svc Dt: 03/30/2026    Rpt Dt: 04/02/2026",
            "2026-04-02",
            id="short-labels-a-report-date-over-a-service-date",
        ),
        pytest.param(
            "Date of Servlce: 10/02/2026\nReoort Date: 10/20/2026",
            "2026-10-20",
            id="misread-report-and-service-labels-restored",
        ),
    ],
)
def test_document_date_labels(text: str, expected: str | None) -> None:
    found = extract(ocr_of(text), reference_date=RECEIVED).doc_date
    assert (str(found) if found else None) == expected


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        pytest.param("771672026", dt.date(2026, 7, 16), id="both-slashes-read-as-7"),
        pytest.param("11411725", dt.date(2025, 11, 11), id="read-as-4-and-7"),
        pytest.param("071572026", None, id="ambiguous-7-5-or-7-15"),
        pytest.param("475882987", None, id="an-account-number"),
    ],
)
def test_a_signature_date_whose_slashes_ocr_read_as_digits(printed: str, expected: dt.date | None) -> None:
    """A fax's thin slashes read as 1, 4 or 7 (or lost): the one date the digits split into, else none."""
    text = f"Progress note\nElectronically signed by Dr. Ruth Ames on {printed} at 18:47\n"
    assert extract(ocr_of(text), reference_date=RECEIVED).doc_date == expected


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        pytest.param("02/19743", dt.date(1943, 2, 19), id="second-slash-read-as-7"),
        pytest.param("02719/43", dt.date(1943, 2, 19), id="first-slash-read-as-7"),
        pytest.param("11/2771957", dt.date(1957, 11, 27), id="four-digit-year"),
        pytest.param("1111/43", None, id="ambiguous-1-11-or-11-1"),
        pytest.param("01/0213", dt.date(2013, 1, 2), id="second-slash-lost"),
        pytest.param("3/1524", dt.date(2024, 3, 15), id="second-slash-lost-one-digit-month"),
        pytest.param("01/021980", dt.date(1980, 1, 2), id="second-slash-lost-four-digit-year"),
        pytest.param("0102/1913", dt.date(1913, 1, 2), id="first-slash-lost"),
        pytest.param("3/1980", None, id="a-month-and-year-as-printed"),
        pytest.param("112/1980", None, id="first-slash-lost-ambiguous-1-12-or-11-2"),
    ],
)
def test_a_birth_date_with_one_slash_read_as_a_digit_or_lost(printed: str, expected: dt.date | None) -> None:
    """One slash printed, the other read as a 1, 4 or 7 or lost: the one date the run splits into, else
    none; four digits that are a year after the month are a month and year as printed."""
    text = f"CONSULTATION REPORT\nPatient: Mertie O'Kon\nDOB: {printed}  Sex: F\n"
    identities = extract(ocr_of(text), reference_date=RECEIVED).identities
    assert identities and identities[0].dob == expected


def test_a_field_date_after_another_fields_value_is_the_documents() -> None:
    text = (
        "APR-21-2026 09:46 FROM: EXPRESS CARE 6038356446 TO: 5084620218 P1/2\nUrgent Care Visit Note\n"
        "Chart: 475882987 Date: 4/20/2026 Provider: OKAFOR, THOMAS\nLast visit: 11/17/2025"
    )
    assert extract(ocr_of(text), reference_date=RECEIVED).doc_date == dt.date(2026, 4, 20)


@pytest.mark.parametrize(
    ("first_page", "cover"),
    [
        pytest.param("Fax Cover Sheet\nTo: Riverbend Clinic\nFrom: Cedar Hill", True, id="titled"),
        pytest.param("FACSIMILE\nDate: 02/06/2026\nTo: Northfield Urgent Care", True, id="title-alone"),
        pytest.param("Pages: 3 (including cover)\nTo: Riverbend Clinic", True, id="page-count"),
        pytest.param(
            "6/24/25 09:14 FAX 7829795955 Berkshire Neurology PAGE 01/02\nRequest for Consultation\n"
            "June 23, 2025\nReferred To: Raymond Zimmerman MD",
            False,
            id="the-fax-machines-header-line",
        ),
    ],
)
def test_a_cover_sheet_is_told_from_a_faxed_pages_header(first_page: str, cover: bool) -> None:
    """A cover sheet's dates and names are not the document's; a faxed letter's first page is the letter."""
    second = "PROGRESS NOTE\nReport Date: 01/15/2026\nPatient: Jane Roe  DOB: 01/02/1980"
    found = extract(ocr_of(first_page, second), reference_date=RECEIVED).doc_date
    if cover:
        assert found == dt.date(2026, 1, 15)
    else:
        assert found == dt.date(2025, 6, 23)


def test_a_dotted_abbreviation_is_a_caption_over_its_value() -> None:
    """ "D.O.B." over the birth date in a header row: read for anyone, listed or not."""
    text = (
        "LAB REQUISITION\n"
        "Patient Name (Last, First MI)      D.O.B.        Sex\n"
        "QUARTERMAINE, ZEBULON              02/29/1988    M\n"
    )
    identities = extract(ocr_of(text), reference_date=RECEIVED).identities
    assert any(i.last_name == "QUARTERMAINE" and i.dob == dt.date(1988, 2, 29) for i in identities)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Name (Last, First)    Birthdate     Age\nROGAHN, GARY A        04/20/1975    49\n", id="header"
        ),
        pytest.param("Name (Last, First): ROGAHN, GARY A\nBirthdate: 04/20/1975\n", id="label-and-colon"),
        pytest.param("Name (Last, First, MI):   ROGAHN, GARY A\nDOB: 04/20/1975\n", id="a-column-gap"),
    ],
)
def test_a_name_label_with_a_format_hint_reads_the_name(text: str) -> None:
    """ "Name (Last, First)" is "Name" with a hint of how to write it, as "PATIENT'S NAME (Last, First)"
    is "Patient's Name": the name under it or after it is read with the birth date beside it."""
    identities = extract(ocr_of(text), reference_date=RECEIVED).identities
    assert ("ROGAHN", "GARY", dt.date(1975, 4, 20)) in [
        (i.last_name, i.first_name, i.dob) for i in identities
    ]


def test_an_aside_saying_whose_name_it_is_makes_no_name_label() -> None:
    """ "Name (Spouse):" is no hint of how to write a name: the name after it is not read as the patient's."""
    text = "Name (Spouse): MARY ROE\nBirthdate: 04/20/1975\n"
    identities = extract(ocr_of(text), reference_date=RECEIVED).identities
    assert all(i.last_name is None for i in identities)


@pytest.mark.parametrize(
    ("label", "role"),
    [
        pytest.param("2# INSUREIYS DATE OF BIRTH MM", Role.OTHER, id="insured-misread"),
        pytest.param("SUBSCRlBER NAME", Role.OTHER, id="subscriber-misread"),
        pytest.param("[3 INSURCC 5 NAME (Last Narre)", Role.OTHER, id="insured-start-kept"),
        pytest.param("PHYSICAL THERAPY PLAN OF CARE", Role.UNSTATED, id="physical-is-no-physician"),
        pytest.param("PATIENT INFORMATION", Role.PATIENT, id="patient"),
        pytest.param("Date of Birth", Role.UNSTATED, id="no-role"),
    ],
)
def test_role_words_are_read_through_ocr_damage(label: str, role: Role) -> None:
    assert role_in(label, has_patient_field=True) is role


def test_the_next_label_run_into_a_name_is_not_part_of_it() -> None:
    """OCR lost the gap before the next field ("Date" read as "Dale"): no "Dale, Leroy" is invented."""
    text = "Client Name: LEROY L BARROWS Dale of Service: 10/04/2025\nClient DOB: 7/13/2015"
    identities = extract(ocr_of(text), reference_date=RECEIVED).identities
    assert identities and {i.last_name for i in identities} == {"BARROWS"}


@pytest.mark.parametrize(
    ("second_page", "bundled"),
    [
        pytest.param(
            "EOB\nSubscriber:    LOWE,    CORTNEY    Dependent:    LOWE, CORTNEY\n",
            True,
            id="other-subscriber",
        ),
        pytest.param("EOB\nPatient:    Cortney Lowe    Claim #: 1993\n", True, id="other-patient"),
        pytest.param("EOB\nSubscriber:    Roberts, Robert\nNotes follow.\n", False, id="same-subscriber"),
        pytest.param("EOB\nSubscriber:    R0berts, Robert\n", False, id="an-ocr-slip-is-the-same"),
        pytest.param("EOB\nRendering provider:    Eleanor Quinlan\n", False, id="not-a-party-field"),
        pytest.param(
            "Patient: Cary Roberts Merrimack Family Services    Page 2 of 2\n",
            False,
            id="a-running-header-run-into-the-letterhead-is-the-same",
        ),
    ],
)
def test_a_party_field_naming_different_people_on_two_pages_is_a_bundle(
    second_page: str, bundled: bool
) -> None:
    """Two payer notices faxed as one: page 2's subscriber or patient is someone else, so the document
    may hold more than one patient, whether or not either is on the list."""
    first = "EOB\nSubscriber:    Roberts, Robert    Claimant:    Cary Roberts\nPatient:    Cary Roberts\n"
    extraction = extract(ocr_of(first, second_page), reference_date=RECEIVED)
    assert extraction.possibly_multiple_patients is bundled


def test_of_two_nameless_readings_the_one_with_a_birth_date_comes_first() -> None:
    """A requisition whose name is split into "Last Name" and "First Name" boxes: the page's birth date
    is what a clerk needs first, not a stray number read after an ID label."""
    page = "Patient ID: 261\nLast Name      First Name      DOB\nCARTWRIGHT     LAVERNA         07/29/1954\n"
    first = extract(ocr_of(page), reference_date=RECEIVED).identities[0]
    assert (first.dob, first.mrn) == (dt.date(1954, 7, 29), None)


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        pytest.param("01721717", dt.date(2017, 1, 21), id="both-slashes-read-as-7"),
        pytest.param("72472016", None, id="a-date-only-with-a-slash-lost-is-none"),
        pytest.param("06211966", dt.date(1966, 6, 21), id="a-compact-date-as-printed"),
    ],
)
def test_eight_digits_in_a_birth_date_field(printed: str, expected: dt.date | None) -> None:
    """Eight digits no compact form reads as a date ("D,0.B.: 01721717") are the date whose two slashes
    OCR read as 1, 4 or 7; with one slash lost they could be several dates and are none."""
    text = f"Patient: ROE, POLLY LOUISE\nD,0.B.: {printed}   Member #: 840273935\n"
    identities = extract(ocr_of(text), reference_date=RECEIVED).identities
    assert identities[0].dob == expected


def test_digits_whose_slashes_ocr_misread_are_a_birth_date_only_in_a_birth_date_field() -> None:
    """Nine digits under a birth-date caption are the date whose slashes OCR lost or read as a 7; eight
    digits that are no compact date ("01721717") as a member number are no date, and a compact
    eight-digit date is read once as printed."""
    cells = extract(
        ocr_of("Patient D.O.B.      Member #\nROE, POLLY  032872005  01721717\nDOB: 06211966\n"),
        reference_date=RECEIVED,
    ).cells
    read = sorted((str(d.value), d.text) for d in read_words(cells, reference_date=RECEIVED).dates)
    assert read == [("1966-06-21", "06211966"), ("2005-03-28", "032872005")]


@pytest.mark.parametrize(
    ("printed", "source", "expected"),
    [
        pytest.param("6/12/2069", "ocr", dt.date(2009, 6, 12), id="a-year-to-come-its-0-read-as-6"),
        pytest.param("6/31/2001", "ocr", None, id="june-31-may-or-august-is-none"),
        pytest.param("6/12/2069", "text-layer", None, id="in-a-text-layer-a-typo"),
        pytest.param("6/12/2009", "ocr", dt.date(2009, 6, 12), id="as-printed"),
        pytest.param("Sop 18, 2016", "ocr", dt.date(2016, 9, 18), id="a-month-its-e-read-as-o"),
        pytest.param("JULY 1672016", "ocr", dt.date(2016, 7, 16), id="the-comma-read-as-a-7"),
        pytest.param("Oec 4, 1950", "ocr", dt.date(1950, 12, 4), id="a-month-its-d-read-as-o"),
        pytest.param("Mav 3, 1980", "ocr", None, id="march-or-may-is-none"),
        pytest.param("Sop 18, 2016", "text-layer", None, id="a-month-in-a-text-layer-a-typo"),
        pytest.param("Sep 18, 2016", "ocr", dt.date(2016, 9, 18), id="a-month-as-printed"),
    ],
)
def test_a_birth_date_read_through_one_ocr_misreading(
    printed: str, source: str, expected: dt.date | None
) -> None:
    """A fax read "DOB: 6/12/2069" on a 2024 visit: no one is born in 2069, and of the dates one digit OCR
    confuses turns it into, only 6/12/2009 is a birth date. "Sop 18, 2016": of the months' names, one
    letter OCR confuses (e for o) makes it only September; "JULY 1672016" is July 16, 2016, its comma read
    as a 7. Where several fit (June 31: May or August; "Mav": Mar or May), or in a text layer (what the
    sender typed), nothing is read; the same in a form's geometry."""
    text = f"ENCOUNTER SUMMARY\nPatient: LEBRON, BEATRIZ M\nDOB: {printed}    Age: 15\n"
    result = ocr_of(text, source=source)
    extraction = extract(result, reference_date=RECEIVED)
    assert extraction.identities[0].dob == expected
    read = {d.value for d in read_words(extraction.cells, reference_date=RECEIVED).dates if d.labelled}
    assert read == ({expected} if expected else set())


def test_a_lost_slash_is_read_only_in_a_birth_date_field() -> None:
    """A birth date with a slash OCR lost ("01/0213") is read under its label; the same shapes anywhere
    else ("Lot 3/1524", a card's "Exp 12/2024") are no dates."""
    cells = extract(
        ocr_of("Patient: ROE, POLLY\nDate of Birth: 01/0213\nLot 3/1524   Card Exp 12/2024\n"),
        reference_date=RECEIVED,
    ).cells
    read = sorted((str(d.value), d.text) for d in read_words(cells, reference_date=RECEIVED).dates)
    assert read == [("2013-01-02", "01/0213")]


@pytest.mark.parametrize(
    ("text", "dob"),
    [
        pytest.param("Patient: ROE, JANE\nINSURFO'S DATE OF FIRTH: 01/29/1998", None, id="misread-insureds"),
        pytest.param("Patient: ROE, JANE\nSUBSCRlBER DOB: 01/29/1998", None, id="misread-subscriber"),
        pytest.param("Patient: ROE, JANE   Insurance: Aetna   DOB: 03/04/1957", "1957-03-04", id="insurance"),
    ],
)
def test_a_birth_date_label_owned_by_a_misread_role_word_is_not_the_patients(
    text: str, dob: str | None
) -> None:
    """The word right before a birth-date label says whose it is, through OCR damage ("INSURFO'S", a
    restored "DATE OF BIRTH"); a field before it on the line ("Insurance: Aetna") does not."""
    identities = extract(ocr_of(text), reference_date=RECEIVED).identities
    assert [str(i.dob) if i.dob else None for i in identities if i.last_name == "ROE"] == [dob]


def test_a_documents_words_are_read_once_for_extract_and_decide() -> None:
    """decide reads the words extract already read (the same cells); other cells, or another day
    received, are read afresh."""
    cells = extract(ocr_of("Patient: ROE, JANE\nDOB: 03/04/1957\n"), reference_date=RECEIVED).cells
    first = read_words(cells, reference_date=RECEIVED)
    assert read_words(cells, reference_date=RECEIVED) is first
    assert read_words(tuple(cells), reference_date=RECEIVED) is first  # tuple() of a tuple is itself
    assert read_words(list(cells), reference_date=RECEIVED) is not first
    assert read_words(cells, reference_date=dt.date(2026, 11, 3)) is not first
    assert [d.value for d in read_words(list(cells), reference_date=RECEIVED).dates] == [
        d.value for d in first.dates
    ]
