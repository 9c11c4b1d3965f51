"""The shared database at scale: search latency on PostgreSQL beside SQLite, and the commit rate of filing.

    python -m bench.scale_db [--documents 100000] [--runs 20] [--commits 400] [--writers 1,4] [--pg-url URL]

Search: one realistic index (`bench.search_speed`: the corpus generator's documents, the real schema from
the Alembic migrations) is filled into a SQLite file and into a PostgreSQL database, batch by batch, the
same rows in both; each of `search_speed`'s queries (rare names and MRNs, common words, a phrase, OR, a
type filter) then runs `clerk.search.search_in` `--runs` times after one warm-up on each: p50 / p99 per
engine, over all queries of a kind.

Commits: how many documents per second the database commits through the ledger, each the way a filing
commits it (`Ledger.unit()`: an intake row, a document row, two pages (and, on PostgreSQL, their tsvector),
two chained audit rows, one transaction), by 1 and by several writer threads at once. Each station's
daemon files a document in one such commit after seconds of OCR, so this rate over one station's rate
says how many stations the database carries before it, not OCR, is the bound.

Without --pg-url the run starts its own PostgreSQL server (the Debian package, `tests/pgserver.py`) with
its durable defaults (fsync on), as SQLite runs with synchronous=FULL: both commit to disk.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.orm import Session, sessionmaker

from bench.match_speed import generate_patients, name_lists
from bench.search_speed import BATCH, percentile, queries, rows, time_query
from chartfile.ledger import open_ledger
from chartfile.ledger.db import make_engine, migrate, session_factory, transaction
from chartfile.ledger.intake import new_intake
from chartfile.ledger.models import Document, Intake, Page
from chartfile.settings import DatabaseSettings, PathSettings
from tests.pgserver import start_server

ENGINES = ("sqlite", "postgresql")


def fill_both(targets: dict[str, sessionmaker[Session]], count: int, seed: int) -> int:
    """The same `count` documents into every target, batch by batch; the number of pages."""
    firsts, lasts = name_lists()
    patients = generate_patients(20_000, seed=seed, firsts=firsts, lasts=lasts)
    produced, pages_total = rows(1, count, patients, random.Random(seed)), 0
    for start in range(0, count, BATCH):
        batch = [next(produced) for _ in range(min(BATCH, count - start))]
        pages = [page for _, _, doc_pages in batch for page in doc_pages]
        for sessions in targets.values():
            with transaction(sessions) as session:
                session.execute(insert(Intake), [intake for intake, _, _ in batch])
                session.execute(insert(Document), [document for _, document, _ in batch])
                session.execute(insert(Page), pages)
        pages_total += len(pages)
    return pages_total


def _advance_sequences(sessions: sessionmaker[Session]) -> None:
    """The bulk rows came with their ids: PostgreSQL's sequences start after them."""
    with transaction(sessions) as session:
        for table in ("intake", "pages"):
            session.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            )


def search_latency(sessions: sessionmaker[Session], runs: int, seed: int) -> dict[str, dict[str, float]]:
    """p50 / p99 (ms) over the rare and the common queries."""
    firsts, lasts = name_lists()
    patients = generate_patients(20_000, seed=seed, firsts=firsts, lasts=lasts)
    by_kind: dict[str, list[float]] = {"rare": [], "common": []}
    for query in queries(patients):
        _, timings = time_query(sessions, query, runs)
        by_kind[query.kind] += timings
    return {
        kind: {"p50_ms": statistics.median(t), "p99_ms": percentile(t, 0.99)} for kind, t in by_kind.items()
    }


def commit_rate(url: str, folder: Path, key: Path, *, commits: int, writers: int) -> float:
    """Documents committed per second through `Ledger.unit()` by `writers` threads at once."""
    paths = PathSettings(
        inbox=folder / "inbox",
        store=folder / "store",
        quarantine=folder / "quarantine",
        work=folder / "work",
        audit_key=key,
    )
    clock = lambda: dt.datetime.now(dt.UTC)  # noqa: E731
    with open_ledger(paths, DatabaseSettings(url=url), clock=clock, actor="bench") as ledger:
        each = commits // writers

        def write(worker: int) -> None:
            for n in range(each):
                with ledger.unit() as unit:
                    _file_one(unit, f"{worker:04d}{n:060d}")

        threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return each * writers / (time.perf_counter() - start)


