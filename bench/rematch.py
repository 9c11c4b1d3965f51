"""Matching accuracy on a corpus without re-running OCR: for developing extraction and decisions.

    python -m bench.rematch CORPUS [--cache DIR] [--explain]

The first run OCRs every document of CORPUS once with chartfile's OCR stage (real Tesseract, as the
pipeline does) and keeps each OcrResult in CACHE (default CORPUS/ocr-cache); later runs only extract and
decide, in-process, against CORPUS/master.csv, and score the verdicts exactly as `bench.evaluate` does.
The figures to quote are `bench.evaluate`'s (the whole pipeline through `chartfile process`); this is the
loop for trying a change in seconds.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import pickle
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.evaluate import score_all
from bench.timing import incoming_copy
from chartfile.indexer.filing import candidate_json, extraction_json
from chartfile.matching import PatientIndex, decide, extract
from chartfile.ocr.pool import OcrPool
from chartfile.ocr.recognize import recognize
from chartfile.ocr.tesseract import TesseractEngine
from chartfile.records import OcrResult, PatientRecord
from chartfile.settings import MatchingSettings, OcrSettings


@dataclass
class Verdict:
    """The fields of a document row that bench.evaluate scores."""

    source_name: str
    status: str
    patient_mrn: str | None
    candidates: list[dict[str, Any]]
    reasons: list[str]
    extraction: dict[str, Any]
    doc_date: dt.date | None
    doc_type: str


def load_master(path: Path) -> list[PatientRecord]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [
            PatientRecord(
                mrn=row["mrn"],
                last_name=row["last_name"],
                first_name=row["first_name"],
                middle_name=row.get("middle_name") or "",
                dob=dt.date.fromisoformat(row["dob"]),
                sex=row.get("sex") or "",
                address=row.get("address") or "",
                phone=row.get("phone") or "",
                zip=row.get("zip") or "",
            )
            for row in csv.DictReader(handle)
        ]


def ocr_all(documents: list[Path], cache: Path, workers: int) -> dict[str, OcrResult]:
    """Every document's OcrResult, read from the cache or OCR'd once and cached."""
    cache.mkdir(parents=True, exist_ok=True)
    engine, settings = TesseractEngine(language="eng", timeout_seconds=300), OcrSettings()
    with tempfile.TemporaryDirectory(prefix="rematch-") as tmp, OcrPool(workers) as pages:

        def one(document: Path) -> OcrResult:
            kept = cache / f"{document.name}.pickle"
            if kept.exists():
                return pickle.loads(kept.read_bytes())  # type: ignore[no-any-return]
            incoming = incoming_copy(document, Path(tmp) / document.name)
            result = recognize(incoming, settings, engine=engine, pool=pages)
            kept.write_bytes(pickle.dumps(result))
            return result

        with ThreadPoolExecutor(workers + 1) as docs:
            return dict(zip([d.name for d in documents], docs.map(one, documents), strict=True))


def verdict(ocr: OcrResult, index: PatientIndex, received: dt.date) -> Verdict:
    extraction = extract(ocr, reference_date=received)
    decision = decide(extraction, index, MatchingSettings())
    return Verdict(
        source_name=ocr.incoming.source_name,
        status=decision.status.value,
        patient_mrn=decision.patient_mrn,
        candidates=[candidate_json(c) for c in decision.candidates],
        reasons=list(decision.reasons),
        extraction=extraction_json(extraction),
        doc_date=extraction.doc_date,
        doc_type=extraction.doc_type,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--cache", type=Path, help="where OCR results are kept (default CORPUS/ocr-cache)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--families", action="store_true", help="also every figure per family and half")
    parser.add_argument("--received", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args()
    truths = [json.loads(line) for line in (args.corpus / "truth.jsonl").read_text().splitlines()]
    documents = [args.corpus / t["file"] for t in truths]
    results = ocr_all(documents, args.cache or args.corpus / "ocr-cache", args.workers)
    index = PatientIndex.from_records(load_master(args.corpus / "master.csv"))
    verdicts = {name: verdict(ocr, index, args.received) for name, ocr in results.items()}
    score_all(truths, verdicts, 0.0, explaining=args.explain, families=args.families)


if __name__ == "__main__":
    main()
