"""The data model: frozen records that flow between the pipeline's stages."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from pathlib import Path

# The patient master list's columns (the EHR's CSV export; indexer.patients reads it)
PATIENT_COLUMNS = (
    "mrn",
    "last_name",
    "first_name",
    "middle_name",
    "dob",
    "sex",
    "phone",
    "address",
    "city",
    "state",
    "zip",
)
MERGED_INTO = "merged_into"  # optional: this row's MRN was merged into that one (EHR merge exports)


class Status(enum.StrEnum):
    """Final outcome of one incoming file."""

    FILED = "filed"
    REVIEW = "review"
    UNMATCHED = "unmatched"
    QUARANTINED = "quarantined"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"  # a clerk decided it is not a patient document (misdirected fax, junk)
    SPLIT = "split"  # a clerk cut it into child documents, one per patient


class FileKind(enum.StrEnum):
    """Input formats chartfile reads."""

    PDF = "pdf"
    TIFF = "tiff"
    PNG = "png"
    JPEG = "jpeg"


@dataclass(frozen=True, slots=True)
class IncomingFile:
    """A file claimed from the inbox: copied into its work folder and hashed."""

    intake_id: int
    source_path: Path
    source_name: str
    work_copy: Path
    work_dir: Path
    sha256: str
    size_bytes: int
    kind: FileKind | None  # None: not a format chartfile reads (it will be quarantined)
    received_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its box in page pixels and Tesseract confidence (0-100)."""

    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float
    line_key: tuple[int, int, int] = (0, 0, 0)


@dataclass(frozen=True, slots=True)
class OcrPage:
    """The text of one page and where it came from."""

    number: int
    text: str
    words: tuple[Word, ...] = ()
    mean_confidence: float | None = None
    source: str = "ocr"  # "ocr", "text-layer", "blank" or "unreadable"
    low_confidence: bool = False
    pdf_page: tuple[Path, int] | None = None  # where this page's PDF page is: (file, 0-based index)
    text_overlay: tuple[Path, int] | None = None  # an invisible text-only PDF page to lay over `pdf_page`
    note: str = ""


@dataclass(frozen=True, slots=True)
class OcrResult:
    """All pages of a document, and the searchable PDF assembled from them."""

    incoming: IncomingFile
    pages: tuple[OcrPage, ...]
    searchable_pdf: Path

    @property
    def text(self) -> str:
        return "\n\f".join(page.text for page in self.pages)


@dataclass(frozen=True, slots=True)
class Span:
    """Where a value was read: page number and character offsets in that page's text."""

    page: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Cell:
    """A run of words on one row of a page, apart from its neighbours (a form field, a table cell).

    Positions are page pixels, or characters and rows on a page known only by its text."""

    page: int
    row: int  # the row's index on its page, top to bottom
    left: int
    right: int
    top: int
    bottom: int
    text: str
    confidence: float = 100.0  # the least confident word's Tesseract confidence (100: a text layer)
    ocr: bool = True  # read by OCR: its letters may be OCR confusions of the printed ones
    word_confidences: tuple[float, ...] = ()  # each word's, in the order `text` prints them (OCR'd cells)


class Role(enum.StrEnum):
    """Whose identity a label says a name is: the patient's, someone else's, or it does not say."""

    PATIENT = "patient"
    OTHER = "other"  # a subscriber, guarantor, provider, prescriber, relative, sender, attorney
    UNSTATED = "unstated"


@dataclass(frozen=True, slots=True)
class IdentityCandidate:
    """One patient identity as read from a document (any field may be missing)."""

    last_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    dob: dt.date | None = None
    mrn: str | None = None
    page: int = 1
    dob_unread_glyphs: bool = False  # search: digit boxes OCR partly misread that read as the listed `dob`
    name_span: Span | None = None
    dob_span: Span | None = None
    mrn_span: Span | None = None
    low_confidence: bool = False
    phone: str | None = None  # ten digits
    address: str | None = None  # the street line as printed
    role: Role = Role.PATIENT
    found_by: str = "label"  # "label": read from labelled fields; "search": a listed patient's words found
    ocr: bool = True  # the name was read by OCR (an OCR confusion can explain a difference)
    rows_apart: int = 0  # how far the birth date or MRN was from the name (rows)
    name_words: tuple[int, int, int] | None = (
        None  # search readings: (cell, first word, last word) of the name
    )


@dataclass(frozen=True, slots=True)
class Extraction:
    """What the extractor read from a document: identities, date and type."""

    identities: tuple[IdentityCandidate, ...]
    doc_date: dt.date | None
    doc_type: str
    reference_date: dt.date
    possibly_multiple_patients: bool = False
    notes: tuple[str, ...] = ()
    cells: tuple[Cell, ...] = field(default=(), repr=False)  # the pages' layout, for the identity search


@dataclass(frozen=True, slots=True)
class PatientRecord:
    """A patient on the master list, as the matcher sees it."""

    mrn: str
    last_name: str
    first_name: str
    middle_name: str = ""
    dob: dt.date | None = None
    sex: str = ""
    address: str = ""
    phone: str = ""
    zip: str = ""


@dataclass(frozen=True, slots=True)
class FieldScore:
    """One field's comparison: which level it reached and the weight that level carries."""

    field: str
    level: str
    weight: float
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A scored patient candidate for a document."""

    mrn: str
    score: float  # posterior match probability in [0, 1]
    match_weight: float  # sum of log2 Bayes factors
    fields: tuple[FieldScore, ...] = ()
    evidence: tuple[str, ...] = ()  # how the document's reading of this patient was found (no PHI)
    reading: IdentityCandidate | None = None  # what the document printed, read as this patient's identity


@dataclass(frozen=True, slots=True)
class MatchDecision:
    """The matcher's verdict on a document, with its reasons."""

    status: Status
    patient_mrn: str | None
    score: float | None
    candidates: tuple[Candidate, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FiledDocument:
    """A document committed to the store and the database."""

    document_id: int
    status: Status
    stored_path: Path | None
    original_path: Path | None
    patient_mrn: str | None = None
    page_count: int = 0
    duplicate_of: int | None = None
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Demographics:
    """A patient as the EHR describes them (ADT PID segment, FHIR Patient): the master list's fields."""

    mrn: str
    last_name: str
    first_name: str
    middle_name: str = ""
    dob: dt.date | None = None
    sex: str = ""
    phone: str = ""
    address: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""


@dataclass(frozen=True, slots=True)
class PatientUpdate:
    """News about one patient from the EHR: fields it names (`present`), when it was true, and a merge.

    `merged_into`: this record was merged into that MRN (ADT^A40's MRG, FHIR link replaced-by).
    """

    patient: Demographics
    source_time: dt.datetime | None
    present: frozenset[str]
    merged_into: str | None = None
    source: str = ""  # where it came from, for the audit trail: "ADT^A08 MSG0001", "FHIR bundle.json #3"


@dataclass(frozen=True, slots=True)
class DeliveryJob:
    """One outbox message to build and send: what it says about which document, to which chart."""

    delivery_id: int
    document_id: int
    target: str
    event: str  # filed, replaced, entered-in-error
    version: int
    patient: Demographics
    doc_type: str
    doc_date: dt.date | None
    received_at: dt.datetime
    stored_path: Path | None
    stored_sha256: str | None
    store_root: Path
    page_count: int
    replaces: tuple[int, int] | None = None  # (document id, version) this one replaces
    attempts: int = 1


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """What a receiver said: delivered, rejected (a person must look), retry (it may have arrived), or
    not-sent (nothing left chartfile: the peer could not be reached). `detail` names no patient data."""

    outcome: str
    detail: str