def _file_one(unit: Any, sha: str) -> None:
    intake = new_intake(
        unit,
        source_path=f"/inbox/{sha[:12]}.pdf",
        source_name=f"{sha[:12]}.pdf",
        fingerprint=sha,
        sha256=sha,
        size_bytes=1,
        kind="pdf",
        done=True,
    )
    unit.session.flush()
    unit.audit("received", intake.id, sha256=sha, attempt=1)
    unit.session.add(
        Document(
            id=intake.id, source_name=intake.source_name, sha256=sha, status="filed", patient_mrn="4471203",
            score=0.99, candidates=[], reasons=[], extraction={}, doc_type="lab_result", doc_date=None,
            page_count=2, received_at=unit.now, processed_at=unit.now,
        )
    )  # fmt: skip
    unit.session.flush()
    for number in (1, 2):
        text = f"Laboratory report page {number}. Hemoglobin A1c 6.1 %. Glucose 104 mg/dL. {sha[:8]}"
        unit.session.add(Page(document_id=intake.id, number=number, text=text, source="ocr"))
    unit.audit("filed", intake.id, status="filed", pages=2)


@contextlib.contextmanager
def databases(pg_url: str | None, folder: Path) -> Iterator[dict[str, str]]:
    """A SQLite file and a PostgreSQL database (a server of its own unless `pg_url` is given)."""
    if pg_url:
        yield {"sqlite": f"sqlite:///{folder}/index.db", "postgresql": pg_url}
        return
    server = start_server(durable=True)
    try:
        yield {"sqlite": f"sqlite:///{folder}/index.db", "postgresql": server.create_database("scale")}
    finally:
        server.stop()


def run(
    *,
    documents: int = 100_000,
    runs: int = 20,
    commits: int = 400,
    writers: Sequence[int] = (1, 4),
    pg_url: str | None = None,
    seed: int = 7,
) -> dict[str, Any]:
    """Measure both engines in one run: search latency at `documents`, and commit rates (documents/s)."""
    result: dict[str, Any] = {"documents": documents, "search": {}, "commits_per_second": {}}
    with tempfile.TemporaryDirectory(prefix="scale-db-") as tmp, databases(pg_url, Path(tmp)) as urls:
        engines = {name: make_engine(DatabaseSettings(url=url)) for name, url in urls.items()}
        try:
            for engine in engines.values():
                migrate(engine)
            targets = {name: session_factory(engine) for name, engine in engines.items()}
            start = time.perf_counter()
            result["pages"] = fill_both(targets, documents, seed)
            result["fill_seconds"] = time.perf_counter() - start
            _advance_sequences(targets["postgresql"])
            for name, sessions in targets.items():
                result["search"][name] = search_latency(sessions, runs, seed)
        finally:
            for engine in engines.values():
                engine.dispose()
        for name in ENGINES:
            for count in writers:
                folder = Path(tmp, f"ledger-{name}-{count}")
                url = urls[name] if name == "postgresql" else f"sqlite:///{folder}/commits.db"
                key = Path(tmp, f"audit-{name}.key")
                rate = commit_rate(url, folder, key, commits=commits, writers=count)
                result["commits_per_second"].setdefault(name, {})[count] = rate
    return result


def report(found: dict[str, Any]) -> str:
    """The figures as printed (search p50/p99 per engine and kind of query; commits/s per writer count)."""
    lines: list[str] = []
    lines.append(
        f"# {found['documents']} documents, {found['pages']} pages, filled in {found['fill_seconds']:.0f} s"
    )
    lines.append(f"{'engine':<11} {'queries':<7} {'p50 ms':>8} {'p99 ms':>8}")
    for name, kinds in found["search"].items():
        for kind, figures in kinds.items():
            lines.append(f"{name:<11} {kind:<7} {figures['p50_ms']:>8.1f} {figures['p99_ms']:>8.1f}")
    lines.append(f"{'engine':<11} {'writers':>7} {'documents committed/s':>22}")
    for name, rates in found["commits_per_second"].items():
        for count, rate in rates.items():
            lines.append(f"{name:<11} {count:>7} {rate:>22.0f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--commits", type=int, default=400)
    parser.add_argument("--writers", default="1,4", help="comma-separated writer thread counts")
    parser.add_argument(
        "--pg-url", default=None, help="an existing PostgreSQL database (default: own server)"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    writers = [int(part) for part in args.writers.split(",")]
    found = run(
        documents=args.documents,
        runs=args.runs,
        commits=args.commits,
        writers=writers,
        pg_url=args.pg_url,
        seed=args.seed,
    )
    print(report(found))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
