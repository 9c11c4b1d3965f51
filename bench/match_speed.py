"""Per-document matching time and memory of the decide stage at 10k, 100k and 1M listed patients.

    python -m bench.match_speed [--sizes 10000,100000,1000000] [--docs 300] [--seed 7]

Patients are generated deterministically from the seed: first names and surnames drawn Zipf-like from
the distinct names of `../shared/data/synthea/patients_ma_1171.csv` (992 first names, 490 surnames,
most frequent first), birth dates uniform over 1920-2020, unique 8-digit MRNs. Each document carries one
identity: a random listed patient's name + DOB + MRN, either exact or with one variation (surname typo,
nickname, no DOB, no MRN), or a stranger who is not on the list (name and DOB, no MRN).

Each document is a short lab report printing that identity, an ordering physician whose name is drawn
from the same lists, and the report's own dates and numbers; it is extracted (untimed), then decide() is
timed: the labelled identity's blocks and the identity search over the page's words.
Each size runs in a fresh process (so peak RSS is that size's alone) that generates the list, builds the
PatientIndex once as a long-running worker does, decides one warm-up document, then times
`decide(extraction, index, settings)` per document. records/index MiB are RSS growth while generating
the list and while building the index; peak MiB is the process's peak RSS; blocked is the median number
of patients scored per document; wrong counts documents filed to the wrong patient.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import itertools
import multiprocessing
import random
import re
import resource
import statistics
import string
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from chartfile.matching.compare import name_forms
from chartfile.matching.decide import decide, rank
from chartfile.matching.extract import extract
from chartfile.matching.index import PatientIndex
from chartfile.records import (
    Extraction,
    FileKind,
    IdentityCandidate,
    IncomingFile,
    MatchDecision,
    OcrPage,
    OcrResult,
    PatientRecord,
    Status,
)
from chartfile.settings import MatchingSettings

REPO_ROOT = Path(__file__).resolve().parents[1]
SYNTHEA_CSV = REPO_ROOT.parent / "shared" / "data" / "synthea" / "patients_ma_1171.csv"
KINDS = ("exact", "surname-typo", "nickname", "no-dob", "no-mrn", "stranger")
FIRST_DOB, LAST_DOB = dt.date(1920, 1, 1).toordinal(), dt.date(2020, 12, 31).toordinal()
REFERENCE_DATE = dt.date(2025, 1, 2)
NOW = dt.datetime(2025, 1, 2, tzinfo=dt.UTC)
MRN_BASE, MRN_SPAN, MRN_STEP = 10_000_000, 90_000_000, 7_919_993  # step coprime to span: unique MRNs
ZIPF_OFFSET = 10  # weight of the name of rank k is 1 / (k + offset): the top surname is ~2.4% of people


@dataclass(frozen=True, slots=True)
class Query:
    """One document's identity and the patient it really is (None: a stranger)."""

    kind: str
    identity: IdentityCandidate
    truth_mrn: str | None


@dataclass(frozen=True, slots=True)
class Timed:
    query: Query
    milliseconds: float
    blocked: int
    decision: MatchDecision


@dataclass(frozen=True, slots=True)
class Outcomes:
    """Timing and outcomes of a group of documents (one variation, or all of them)."""

    label: str
    docs: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    blocked_p50: float
    filed: int
    review: int
    unmatched: int
    wrong: int


@dataclass(frozen=True, slots=True)
class SizeResult:
    patients: int
    build_seconds: float
    records_mib: float
    index_mib: float
    peak_mib: float
    overall: Outcomes
    by_kind: tuple[Outcomes, ...]


