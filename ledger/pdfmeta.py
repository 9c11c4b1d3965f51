"""Index metadata written into the stored PDF (title, subject, keywords): no names or birth dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class PdfIndex:
    document_id: int
    doc_type: str
    doc_date: dt.date | None
    mrn: str | None

    @property
    def title(self) -> str:
        label = self.doc_type.replace("_", " ").capitalize()
        return f"{label} {self.doc_date.isoformat()}" if self.doc_date else label

    @property
    def keywords(self) -> list[str]:
        words = [self.doc_type, self.doc_date.isoformat() if self.doc_date else "undated"]
        return [*words, f"MRN {self.mrn}"] if self.mrn else words


def write_with_metadata(src: Path, dst: Path, index: PdfIndex) -> Path:
    """Copy `src` to `dst` with the document-info and XMP metadata set."""
    import pikepdf  # noqa: PLC0415 - imported here: every command opens the ledger, few write a PDF

    with pikepdf.open(src) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = index.title
            meta["dc:description"] = f"chartfile document {index.document_id}"
            meta["pdf:Keywords"] = "; ".join(index.keywords)
            meta["xmp:CreatorTool"] = "chartfile"
        pdf.docinfo["/Title"] = index.title
        pdf.docinfo["/Subject"] = f"chartfile document {index.document_id}"
        pdf.docinfo["/Keywords"] = "; ".join(index.keywords)
        pdf.docinfo["/Creator"] = "chartfile"
        pdf.save(dst, compress_streams=True)
    return dst
