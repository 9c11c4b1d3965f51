"""Generate an evaluation corpus: master.csv, rendered documents and truth.jsonl with ground truth."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .cohort import People, split_people
from .documents import DocumentSpec, LaidOut, lay_out
from .facts import Facts
from .families import FAMILIES, HALF_OF, Family, select
from .families.classic import template_indexes
from .formats import FORMAT_NAMES, FORMATS, Format, write_pages
from .identities import PrintedIdentity, print_identity
from .patients import Patient, default_patients_csv, load_synthea_patients, write_master_csv
from .unlisted import UNLISTED_KINDS, Unlisted, unlisted_person

FIRST_DOC_DATE = dt.date(2024, 1, 1)
LAST_DOC_DATE = dt.date(2026, 10, 31)
LISTED_TWIN_SHARE = 0.05
SECOND_PATIENT_SHARE = 0.12
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
    """Ground truth for one document (one line of truth.jsonl).

    Since issue 12 (fields added, none renamed): the layout `family`, its `structure` and `half`; which
    printed date is the document date (`doc_date_label`, `doc_date_printed`) and the patient's name label;
    the phone and address as printed (None: not printed); `near_miss_mrn`, the listed patient an unlisted
    person nearly matches; a bundled `second_patient_*` (then `must_review`: filing it to anyone is
    wrong); and `distractors`, the other people and dates printed (see facts.Distractor).
    """

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
    family: str = ""
    structure: str = ""
    half: str = ""
    doc_date_label: str = ""
    doc_date_printed: str = ""
    name_label: str = ""
    printed_phone: str | None = None
    printed_address: str | None = None
    near_miss_mrn: str | None = None
    second_patient_mrn: str | None = None
    second_patient_name: str | None = None
    must_review: bool = False
    distractors: list[dict[str, str]] = field(default_factory=list)


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


def _doc_date(rng: random.Random) -> dt.date:
    return dt.date.fromordinal(rng.randint(FIRST_DOC_DATE.toordinal(), LAST_DOC_DATE.toordinal()))


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    names = sorted(weights)
    return rng.choices(names, weights=[weights[n] for n in names])[0]


def _alive(person: Patient, day: dt.date) -> bool:
    return person.dob < day and (person.deceased is None or person.deceased > day)


def _pick_person(people: People, unlisted: bool, day: dt.date, rng: random.Random) -> Unlisted:
    """The document's person: a listed patient (sometimes one of a listed twin pair) or an unlisted one."""
    if unlisted:
        taken = people.keys()
        while True:
            made = unlisted_person(_weighted(rng, dict(UNLISTED_KINDS)), people.listed, people.strangers, rng)
            p = made.person
            if (p.last_name.lower(), p.first_name.lower(), p.dob) not in taken and p.dob < day:
                return made
    twins = [p for p in people.twins if _alive(p, day)]
    if twins and rng.random() < LISTED_TWIN_SHARE:
        return Unlisted(rng.choice(twins), "listed_twin")
    while True:
        person = rng.choice(people.listed)
        if _alive(person, day):
            return Unlisted(person, "")


def _page_plan(fmt: Format, rng: random.Random) -> tuple[bool, int]:
    """(with cover sheet, extra pages) keeping the document within 1-4 pages and the format's limit."""
    if fmt.max_pages == 1:
        return False, 0
    cover = rng.random() < (0.4 if fmt.fax else 0.1)
    extra = rng.choices((0, 1, 2), weights=(0.55, 0.3, 0.15))[0]
    return cover, min(extra, fmt.max_pages - 1 - int(cover))


def _second_patient(
    people: People, person: Patient, family: Family, room: int, rng: random.Random
) -> tuple[Patient, PrintedIdentity] | None:
    """Now and then another listed patient on a later page (a batch fax), where the family bundles them."""
    if not family.second_patient or room < 1 or rng.random() >= SECOND_PATIENT_SHARE:
        return None
    other = rng.choice(people.listed)
    while other.last_name == person.last_name or other.dob == person.dob:
        other = rng.choice(people.listed)
    return other, print_identity(other, rng)


def _spec(
    index: int, *, seed: int, people: People, unlisted: bool, fmt: Format, family: Family
) -> tuple[DocumentSpec, Unlisted, Patient | None, random.Random]:
    """What document `index` prints (its own seeded rng, so the order of documents never matters)."""
    rng = random.Random(f"chartfile-corpus:{seed}:{index}")
    day = _doc_date(rng)
    made = _pick_person(people, unlisted, day, rng)
    near_miss = unlisted and made.tag != "unlisted:stranger"  # its DOB is what tells it apart: print it
    faithful = made.tag == "unlisted:surname_variant"
    printed = print_identity(
        made.person, rng, listed=not unlisted, allow_dob_changes=not near_miss, faithful=faithful
    )
    doc_type = rng.choice(family.doc_types)
    template = rng.choice(template_indexes(doc_type, family.id_style)) if family.build is None else 0
    cover, extra = _page_plan(fmt, rng)
    room = fmt.max_pages - 1 - int(cover) - extra
    second = _second_patient(people, made.person, family, room, rng)
    fax_header = fmt.fax or (fmt.name != "text_pdf" and rng.random() < 0.25)
    spec = DocumentSpec(
        printed, doc_type, day, template, cover, extra, fax_header,
        second_patient=second[1] if second else None,
        family=family.name,
        relatives=people.relatives_of(made.person),
        keep_dob=near_miss,
    )  # fmt: skip
    return spec, made, second[0] if second else None, rng


