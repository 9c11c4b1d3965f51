"""Seeded generator of realistic scanned and faxed clinical documents, with ground truth."""

from __future__ import annotations

from .degrade import FAX_DPI, blur_and_noise_scan, rotate_cardinal, skew, speckle, threshold, to_fax
from .documents import DocumentSpec, build_pages, render_document, two_patient_fax
from .fonts import DEFAULT_FONT, FONT_FAMILIES, FontNotFoundError, font_path
from .formats import FORMAT_NAMES, FORMATS, write_document
from .generate import CorpusManifest, TruthRecord, generate_corpus
from .identities import PrintedIdentity, format_date, print_identity
from .patients import MASTER_HEADER, Patient, default_patients_csv, load_synthea_patients, write_master_csv
from .render import Line, PageText, render_page, render_pages
from .templates import DOC_TYPES, TEMPLATES
from .unlisted import UNLISTED_KINDS, make_unlisted
from .writers import write_image_pdf, write_jpeg, write_png, write_text_pdf, write_tiff

__all__ = [
    "DEFAULT_FONT",
    "DOC_TYPES",
    "FAX_DPI",
    "FONT_FAMILIES",
    "FORMATS",
    "FORMAT_NAMES",
    "MASTER_HEADER",
    "TEMPLATES",
    "UNLISTED_KINDS",
    "CorpusManifest",
    "DocumentSpec",
    "FontNotFoundError",
    "Line",
    "PageText",
    "Patient",
    "PrintedIdentity",
    "TruthRecord",
    "blur_and_noise_scan",
    "build_pages",
    "default_patients_csv",
    "font_path",
    "format_date",
    "generate_corpus",
    "load_synthea_patients",
    "make_unlisted",
    "print_identity",
    "render_document",
    "render_page",
    "render_pages",
    "rotate_cardinal",
    "skew",
    "speckle",
    "threshold",
    "to_fax",
    "two_patient_fax",
    "write_document",
    "write_image_pdf",
    "write_jpeg",
    "write_master_csv",
    "write_png",
    "write_text_pdf",
    "write_tiff",
]