def name_lists(path: Path = SYNTHEA_CSV) -> tuple[list[str], list[str]]:
    """Distinct first names and surnames (Synthea's digits stripped), most frequent first."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    def ranked(column: str) -> list[str]:
        counts = Counter(re.sub(r"\d+", "", row[column]).strip() for row in rows)
        return sorted((name for name in counts if name), key=lambda name: (-counts[name], name))

    return ranked("FIRST"), ranked("LAST")


def zipf_cum_weights(count: int) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank + ZIPF_OFFSET) for rank in range(1, count + 1)))


def generate_patients(size: int, *, seed: int, firsts: list[str], lasts: list[str]) -> list[PatientRecord]:
    rng = random.Random(seed)
    first_draws = rng.choices(firsts, cum_weights=zipf_cum_weights(len(firsts)), k=size)
    last_draws = rng.choices(lasts, cum_weights=zipf_cum_weights(len(lasts)), k=size)
    offset = rng.randrange(MRN_SPAN)
    return [
        PatientRecord(
            mrn=str(MRN_BASE + (offset + i * MRN_STEP) % MRN_SPAN),
            last_name=last,
            first_name=first,
            dob=dt.date.fromordinal(rng.randint(FIRST_DOB, LAST_DOB)),
        )
        for i, (first, last) in enumerate(zip(first_draws, last_draws, strict=True))
    ]


def typo(name: str, rng: random.Random) -> str:
    """One letter after the first replaced by another."""
    position = rng.randrange(1, len(name)) if len(name) > 1 else 0
    letter = rng.choice([c for c in string.ascii_lowercase if c != name[position].lower()])
    return name[:position] + letter + name[position + 1 :]


def nickname(first: str, rng: random.Random) -> str | None:
    forms = sorted(f for f in name_forms(first) if len(f) > 1 and f != first.upper())
    return rng.choice(forms).title() if forms else None


def listed_query(kind: str, patient: PatientRecord, rng: random.Random) -> Query | None:
    """The patient's identity with the variation `kind`; None when it cannot apply (no nickname)."""
    identity = IdentityCandidate(patient.last_name, patient.first_name, None, patient.dob, patient.mrn)
    if kind == "surname-typo":
        identity = replace(identity, last_name=typo(patient.last_name, rng))
    elif kind == "nickname":
        nick = nickname(patient.first_name, rng)
        if nick is None:
            return None
        identity = replace(identity, first_name=nick)
    elif kind == "no-dob":
        identity = replace(identity, dob=None)
    elif kind == "no-mrn":
        identity = replace(identity, mrn=None)
    return Query(kind, identity, patient.mrn)


def stranger(rng: random.Random, firsts: list[str], lasts: list[str]) -> Query:
    dob = dt.date.fromordinal(rng.randint(FIRST_DOB, LAST_DOB))
    return Query("stranger", IdentityCandidate(rng.choice(lasts), rng.choice(firsts), None, dob, None), None)


def make_queries(
    patients: list[PatientRecord], docs: int, *, seed: int, firsts: list[str], lasts: list[str]
) -> list[Query]:
    """`docs` documents cycling through the variations; listed patients drawn at random."""
    rng = random.Random(seed)
    queries: list[Query] = []
    while len(queries) < docs:
        kind = KINDS[len(queries) % len(KINDS)]
        query = stranger(rng, firsts, lasts) if kind == "stranger" else None
        while query is None:
            query = listed_query(kind, rng.choice(patients), rng)
        queries.append(query)
    return queries


def rss_mib() -> float:
    """Current resident set size (Linux /proc; elsewhere the peak, which grows with it here)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        return peak_rss_mib()
    return pages * resource.getpagesize() / 2**20


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def page_text(query: Query, provider: tuple[str, str]) -> str:
    """The identity printed on a short lab report, with a provider whose name comes from the same lists
    (so the identity search has distractors to look up) and the report's own dates."""
    identity = query.identity
    dob = f"DOB: {identity.dob:%m/%d/%Y}" if identity.dob else ""
    mrn = f"MRN: {identity.mrn}" if identity.mrn else ""
    return (
        "LABORATORY REPORT\n"
        f"Patient: {identity.first_name} {identity.last_name}    {dob}    {mrn}\n"
        f"Ordering Physician: {provider[0]} {provider[1]}, MD    NPI: 1457382910\n"
        "Collected: 10/01/2024    Reported: 10/03/2024    Accession: 24-118812\n"
        "Test    Result    Reference Range\nGlucose    98 mg/dL    70-99\n"
    )


def extraction_of(text: str) -> Extraction:
    incoming = IncomingFile(
        1, Path("doc.pdf"), "doc.pdf", Path("doc.pdf"), Path("."), "", 0, FileKind.PDF, NOW
    )
    ocr = OcrResult(incoming, (OcrPage(number=1, text=text),), Path("doc.pdf"))
    return extract(ocr, reference_date=REFERENCE_DATE)


def time_documents(
    queries: list[Query], index: PatientIndex, settings: MatchingSettings, providers: list[tuple[str, str]]
) -> list[Timed]:
    """decide() per document, timed alone; the page is extracted first (its cost does not depend on the
    list's size)."""
    timed = []
    for query, provider in zip(queries, itertools.cycle(providers), strict=False):
        extraction = extraction_of(page_text(query, provider))
        start = time.perf_counter()
        decision = decide(extraction, index, settings)
        elapsed_ms = (time.perf_counter() - start) * 1000
        timed.append(Timed(query, elapsed_ms, len(rank(extraction, index, settings)), decision))
    return timed


