"""EHR interface speed, measured in one run on this machine:

- ADT in: messages per second `chartfile hl7 listen` answers (each applied to the master list in its own
  committed transaction, ACKed AA), sent over several concurrent MLLP connections;
- documents out: delivery latency from the outcome's commit (the outbox row, same transaction) to the
  interface engine's ACK being recorded, for MDM^T02 over MLLP with the daemon's background worker.

    python -m bench.ehr_speed [--adt 2000] [--connections 4] [--docs 40]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.soak import write_config
from tests.ehr_peers import MllpEngine, Person, ack_code, adt, free_port, send_all
from tests.harness import Daemons, Workspace, cli_env, wait_until
from tests.scenarios import lab_result, text_pdf

PEOPLE = [
    ("Harold Whitfield", "03/04/1957", "4471203"),
    ("Adaeze Okonkwo", "11/23/1984", "4471204"),
    ("Rafael Castellano", "01/30/1972", "4471206"),
]
PATIENTS_CSV = (
    "mrn,last_name,first_name,dob\n4471203,Whitfield,Harold,1957-03-04\n"
    "4471204,Okonkwo,Adaeze,1984-11-23\n4471206,Castellano,Rafael,1972-01-30\n"
)


def chartfile(ws: Workspace, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chartfile", "--config", str(ws.config), *args],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=600,
        check=True,
    )


def adt_rate(folder: Path, *, messages: int, connections: int) -> tuple[float, int]:
    """(messages per second, how many were answered AA) for `messages` ADT over `connections`."""
    ws = write_config(folder)
    log = folder / "listener.log"
    with log.open("ab") as out:
        listener = subprocess.Popen(
            [sys.executable, "-m", "chartfile", "--config", str(ws.config), "hl7", "listen", "--port", "0"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=cli_env(),
        )
    try:
        found = wait_until(
            lambda: re.search(r"on 127\.0\.0\.1:(\d+)", log.read_text()), timeout=60, what="the listener"
        )
        port = int(found[1])
        batches = [_batch(c, messages // connections) for c in range(connections)]
        answered: list[list[str]] = [[] for _ in batches]
        threads = [
            threading.Thread(target=lambda i=i: answered[i].extend(send_all(port, list(batches[i]))))
            for i in range(connections)
        ]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
    finally:
        listener.terminate()
        listener.wait(timeout=60)
    codes = [ack_code(ack)[0] for acks in answered for ack in acks]
    return len(codes) / elapsed, codes.count("AA")


def _batch(connection: int, count: int) -> list[str]:
    """Registrations then updates, as an EHR's ADT feed sends them (distinct patients per connection)."""
    when = dt.datetime(2026, 11, 30, 8, 0)
    made = []
    for n in range(count):
        mrn = f"9{connection:02d}{n // 2:06d}"
        event = "A04" if n % 2 == 0 else "A08"
        person = Person(mrn, f"Surname{n}", "Given", "19700101", "F", f"{n} Main St", "Springfield")
        made.append(adt(event, f"B{connection}-{n}", person, when=when + dt.timedelta(seconds=n)))
    return made


def delivery_latency(folder: Path, *, docs: int) -> list[float]:
    """Seconds from each outcome's commit to its MDM^T02 ACK being recorded, with the daemon running."""
    port = free_port()
    ws = write_config(
        folder,
        ehr={
            "mdm": {"enabled": True, "host": "127.0.0.1", "port": port},
            "delivery": {"poll_seconds": 0.1, "timeout_seconds": 10},
        },
    )
    (folder / "patients.csv").write_text(PATIENTS_CSV, encoding="utf-8")
    chartfile(ws, "patients", "import", str(folder / "patients.csv"))
    sources = folder / "sources"
    sources.mkdir()
    files = [
        text_pdf([lab_result(*PEOPLE[n % 3], doc_date=f"10/{n % 28 + 1:02d}/2026")], sources / f"lab_{n}.pdf")
        for n in range(docs)
    ]
    engine = MllpEngine(port).start()
    try:
        with Daemons() as daemons:
            daemons.start(ws.config).wait_for_log("watching the inbox", timeout=120)
            for path in files:
                shutil.copy(path, ws.folder("inbox") / path.name)
            rows = wait_until(lambda: _all_delivered(ws, docs), timeout=600, what="every delivery")
    finally:
        engine.stop()
    return [
        (
            dt.datetime.fromisoformat(str(r["delivered_at"]))
            - dt.datetime.fromisoformat(str(r["created_at"]))
        ).total_seconds()
        for r in rows
    ]


def _all_delivered(ws: Workspace, docs: int) -> list[dict[str, object]] | None:
    rows = ws.rows("SELECT * FROM deliveries")
    return rows if len(rows) == docs and all(r["state"] == "delivered" for r in rows) else None


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--adt", type=int, default=2000, help="ADT messages to send (default 2000)")
    parser.add_argument("--connections", type=int, default=4, help="concurrent MLLP connections (default 4)")
    parser.add_argument("--docs", type=int, default=40, help="documents to file and deliver (default 40)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chartfile-ehr-speed-") as tmp:
        rate, accepted = adt_rate(Path(tmp) / "adt", messages=args.adt, connections=args.connections)
        sent = args.adt // args.connections * args.connections
        over = f"{sent} messages over {args.connections} connections"
        print(f"ADT in: {over}: {rate:.0f} messages/s, {accepted} AA")
        latencies = delivery_latency(Path(tmp) / "out", docs=args.docs)
    ms = [1000 * value for value in latencies]
    print(
        f"documents out (MDM^T02 over MLLP, commit -> ACK): {len(ms)} delivered, "
        f"p50 {statistics.median(ms):.0f} ms, p99 {percentile(ms, 0.99):.0f} ms, max {max(ms):.0f} ms"
    )


if __name__ == "__main__":
    main()
