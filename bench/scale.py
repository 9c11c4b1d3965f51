"""Outgrowing one PC, in one run: the job queue (documents/min for 1, 2, 3 `chartfile worker` processes,
the queue's overhead per job against `chartfile process`, raw `tesseract` as the floor) and the shared
database (search p50/p99 on PostgreSQL beside SQLite, filing commits/s), then what N machines would do.

    python -m bench.scale                              # 24 pages, 100,000 documents
    python -m bench.scale --pages 40 --documents 100000

The parts are `bench.scale_queue` and `bench.scale_db` (each also runs alone); this prints both from one
run and works out the bound: stations and workers add OCR linearly until their filing commits reach the
database's measured commit rate.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from bench import scale_db, scale_queue


def machines_bound(queue: dict[str, Any], database: dict[str, Any]) -> dict[str, float]:
    """Commits per second one OCR core asks of the database, the best measured PostgreSQL commit rate,
    and how many cores of OCR (one Tesseract each) that rate carries."""
    per_core_docs_per_s = 1 / queue["floor_cpu_per_page_seconds"]  # Tesseract's CPU time: load-independent
    rates = database["commits_per_second"].get("postgresql", {})
    best = max(rates.values()) if rates else 0.0
    return {
        "docs_per_second_per_core": per_core_docs_per_s,
        "postgresql_commits_per_second": best,
        "cores_until_the_database_bounds": best / per_core_docs_per_s if per_core_docs_per_s else 0.0,
    }


def summary(bound: dict[str, float]) -> str:
    per_core, best, cores = (
        bound["docs_per_second_per_core"],
        bound["postgresql_commits_per_second"],
        bound["cores_until_the_database_bounds"],
    )
    return (
        f"N machines: OCR is the bound. One core (one Tesseract) files {per_core * 60:.0f} one-page "
        f"documents/min = {per_core:.2f} commits/s; the PostgreSQL ledger measured {best:.0f} filing "
        f"commits/s, so workers and stations add up linearly to about {cores:.0f} cores of OCR "
        f"(~{cores / 2:.0f} two-core machines) before the database, not Tesseract, is the limit."
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=24, help="one-page faxes for the workers")
    parser.add_argument("--workers", default="1,2,3", help="worker processes to run, e.g. 1,2,3")
    parser.add_argument("--documents", type=int, default=100_000, help="documents for the search index")
    parser.add_argument("--commits", type=int, default=400, help="filing commits per writer count")
    parser.add_argument("--repeat", type=int, default=2, help="runs of process and of 1 worker (best kept)")
    parser.add_argument("--cost-jobs", type=int, default=500, help="no-op jobs timing the queue itself")
    parser.add_argument("--runs", type=int, default=20, help="runs of each search query")
    args = parser.parse_args(argv)
    workers = tuple(int(n) for n in args.workers.split(","))
    queue = scale_queue.run(pages=args.pages, workers=workers, repeat=args.repeat, cost_jobs=args.cost_jobs)
    print(scale_queue.report(queue), flush=True)
    database = scale_db.run(documents=args.documents, commits=args.commits, runs=args.runs)
    print()
    print(scale_db.report(database))
    print()
    print(summary(machines_bound(queue, database)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