def outcomes(label: str, timed: Sequence[Timed]) -> Outcomes:
    times = sorted(t.milliseconds for t in timed)
    statuses = Counter(t.decision.status for t in timed)
    wrong = sum(
        1 for t in timed if t.decision.status is Status.FILED and t.decision.patient_mrn != t.query.truth_mrn
    )
    p99 = statistics.quantiles(times, n=100, method="inclusive")[98] if len(times) > 1 else times[0]
    return Outcomes(
        label,
        len(timed),
        statistics.median(times),
        p99,
        times[-1],
        statistics.median(t.blocked for t in timed),
        statuses[Status.FILED],
        statuses[Status.REVIEW],
        statuses[Status.UNMATCHED],
        wrong,
    )


def measure_size(size: int, docs: int, seed: int, firsts: list[str], lasts: list[str]) -> SizeResult:
    """Generate, index and time one list size (run in a fresh process, given the name lists)."""
    before = rss_mib()
    patients = generate_patients(size, seed=seed, firsts=firsts, lasts=lasts)
    with_records = rss_mib()
    start = time.perf_counter()
    index = PatientIndex.from_records(patients)
    build_seconds = time.perf_counter() - start
    gc.freeze()  # as the runtime does: full collections no longer scan a million long-lived records
    with_index = rss_mib()
    queries = make_queries(patients, docs, seed=seed + 1, firsts=firsts, lasts=lasts)
    settings = MatchingSettings()
    rng = random.Random(seed + 2)
    providers = [(rng.choice(firsts[:200]), rng.choice(lasts[:200])) for _ in range(50)]
    name_forms("William")  # warm-up, untimed: loads the nickname tables
    time_documents([stranger(random.Random(seed - 1), firsts, lasts)], index, settings, providers)
    timed = time_documents(queries, index, settings, providers)
    by_kind = tuple(outcomes(kind, [t for t in timed if t.query.kind == kind]) for kind in KINDS)
    memory = (with_records - before, with_index - with_records, peak_rss_mib())
    return SizeResult(
        size, build_seconds, *memory, outcomes("all", timed), tuple(o for o in by_kind if o.docs)
    )


def render(results: Sequence[SizeResult]) -> list[str]:
    head = ("patients", "build_s", "records_MiB", "index_MiB", "peak_MiB", "docs")
    tail = ("p50_ms", "p99_ms", "max_ms", "blocked", "filed", "review", "unmatched", "wrong")
    lines = [" ".join(f"{h:>12}" for h in (*head, *tail))]
    for r in results:
        memory = (r.build_seconds, r.records_mib, r.index_mib, r.peak_mib)
        lines.append(
            f"{r.patients:>12d} "
            + " ".join(f"{v:>12.1f}" for v in memory)
            + f" {r.overall.docs:>12d} "
            + _outcome_cells(r.overall)
        )
    lines += ["", " ".join(f"{h:>12}" for h in ("patients", "variation", "docs", *tail))]
    for r in results:
        for o in r.by_kind:
            lines.append(f"{r.patients:>12d} {o.label:>12} {o.docs:>12d} " + _outcome_cells(o))
    return lines


def _outcome_cells(o: Outcomes) -> str:
    timing = " ".join(f"{v:>12.2f}" for v in (o.p50_ms, o.p99_ms, o.max_ms))
    counts = " ".join(f"{v:>12d}" for v in (o.filed, o.review, o.unmatched, o.wrong))
    return f"{timing} {o.blocked_p50:>12.0f} {counts}"


def positive_ints(text: str) -> list[int]:
    """argparse type: a comma-separated list of positive integers."""
    try:
        numbers = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of integers: {text!r}") from e
    if not numbers or min(numbers) < 1:
        raise argparse.ArgumentTypeError(f"not a list of positive integers: {text!r}")
    return numbers


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=positive_ints, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--docs", type=int, default=300, help="documents timed per size")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.docs < 1:
        parser.error("--docs must be positive")
    results, (firsts, lasts) = [], name_lists()
    spawn = multiprocessing.get_context("spawn")
    for size in args.sizes:
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            results.append(pool.submit(measure_size, size, args.docs, args.seed, firsts, lasts).result())
        print(f"measured {size} patients", flush=True)
    print("\n".join(render(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
