"""The job queue on this machine, in one run: documents/min for 1, 2 and 3 `chartfile worker` processes
(each with one Tesseract, OMP_THREAD_LIMIT=1) on the same one-page faxes, the queue's overhead per job
against `chartfile process` on those pages (one Tesseract too), and raw `tesseract` as the floor.

    python -m bench.scale_queue                 # 24 pages
    python -m bench.scale_queue 48 --write      # also write bench/RESULTS.md's section

A throw-away PostgreSQL server holds the queue (tests/pgserver.py); the ledger is SQLite, shared by the
workers on this machine. Each worker run: `process --queue` enqueues the folder, then the workers are
started together with `--drain` and timed until the last one exits (start-up included, as for `process`).
The overhead per job is (enqueue + drain with one worker - `process`) / pages, best of `--repeat` runs
each, and is set against the floor's seconds per page (target < 5%). `run(...)` returns the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import procrastinate
import yaml

from bench.corpus import generate_corpus
from bench.timing import FLOOR_ENV, page_files, per_minute, raw_tesseract_seconds
from chartfile.jobs.queue import JobQueue
from chartfile.settings import DEFAULT_CONFIG_TEXT, QueueSettings
from tests.pgserver import PgServer, start_server

RESULTS = Path(__file__).parent / "RESULTS.md"
SECTION = "## Scale: the job queue (issue 15)"
FORMATS = ("fax_fine_tiff", "fax_standard_tiff")


def make_pages(root: Path, pages: int, seed: int) -> tuple[list[Path], Path]:
    """`pages` one-page faxes (generated, with their master list): each page is one document."""
    manifest = generate_corpus(root / "corpus", n_docs=max(2, pages), seed=seed, formats=FORMATS)
    docs = [root / "corpus" / d.file for d in manifest.documents]
    found = list(page_files(docs, root / "pages"))[:pages]
    if len(found) < pages:
        raise SystemExit(f"the corpus gave {len(found)} pages, fewer than {pages}")
    return found, root / "corpus" / "master.csv"


def workspace(root: Path, name: str, master: Path, *, queue_url: str = "") -> Path:
    """A workspace with one Tesseract (`ocr.workers: 1`), its patients imported."""
    folder = root / name
    folder.mkdir()
    raw = yaml.safe_load(DEFAULT_CONFIG_TEXT)
    raw["ocr"]["workers"] = 1
    raw["queue"] |= {"url": queue_url, "poll_seconds": 0.5, "heartbeat_seconds": 2, "stalled_seconds": 10}
    (folder / "config.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    subprocess.run(chartfile(folder, "patients", "import", str(master)), check=True, capture_output=True)
    return folder


def chartfile(ws: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "chartfile", "--config", str(ws / "config.yaml"), *args]


def batch_of(ws: Path, pages: list[Path]) -> Path:
    batch = ws / "batch"
    batch.mkdir()
    for page in pages:
        shutil.copy(page, batch / page.name)
    return batch


def children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process and its descendants so far: unlike
    wall time, not inflated by other work on a shared machine."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed_process(ws: Path, pages: list[Path]) -> tuple[float, float]:
    """`chartfile process` on the pages: (wall seconds, CPU seconds of it and its Tesseracts)."""
    batch = batch_of(ws, pages)
    start, cpu = time.perf_counter(), children_cpu()
    subprocess.run(chartfile(ws, "process", "--json", str(batch)), check=True, capture_output=True)
    return time.perf_counter() - start, children_cpu() - cpu


def timed_queue(ws: Path, pages: list[Path], workers: int) -> tuple[float, float, float, float]:
    """(enqueue s, drain s, CPU s of both, CPU s of the drain): `process --queue`, then `workers` workers
    until the queue is empty."""
    batch = batch_of(ws, pages)
    start, cpu = time.perf_counter(), children_cpu()
    subprocess.run(chartfile(ws, "process", "--queue", "--json", str(batch)), check=True, capture_output=True)
    queued, queued_cpu = time.perf_counter(), children_cpu()
    procs = [
        subprocess.Popen(
            chartfile(ws, "worker", "--concurrency", "1", "--drain"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=FLOOR_ENV,
        )
        for _ in range(workers)
    ]
    codes = [proc.wait(timeout=3600) for proc in procs]
    drained = time.perf_counter()
    if any(codes) or any(batch.iterdir()):
        raise SystemExit(f"workers exited {codes}; {len(list(batch.iterdir()))} file(s) left unfiled")
    return queued - start, drained - queued, children_cpu() - cpu, children_cpu() - queued_cpu


def queue_cost(url: str, jobs: int) -> tuple[float, float]:
    """The queue's own cost per job, apart from the work a job does and from start-up: (enqueue seconds,
    run seconds) per job, for `jobs` jobs shaped as chartfile's (a path) enqueued with chartfile's
    JobQueue and run by a Procrastinate worker (one slot, a sync task in a thread, as chartfile's) whose
    task does nothing: fetch, status and heartbeat in the database, and the hand-over to the thread."""
    settings = QueueSettings(url=url, name="bench")
    queue = JobQueue(settings)
    start = time.perf_counter()
    ids = queue.defer("bench.noop", ({"path": f"/archive/{n:06d}.tif", "consume": True} for n in range(jobs)))
    enqueued = time.perf_counter()
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=settings.conninfo()))

    @app.task(name="bench.noop", queue="bench")
    def noop(path: str = "", consume: bool = True) -> None:
        return None

    async def drain() -> None:
        async with app.open_async():
            await app.run_worker_async(
                queues=["bench"], concurrency=1, wait=False, install_signal_handlers=False
            )

    asyncio.run(drain())
    ran = time.perf_counter()
    if queue.counts(ids)["done"] != jobs:
        raise SystemExit("the no-op jobs did not all succeed")
    return (enqueued - start) / jobs, (ran - enqueued) / jobs


def run(
    *,
    pages: int = 24,
    seed: int = 17,
    repeat: int = 2,
    workers: tuple[int, ...] = (1, 2, 3),
    cost_jobs: int = 500,
) -> dict[str, Any]:
    """The figures as a dict (for bench.scale); see the module's docstring."""
    with tempfile.TemporaryDirectory(prefix="chartfile-scale-queue-") as tmp:
        root = Path(tmp)
        inputs, master = make_pages(root, pages, seed)
        server = start_server()
        try:
            return _measure(root, server, inputs, master, repeat=repeat, workers=workers, jobs=cost_jobs)
        finally:
            server.stop()


def _measure(
    root: Path,
    server: PgServer,
    inputs: list[Path],
    master: Path,
    *,
    repeat: int,
    workers: tuple[int, ...],
    jobs: int,
) -> dict[str, Any]:
    count, runs = len(inputs), 0
    cpu = children_cpu()
    floor = raw_tesseract_seconds(inputs)
    floor_cpu = children_cpu() - cpu

    def fresh(name: str) -> Path:
        nonlocal runs
        runs += 1
        url = server.create_database(f"q{runs}")
        return workspace(root, f"{name}{runs}", master, queue_url=url)

    processes, singles = [], []
    for _ in range(repeat):  # interleaved, so that other work on the machine hits both alike
        processes.append(timed_process(fresh("process"), inputs))
        singles.append(timed_queue(fresh("queue"), inputs, 1))
    (process, process_cpu), single = min(processes), min(singles, key=lambda r: r[0] + r[1])
    drains = {1: single} | {n: timed_queue(fresh("queue"), inputs, n) for n in workers if n != 1}
    overhead = (single[0] + single[1] - process) / count
    overhead_cpu = (min(r[2] for r in singles) - process_cpu) / count
    enqueue_cost, run_cost = queue_cost(server.create_database("cost"), jobs)
    return {
        "pages": count,
        "cores": os.cpu_count(),
        "floor_seconds": floor,
        "floor_per_page_seconds": floor / count,
        "floor_docs_per_min": per_minute(count, floor),
        "process_seconds": process,
        "process_docs_per_min": per_minute(count, process),
        "enqueue_seconds": single[0],
        "workers": {
            n: {"seconds": r[1], "docs_per_min": per_minute(count, r[1]), "cpu_seconds": r[3]}
            for n, r in sorted(drains.items())
        },
        "overhead_per_job_seconds": overhead,
        "overhead_percent_of_ocr": 100 * overhead / (floor / count),
        "queue_cost_jobs": jobs,
        "queue_enqueue_per_job_seconds": enqueue_cost,
        "queue_run_per_job_seconds": run_cost,
        "queue_percent_of_ocr": 100 * (enqueue_cost + run_cost) / (floor_cpu / count),
        "floor_cpu_seconds": floor_cpu,
        "floor_cpu_per_page_seconds": floor_cpu / count,
        "process_cpu_seconds": process_cpu,
        "overhead_cpu_per_job_seconds": overhead_cpu,
        "overhead_cpu_percent_of_ocr": 100 * overhead_cpu / (floor_cpu / count),
    }


def report(found: dict[str, Any]) -> str:
    count, floor, f = found["pages"], found["floor_seconds"], found
    lines = [
        f"{count} one-page faxes; {f['cores']} cores (shared with other work); each worker and "
        "`process` with one Tesseract (OMP_THREAD_LIMIT=1); queue on PostgreSQL, ledger on SQLite",
        "",
        "| run | seconds | documents/min | ratio to floor | CPU s | cores it got |",
        "|---|---|---|---|---|---|",
        _row("plain tesseract, serial (floor)", floor, count, floor, f["floor_cpu_seconds"]),
        _row("chartfile process, 1 Tesseract", f["process_seconds"], count, floor, f["process_cpu_seconds"]),
    ]
    for n, row in f["workers"].items():
        name = f"{n} worker{'s' if n > 1 else ''} (drain)"
        lines.append(_row(name, row["seconds"], count, floor, row["cpu_seconds"]))
    per_page, cpu_per_page = f["floor_per_page_seconds"], f["floor_cpu_per_page_seconds"]
    enqueue_ms, run_ms = f["queue_enqueue_per_job_seconds"] * 1000, f["queue_run_per_job_seconds"] * 1000
    lines += [
        "",
        f"enqueue ({count} jobs, `process --queue`, start-up included): {f['enqueue_seconds']:.2f} s",
        f"end to end, per job: (enqueue + 1-worker drain - process) / pages = "
        f"{f['overhead_per_job_seconds'] * 1000:.0f} ms = {f['overhead_percent_of_ocr']:.1f}% of the "
        f"floor's {per_page:.2f} s a page (wall clock, best of the runs; start-ups included)",
        f"end to end, CPU: (enqueue + worker - process, with their Tesseracts) / pages = "
        f"{f['overhead_cpu_per_job_seconds'] * 1000:.0f} ms = {f['overhead_cpu_percent_of_ocr']:.1f}% of "
        f"the floor's {cpu_per_page:.2f} CPU s a page (start-ups included)",
        f"the queue's own cost per job ({f['queue_cost_jobs']} no-op jobs of chartfile's shape, enqueued "
        f"by JobQueue, run by a 1-slot worker): enqueue {enqueue_ms:.1f} ms + run {run_ms:.1f} ms = "
        f"{f['queue_percent_of_ocr']:.1f}% of the floor's {cpu_per_page:.2f} CPU s a page (target < 5%)",
    ]
    return "\n".join(lines)


def _row(name: str, seconds: float, count: int, floor: float, cpu: float) -> str:
    """A table row: wall seconds, documents/min, ratio to the floor, CPU seconds (with Tesseract) and
    the cores that gave (CPU / wall: on a machine shared with other work, less than it has)."""
    return (
        f"| {name} | {seconds:.1f} | {per_minute(count, seconds):.1f} | {seconds / floor:.2f} | "
        f"{cpu:.1f} | {cpu / seconds:.2f} |"
    )


def write_results(text: str, pages: int) -> None:
    """Replace (or add) this benchmark's section of bench/RESULTS.md."""
    current = RESULTS.read_text(encoding="utf-8")
    section = f"{SECTION}\n\nLatest `python -m bench.scale_queue {pages}`:\n\n{text}\n"
    head, found, tail = current.partition(SECTION)
    if found:
        rest = tail.split("\n## ", 1)
        tail = f"\n## {rest[1]}" if len(rest) > 1 else ""
        RESULTS.write_text(f"{head}{section}{tail}", encoding="utf-8")
    else:
        RESULTS.write_text(f"{current.rstrip()}\n\n{section}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("pages", type=int, nargs="?", default=24)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--repeat", type=int, default=2, help="runs of process and of 1 worker (best kept)")
    parser.add_argument("--cost-jobs", type=int, default=500, help="no-op jobs timing the queue itself")
    parser.add_argument("--workers", default="1,2,3", help="worker processes to run, e.g. 1,2,3")
    parser.add_argument("--write", action="store_true", help=f"write the figures into {RESULTS}")
    args = parser.parse_args()
    workers = tuple(int(n) for n in args.workers.split(","))
    found = run(
        pages=args.pages, seed=args.seed, repeat=args.repeat, workers=workers, cost_jobs=args.cost_jobs
    )
    text = report(found)
    print(text)
    if args.write:
        write_results(text, args.pages)


if __name__ == "__main__":
    main()
