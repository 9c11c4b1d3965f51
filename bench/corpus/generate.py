"""Generate an evaluation corpus: master.csv, rendered documents and truth.jsonl with ground truth."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from .documents import DocumentSpec
from .formats import FORMAT_NAMES, FORMATS, Format, write_document
from .identities import print_identity
from .patients import Patient, default_patients_csv, load_synthea_patients, write_master_csv
from .templates import TEMPLATES
from .unlisted import UNLISTED_KINDS, common_name_patients, make_unlisted

DOC_TYPE_WEIGHTS: dict[str, float] = {
    "lab_result": 0.2,
    "radiology_report": 0.12,
    "referral": 0.1,
    "discharge_summary": 0.08,
    "consult_note": 0.12,
    "refill_request": 0.1,
    "prior_authorization": 0.07,
    "records_request": 0.07,
    "insurance_correspondence": 0.09,
    "other": 0.05,
}
FIRST_DOC_DATE = dt.date(2024, 1, 1)
LAST_DOC_DATE = dt.date(2026, 10, 31)
HELD_OUT_FRACTION = 0.1
COMMON_NAME_PATIENTS = 12
FONTS = (
    "dejavu-sans",
    "dejavu-sans",
    "liberation-sans",
    "liberation-serif",
    "dejavu-serif",
    "liberation-mono",
)


@dataclass(frozen=True, slots=True)
class TruthRecord:
    """Ground truth for one document (one line of truth.jsonl)."""

    file: str
    expected_mrn: str | None
    doc_type: str
    doc_date: str
    dob: str
    format: str
    pages: int
    variations: list[str]
    printed_name: str
    printed_dob: str | None
    printed_mrn: str | None


@dataclass(frozen=True, slots=True)
class CorpusManifest:
    """What generate_corpus wrote."""

    out_dir: Path
    master_csv: Path
    truth_jsonl: Path
    documents: tuple[TruthRecord, ...]
    master_size: int

    def summary(self) -> str:
        listed = sum(1 for d in self.documents if d.expected_mrn is not None)
        pages = sum(d.pages for d in self.documents)
        formats = Counter(d.format for d in self.documents)
        mix = ", ".join(f"{name} {count}" for name, count in sorted(formats.items()))
        return (
            f"wrote {len(self.documents)} documents ({pages} pages; {listed} listed, "
            f"{len(self.documents) - listed} unlisted; {mix}) and {self.master_size} master patients "
            f"to {self.out_dir}"
        )


@dataclass(frozen=True, slots=True)
class _People:
    listed: list[Patient]
    strangers: list[Patient]


def _split_people(patients: Sequence[Patient], rng: random.Random) -> _People:
    """Hold some Synthea people out of the master list (strangers); add a few common-name patients."""
    alive = [i for i, p in enumerate(patients) if p.deceased is None]
    held = set(rng.sample(alive, max(1, int(len(alive) * HELD_OUT_FRACTION))))
    listed = [p for i, p in enumerate(patients) if i not in held]
    strangers = [patients[i] for i in sorted(held)]
    taken = {p.mrn for p in patients}
    listed += common_name_patients(rng, COMMON_NAME_PATIENTS, taken)
    return _People(listed, strangers)


def _doc_date(rng: random.Random) -> dt.date:
    return dt.date.fromordinal(rng.randint(FIRST_DOC_DATE.toordinal(), LAST_DOC_DATE.toordinal()))


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    names = sorted(weights)
    return rng.choices(names, weights=[weights[n] for n in names])[0]


def _pick_person(
    people: _People, unlisted: bool, day: dt.date, rng: random.Random
) -> tuple[Patient, list[str]]:
    if unlisted:
        kind = _weighted(rng, dict(UNLISTED_KINDS))
        person, tag = make_unlisted(kind, people.listed, people.strangers, rng)
        return person, [tag]
    while True:
        person = rng.choice(people.listed)
        if person.dob < day and (person.deceased is None or person.deceased > day):
            return person, []


def _page_plan(fmt: Format, rng: random.Random) -> tuple[bool, int]:
    """(with cover sheet, extra pages) keeping the document within 1-4 pages and the format's limit."""
    if fmt.max_pages == 1:
        return False, 0
    cover = rng.random() < (0.4 if fmt.fax else 0.1)
    extra = rng.choices((0, 1, 2), weights=(0.55, 0.3, 0.15))[0]
    return cover, min(extra, fmt.max_pages - 1 - int(cover))


def _make_document(
    index: int, *, seed: int, people: _People, unlisted: bool, formats: Sequence[str], docs_dir: Path
) -> TruthRecord:
    """Plan, write and describe document number `index` (its own seeded rng, so order never matters)."""
    rng = random.Random(f"chartfile-corpus:{seed}:{index}")
    day = _doc_date(rng)
    person, tags = _pick_person(people, unlisted, day, rng)
    near_miss = unlisted and tags != ["unlisted:stranger"]  # its DOB is what tells it apart: print it
    printed = print_identity(person, rng, listed=not unlisted, allow_dob_changes=not near_miss)
    doc_type = _weighted(rng, DOC_TYPE_WEIGHTS)
    fmt = FORMATS[_weighted(rng, {name: FORMATS[name].weight for name in formats})]
    cover, extra = _page_plan(fmt, rng)
    fax_header = fmt.fax or (fmt.name != "text_pdf" and rng.random() < 0.25)
    template = rng.randrange(len(TEMPLATES[doc_type]))
    spec = DocumentSpec(printed, doc_type, day, template, cover, extra, fax_header)
    path = docs_dir / f"{index:04d}_{fmt.name}.{fmt.ext}"
    tags += list(printed.variations)
    tags += ["cover_sheet"] * cover + ["fax_header"] * fax_header
    tags += write_document(spec, fmt, path, rng, font=rng.choice(FONTS))
    return TruthRecord(
        file=f"docs/{path.name}",
        expected_mrn=None if unlisted else person.mrn,
        doc_type=doc_type,
        doc_date=day.isoformat(),
        dob=person.dob.isoformat(),
        format=fmt.name,
        pages=spec.page_count,
        variations=tags,
        printed_name=printed.name,
        printed_dob=printed.dob,
        printed_mrn=printed.mrn,
    )


def generate_corpus(
    out_dir: Path,
    *,
    n_docs: int,
    seed: int,
    patients_csv: Path | None = None,
    unlisted_fraction: float = 0.25,
    formats: Sequence[str] = FORMAT_NAMES,
) -> CorpusManifest:
    """Write `out_dir/master.csv`, `out_dir/docs/*` and `out_dir/truth.jsonl`; same seed, same bytes."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"unknown or no formats {unknown}; choose from {', '.join(FORMAT_NAMES)}")
    rng = random.Random(f"chartfile-corpus:{seed}")
    people = _split_people(load_synthea_patients(patients_csv or default_patients_csv()), rng)
    docs_dir = out_dir / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    master = write_master_csv(people.listed, out_dir / "master.csv")
    unlisted = set(rng.sample(range(n_docs), round(n_docs * unlisted_fraction)))
    records = [
        _make_document(
            i, seed=seed, people=people, unlisted=i in unlisted, formats=formats, docs_dir=docs_dir
        )
        for i in range(n_docs)
    ]
    truth = out_dir / "truth.jsonl"
    with truth.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
    return CorpusManifest(out_dir, master, truth, tuple(records), len(people.listed))
