"""The indexing stage: what the ledger records about a recognised and matched document."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from chartfile.ledger.documents import Outcome
from chartfile.records import Candidate, Extraction, MatchDecision, OcrResult


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
    }


def extraction_json(extraction: Extraction) -> dict[str, Any]:
    """The extraction as plain JSON (dates as ISO strings), kept for `documents show`."""
    return json.loads(json.dumps(dataclasses.asdict(extraction), default=str))  # type: ignore[no-any-return]