def _tags(spec: DocumentSpec, made: Unlisted, laid: LaidOut) -> list[str]:
    tags = [made.tag] if made.tag else []
    tags += list(made.variations) + list(laid.patient.variations) + laid.facts.variations
    if laid.facts.printed_phone is None:
        tags = [t for t in tags if t != "phone_outdated"]
    if laid.facts.printed_address is None:
        tags = [t for t in tags if t != "address_outdated"]
    tags += ["cover_sheet"] * spec.with_cover_sheet + ["fax_header"] * spec.fax_header
    return tags + ["second_patient"] * (spec.second_patient is not None)


def _second_name(facts: Facts) -> str | None:
    """The bundled second patient's name as its page printed it (None: no second patient)."""
    return next((d.printed for d in facts.distractors if d.role == "second_patient"), None)


def _make_document(
    index: int, *, seed: int, people: People, unlisted: bool, fmt: Format, family: Family, docs_dir: Path
) -> TruthRecord:
    """Plan, write and describe document number `index`."""
    spec, made, second, rng = _spec(
        index, seed=seed, people=people, unlisted=unlisted, fmt=fmt, family=family
    )
    laid = lay_out(spec, rng)
    path = docs_dir / f"{index:04d}_{fmt.name}.{fmt.ext}"
    tags = _tags(spec, made, laid) + write_pages(laid.pages, fmt, path, rng, font=rng.choice(FONTS))
    printed, facts = laid.patient, laid.facts
    return TruthRecord(
        file=f"docs/{path.name}",
        expected_mrn=None if unlisted else made.person.mrn,
        doc_type=spec.doc_type,
        doc_date=spec.doc_date.isoformat(),
        dob=made.person.dob.isoformat(),
        format=fmt.name,
        pages=spec.page_count,
        variations=tags,
        printed_name=printed.name,
        printed_dob=printed.dob,
        printed_mrn=printed.mrn,
        family=family.name,
        structure=family.structure,
        half=HALF_OF[family.name],
        doc_date_label=facts.doc_date_label,
        doc_date_printed=facts.doc_date_printed,
        name_label=facts.name_label,
        printed_phone=facts.printed_phone,
        printed_address=facts.printed_address,
        near_miss_mrn=made.near_miss_mrn or None,
        second_patient_mrn=second.mrn if second else None,
        second_patient_name=_second_name(facts),
        must_review=second is not None,
        distractors=[asdict(d) for d in facts.distractors],
    )


def _choose(index: int, seed: int, families: Sequence[str], formats: Sequence[str]) -> tuple[Family, Format]:
    """Document `index`'s family (uniform over `families`) and format (by the formats' weights)."""
    rng = random.Random(f"chartfile-corpus-layout:{seed}:{index}")
    family = FAMILIES[rng.choice(list(families))]
    return family, FORMATS[_weighted(rng, {name: FORMATS[name].weight for name in formats})]


def _write_truth(records: Sequence[TruthRecord], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
    return path


def generate_corpus(
    out_dir: Path,
    *,
    n_docs: int,
    seed: int,
    patients_csv: Path | None = None,
    unlisted_fraction: float = 0.25,
    formats: Sequence[str] = FORMAT_NAMES,
    families: Sequence[str] | None = None,
    half: str | None = None,
    master_size: int = 0,
) -> CorpusManifest:
    """Write `out_dir/master.csv`, `out_dir/docs/*` and `out_dir/truth.jsonl`; same seed, same bytes.

    `families` (default all) and `half` ("A" or "B") choose the layout families; `master_size` pads the
    master list with synthetic patients up to that many.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"unknown or no formats {unknown}; choose from {', '.join(FORMAT_NAMES)}")
    chosen = select(families, half)
    rng = random.Random(f"chartfile-corpus:{seed}")
    people = split_people(
        load_synthea_patients(patients_csv or default_patients_csv()), rng, master_size=master_size
    )
    docs_dir = out_dir / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    master = write_master_csv(people.listed, out_dir / "master.csv")
    unlisted = set(rng.sample(range(n_docs), round(n_docs * unlisted_fraction)))
    records = []
    for i in range(n_docs):
        family, fmt = _choose(i, seed, chosen, formats)
        records.append(
            _make_document(
                i, seed=seed, people=people, unlisted=i in unlisted, fmt=fmt, family=family, docs_dir=docs_dir
            )
        )
    truth = _write_truth(records, out_dir / "truth.jsonl")
    return CorpusManifest(out_dir, master, truth, tuple(records), len(people.listed))
