"""The indexing stage: what the ledger records about a recognised and matched document."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from chartfile.ledger.documents import Outcome
from chartfile.records import Candidate, Extraction, IdentityCandidate, MatchDecision, OcrResult


def index_document(ocr: OcrResult, extraction: Extraction, decision: MatchDecision) -> Outcome:
    """The outcome to record: the decision with its reasons, the index fields, the pages and the PDF."""
    return Outcome(
        decision.status,
        tuple(decision.reasons),
        patient_mrn=decision.patient_mrn,
        score=decision.score,
        candidates=tuple(candidate_json(c) for c in decision.candidates),
        extraction=extraction_json(extraction),
        doc_type=extraction.doc_type,
        doc_date=extraction.doc_date,
        pages=ocr.pages,
        searchable_pdf=ocr.searchable_pdf,
    )


def candidate_json(candidate: Candidate) -> dict[str, Any]:
    """A candidate as the index keeps it (documents show / review show read this shape)."""
    return {
        "mrn": candidate.mrn,
        "score": round(candidate.score, 6),
        "match_weight": round(candidate.match_weight, 3),
        "fields": [dataclasses.asdict(field) for field in candidate.fields],
        "evidence": list(candidate.evidence),
        "reading": _reading_json(candidate.reading),
    }


def _reading_json(reading: IdentityCandidate | None) -> dict[str, Any] | None:
    """The values the document printed for this candidate (name, DOB, MRN, phone, address as read)."""
    if reading is None:
        return None
    keep = ("last_name", "first_name", "middle_name", "dob", "mrn", "phone", "address", "page", "role")
    values = {name: getattr(reading, name) for name in keep}
    return {name: None if value is None else str(value) for name, value in values.items()}


def extraction_json(extraction: Extraction) -> dict[str, Any]:
    """The extraction as plain JSON (dates as ISO strings), kept for `documents show`."""
    kept = dataclasses.asdict(dataclasses.replace(extraction, cells=()))
    del kept["cells"]  # the layout is for the identity search; the page text is kept with the pages
    return json.loads(json.dumps(kept, default=str))  # type: ignore[no-any-return]
