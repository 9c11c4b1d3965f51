"""The review desk's speed with a deep queue: the queue page and a document at the desk, p50/p99.

    python -m bench.web_speed [--documents 10000] [--queue-runs 200] [--desks 100]

A temporary workspace gets a few real documents processed by `chartfile process` (born-digital PDFs: no
OCR), then `--documents` review documents made from them directly through the ledger (one unit of work per
batch: an intake row, the row with the template's candidates and extraction, its kept original and its
stamped stored PDF, its page texts), so every row is what the pipeline would have written. The real
`chartfile serve` runs as a subprocess; one signed-in client then times, over HTTP on 127.0.0.1:

- queue: GET /queue, the first page and pages deep in the queue (offsets spread over it), `--queue-runs`;
- desk: GET /documents/ID and then its first page image, for `--desks` documents never viewed before
  (so each desk renders its page image and reads its word boxes cold: the worst case a clerk sees).

Targets (issue 16): queue p99 < 300 ms, desk with its first page image p99 < 500 ms.
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from chartfile.commands.common import utc_clock
from chartfile.ledger import open_ledger
from chartfile.ledger.documents import (
    Outcome,
    new_document,
    read_pages,
    store_original,
    store_pdf,
    write_pages,
)
from chartfile.ledger.intake import new_intake
from chartfile.ledger.models import Document
from chartfile.ledger.unit import Unit
from chartfile.records import Status
from chartfile.settings import DEFAULT_CONFIG_TEXT, load_settings
from tests.harness import cli_env, wait_until
from tests.scenarios import lab_result, text_pdf

PASSWORD = "bench password, not a secret"
BATCH = 250
PATIENTS_CSV = """mrn,last_name,first_name,middle_name,dob,sex,phone,address,city,state,zip
4471203,Whitfield,Harold,James,1957-03-04,M,555-0101,12 Elm St,Springfield,MA,01101
4471204,Okonkwo,Adaeze,,1984-11-23,F,555-0102,40 Oak Ave,Springfield,MA,01102
4471205,Lindqvist,Margaret,Anne,1949-07-15,F,555-0103,7 Pine Rd,Worcester,MA,01601
"""
TARGETS_MS = {"queue": 300.0, "desk + page image": 500.0}


def _templates(root: Path) -> None:
    """A few real review documents: `chartfile process` on born-digital lab results."""
    (root / "config.yaml").write_text(DEFAULT_CONFIG_TEXT, encoding="utf-8")
    (root / "patients.csv").write_text(PATIENTS_CSV, encoding="utf-8")
    _cli(root, "patients", "import", str(root / "patients.csv"))
    batch = root / "templates"
    batch.mkdir()
    for number, name in enumerate(("Harold Whitfield", "Adaeze Okonkwo", "Margaret Lindqvist")):
        text_pdf([lab_result(name, None, None, doc_date=f"0{number + 1}/12/2026")], batch / f"t{number}.pdf")
    text_pdf(
        [lab_result("Harold Whitfield", "03/04/1957", "4471203"), lab_result("Adaeze Okonkwo", None, None)],
        batch / "two.pdf",
    )
    _cli(root, "process", str(batch))
    _cli(root, "users", "add", "bench", "--role", "clerk", stdin=PASSWORD + "\n")


def _cli(root: Path, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "chartfile", "--config", str(root / "config.yaml"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=cli_env(),
        check=False,
        timeout=600,
    )
    if done.returncode != 0:
        raise SystemExit(f"chartfile {args[0]} failed:\n{done.stderr}")
    return done.stdout


def _copy(unit: Unit, template: Document, number: int) -> None:
    """One more review document like `template`, in the unit (its files and rows together)."""
    pages = read_pages(unit, template.id)
    intake = new_intake(
        unit,
        source_path=f"bench:{number}",
        source_name=f"fax-{number:05d}.pdf",
        fingerprint="",
        sha256=template.sha256,
        size_bytes=Path(str(template.original_path)).stat().st_size,
        kind="pdf",
        done=True,
    )
    unit.session.flush()
    outcome = Outcome(
        Status.REVIEW,
        tuple(template.reasons),
        score=template.score,
        candidates=tuple(template.candidates),
        extraction=template.extraction,
        doc_type=template.doc_type,
        doc_date=template.doc_date,
        pages=tuple(pages),
    )
    row = new_document(
        intake.id,
        outcome,
        source_name=intake.source_name,
        sha256=template.sha256,
        received_at=unit.now,
        processed_at=unit.now,
        page_count=template.page_count,
    )
    store_original(unit, row, Path(str(template.original_path)))
    store_pdf(unit, row, Path(str(template.stored_path)))
    unit.session.add(row)
    unit.session.flush()
    write_pages(unit, row.id, pages)
    unit.audit("review", row.id, stored_path=row.stored_path, generated="bench.web_speed")


def fill(root: Path, documents: int) -> float:
    """Add `documents` review documents; seconds taken."""
    settings = load_settings(root / "config.yaml")
    started = time.perf_counter()
    with open_ledger(settings.paths, settings.database, clock=utc_clock, actor="bench") as ledger:
        with ledger.reading() as session:
            templates = list(session.query(Document).filter(Document.status == Status.REVIEW.value))
        if not templates:
            raise SystemExit("no review documents to copy: the templates were filed or failed")
        for first in range(0, documents, BATCH):
            with ledger.unit() as unit:
                for number in range(first, min(first + BATCH, documents)):
                    _copy(unit, templates[number % len(templates)], number)
            print(f"  {min(first + BATCH, documents)} documents made", file=sys.stderr, flush=True)
    return time.perf_counter() - started


@contextmanager
def serving(root: Path) -> Iterator[str]:
    port = _free_port()
    log = (root / "serve.log").open("ab")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "chartfile",
            "--config",
            str(root / "config.yaml"),
            "serve",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=cli_env(),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _up(url), timeout=60, what="chartfile serve")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _up(url: str) -> bool:
    try:
        return httpx.get(url + "/sign-in", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def signed_in(url: str) -> Iterator[httpx.Client]:
    client = httpx.Client(base_url=url, timeout=60)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/sign-in").text)
    assert token is not None
    client.post("/sign-in", data={"csrf": token[1], "name": "bench", "password": PASSWORD})
    try:
        yield client
    finally:
        client.close()


def _timed(client: httpx.Client, *paths: str) -> float:
    started = time.perf_counter()
    for path in paths:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path}: {response.status_code}")
    return (time.perf_counter() - started) * 1000


def measure(client: httpx.Client, *, total: int, queue_runs: int, desks: int) -> dict[str, list[float]]:
    """Milliseconds per queue page and per desk with its first page image."""
    size = 50
    offsets = [(run * 7919 * size) % max(total, 1) // size * size for run in range(queue_runs)]
    _timed(client, "/queue")  # warm-up: templates compiled, connections open
    queue = [_timed(client, f"/queue?offset={offset}") for offset in offsets]
    ids = [
        int(i) for i in re.findall(r'href="/documents/(\d+)"', client.get(f"/queue?offset={total // 2}").text)
    ]
    ids += [
        int(i) for i in re.findall(r'href="/documents/(\d+)"', client.get(f"/queue?offset={total - 60}").text)
    ]
    desk = [_timed(client, f"/documents/{doc}", f"/documents/{doc}/pages/1.png") for doc in ids[:desks]]
    return {"queue": queue, "desk + page image": desk}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(found: dict[str, list[float]], *, waiting: int, as_json: bool) -> None:
    rows = {
        name: {
            "runs": len(values),
            "p50_ms": round(statistics.median(values), 1),
            "p99_ms": round(_percentile(values, 0.99), 1),
            "target_p99_ms": TARGETS_MS[name],
        }
        for name, values in found.items()
    }
    if as_json:
        print(json.dumps({"waiting": waiting, "pages": rows}))
        return
    print(f"review desk with {waiting} documents waiting (chartfile serve on 127.0.0.1, one client)")
    print(f"{'page':<20} {'runs':>5} {'p50 ms':>8} {'p99 ms':>8} {'target p99':>11} {'met':>4}")
    for name, row in rows.items():
        met = "yes" if row["p99_ms"] < row["target_p99_ms"] else "NO"
        print(
            f"{name:<20} {row['runs']:>5} {row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} "
            f"{row['target_p99_ms']:>11.0f} {met:>4}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--queue-runs", type=int, default=200)
    parser.add_argument("--desks", type=int, default=100)
    parser.add_argument("--json", action="store_true", help="one JSON object instead of the table")
    parser.add_argument(
        "--workspace", type=Path, help="keep the workspace here (and reuse it when it exists: no refill)"
    )
    args = parser.parse_args(argv)
    with _workspace(args.workspace) as root:
        if not (root / "config.yaml").exists():
            _templates(root)
            seconds = fill(root, args.documents)
            print(
                f"made {args.documents} review documents through the ledger in {seconds:.0f} s",
                file=sys.stderr,
            )
        waiting = int(json.loads(_cli(root, "status", "--json"))["documents"].get("review", 0))
        with serving(root) as url, signed_in(url) as client:
            found = measure(client, total=waiting, queue_runs=args.queue_runs, desks=args.desks)
        report(found, waiting=waiting, as_json=args.json)


@contextmanager
def _workspace(kept: Path | None) -> Iterator[Path]:
    """The folder given (kept, and reused when it holds a workspace already), or a temporary one."""
    if kept is not None:
        kept.mkdir(parents=True, exist_ok=True)
        yield kept
        return
    with tempfile.TemporaryDirectory(prefix="web-speed-") as tmp:
        yield Path(tmp)


if __name__ == "__main__":
    main()
