"""The matching stages: extract identities from OCR text, decide which patient (if any) a document is for."""

from __future__ import annotations

from chartfile.matching.decide import decide
from chartfile.matching.extract import extract
from chartfile.matching.index import PatientIndex

__all__ = ["PatientIndex", "decide", "extract"]
