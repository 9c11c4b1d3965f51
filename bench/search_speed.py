"""Full-text search latency (`chartfile search`) at 10k and 100k documents.

    python -m bench.search_speed [--sizes 10000,100000] [--runs 40] [--seed 7]

Builds a temporary SQLite index with the real schema (Alembic migrations, so the FTS5 table and its
triggers are the real ones) and fills it through the ORM in bulk: an intake row, a document row and its
pages per document. Page texts are the corpus generator's realistic documents (`bench.corpus`: nine
document types, letterheads, identity blocks, lab tables, narrative), printed for patients drawn from a
generated list (names from `../shared/data/synthea`); a few documents also carry a rare surname. Sizes
grow in place (10k, then 90k more for 100k). Each query runs `clerk.search.search_in` (bm25 ranking,
grouped per document, snippets, limit 20) `--runs` times after one warm-up; p50/p99 are per query
and `hits` is the number of documents returned (at most 20).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from bench.corpus.documents import DocumentSpec, build_pages
from bench.corpus.identities import PrintedIdentity
from bench.corpus.templates import TEMPLATES
from bench.match_speed import generate_patients, name_lists
from chartfile.clerk.search import SearchFilters, search_in
from chartfile.ledger.db import make_engine, migrate, session_factory, transaction
from chartfile.ledger.models import Document, Intake, Page
from chartfile.records import PatientRecord
from chartfile.settings import DatabaseSettings

RARE_SURNAME = "Quartermaine"
RARE_EVERY = 5_000  # the rare surname, and the two rare patients, are on one document in 5,000 each
BATCH = 2_000
RECEIVED = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Query:
    kind: str  # "rare" or "common"
    words: str
    filters: SearchFilters | None = None


def queries(patients: Sequence[PatientRecord]) -> list[Query]:
    return [
        Query("rare", RARE_SURNAME),
        Query("rare", patients[0].mrn),
        Query("rare", f"{patients[1].last_name} {patients[1].first_name}"),
        Query("common", "patient"),
        Query("common", "glucose"),
        Query("common", '"discharge summary"'),
        Query("common", "hypertension OR diabetes"),
        Query("common", "report", SearchFilters(doc_type="lab_result")),
    ]


def document_texts(patient: PatientRecord, rng: random.Random, *, rare_surname: bool) -> list[str]:
    doc_type = rng.choice(list(TEMPLATES))
    name = f"{patient.first_name} {RARE_SURNAME if rare_surname else patient.last_name}"
    dob = patient.dob.strftime("%m/%d/%Y") if patient.dob else None
    spec = DocumentSpec(
        PrintedIdentity(name, dob, patient.mrn),
        doc_type=doc_type,
        doc_date=dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(365)),
        template=rng.randrange(len(TEMPLATES[doc_type])),
        extra_pages=rng.choice((0, 0, 0, 1, 1, 2)),
    )
    return [page.plain_text() for page in build_pages(spec, rng)]


def rows(first_id: int, count: int, patients: Sequence[PatientRecord], rng: random.Random) -> Iterator[
    tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]
]:  # fmt: skip
    for document_id in range(first_id, first_id + count):
        slot = document_id % RARE_EVERY
        patient = patients[slot - 1] if slot in (1, 2) else rng.choice(patients[2:])
        texts = document_texts(patient, rng, rare_surname=slot == 3)
        sha = f"{document_id:064x}"
        name = f"{document_id}.pdf"
        intake = {
            "id": document_id, "source_path": f"/inbox/{name}", "source_name": name,
            "source_fingerprint": sha, "sha256": sha, "size_bytes": 1, "kind": "pdf", "work_path": "",
            "state": "done", "attempts": 1, "last_error": "", "claimed_at": RECEIVED,
        }  # fmt: skip
        document = {
            "id": document_id, "source_name": name, "sha256": sha, "status": "filed",
            "patient_mrn": patient.mrn, "score": 0.999, "candidates": [], "reasons": [], "extraction": {},
            "doc_type": "lab_result" if "LAB" in texts[0].upper() else "other", "doc_date": None,
            "page_count": len(texts), "received_at": RECEIVED, "processed_at": RECEIVED,
        }  # fmt: skip
        pages = [
            {
                "document_id": document_id,
                "number": n,
                "text": text,
                "source": "text-layer",
                "low_confidence": False,
            }
            for n, text in enumerate(texts, 1)
        ]
        yield intake, document, pages


def fill(
    sessions: sessionmaker[Session], first_id: int, count: int, patients: Sequence[PatientRecord], seed: int
) -> int:
    """Insert `count` documents (in transactions of BATCH); returns the number of pages."""
    rng = random.Random(seed + first_id)
    produced = rows(first_id, count, patients, rng)
    pages_total = 0
    for start in range(0, count, BATCH):
        batch = [next(produced) for _ in range(min(BATCH, count - start))]
        with transaction(sessions) as session:
            session.execute(insert(Intake), [intake for intake, _, _ in batch])
            session.execute(insert(Document), [document for _, document, _ in batch])
            pages = [page for _, _, doc_pages in batch for page in doc_pages]
            session.execute(insert(Page), pages)
        pages_total += len(pages)
    return pages_total


def time_query(sessions: sessionmaker[Session], query: Query, runs: int) -> tuple[int, list[float]]:
    with transaction(sessions) as session:
        hits = len(search_in(session, query.words, query.filters or SearchFilters()))
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        with transaction(sessions) as session:
            search_in(session, query.words, query.filters or SearchFilters())
        timings.append((time.perf_counter() - start) * 1000)
    return hits, timings


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def positive_ints(text: str) -> list[int]:
    values = [int(part) for part in text.split(",")]
    if any(v <= 0 for v in values) or values != sorted(values):
        raise argparse.ArgumentTypeError("sizes must be positive and ascending, e.g. 10000,100000")
    return values


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=positive_ints, default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    firsts, lasts = name_lists()
    patients = generate_patients(20_000, seed=args.seed, firsts=firsts, lasts=lasts)
    with tempfile.TemporaryDirectory(prefix="search-speed-") as tmp:
        engine = make_engine(DatabaseSettings(url=f"sqlite:///{tmp}/index.db"))
        migrate(engine)
        sessions = session_factory(engine)
        built, pages = 0, 0
        print(f"{'documents':>9} {'kind':<6} {'query':<34} {'hits':>5} {'p50 ms':>8} {'p99 ms':>8}")
        for size in args.sizes:
            start = time.perf_counter()
            pages += fill(sessions, built + 1, size - built, patients, args.seed)
            seconds, built = time.perf_counter() - start, size
            megabytes = Path(tmp, "index.db").stat().st_size / 2**20
            print(
                f"# {size} documents, {pages} pages: built in {seconds:.0f} s, index file {megabytes:.0f} MiB"
            )
            by_kind: dict[str, list[float]] = {"rare": [], "common": []}
            for query in queries(patients):
                hits, timings = time_query(sessions, query, args.runs)
                by_kind[query.kind] += timings
                label = query.words + (f" --type {query.filters.doc_type}" if query.filters else "")
                p50, p99 = statistics.median(timings), percentile(timings, 0.99)
                print(f"{size:>9} {query.kind:<6} {label[:34]:<34} {hits:>5} {p50:>8.1f} {p99:>8.1f}")
            for kind, timings in by_kind.items():
                p50, p99 = statistics.median(timings), percentile(timings, 0.99)
                print(
                    f"{size:>9} {kind:<6} {'(all ' + kind + ' queries)':<34} {'':>5} {p50:>8.1f} {p99:>8.1f}"
                )
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
