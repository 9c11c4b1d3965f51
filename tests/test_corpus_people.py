"""Who the corpus is about: the padded master list, listed twins, near-miss unlisted people, contact lines."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import random
import re
from pathlib import Path

import jellyfish
import pytest

from bench.corpus import Patient, default_patients_csv, generate_corpus, load_synthea_patients, print_identity
from bench.corpus.cohort import split_people
from bench.corpus.contact import phone_digits, print_contact
from bench.corpus.identities import nicknames_for
from bench.corpus.restyle import name_parts
from bench.corpus.unlisted import unlisted_person

pytestmark = [
    pytest.mark.skipif(not default_patients_csv().is_file(), reason="Synthea patients CSV missing"),
    pytest.mark.bench,  # the evaluation corpus generator (bench/corpus): run by CI after `make test`
]
VARIANT_KINDS = {
    "variant_doubled_letter",
    "variant_dropped_letter",
    "variant_transposed",
    "variant_other_letter",
}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_half_b_corpus_with_a_padded_master_list_is_the_same_bytes_for_the_same_seed(tmp_path: Path) -> None:
    for name in ("a", "b"):
        generate_corpus(tmp_path / name, n_docs=3, seed=31, half="B", master_size=1400)
    assert _hashes(tmp_path / "a") == _hashes(tmp_path / "b")
    rows = _rows(tmp_path / "a" / "master.csv")
    assert len(rows) == 1400
    assert len({r["mrn"] for r in rows}) == 1400
    assert all(len(phone_digits(r["phone"])) == 10 and r["address"] and r["city"] for r in rows)
    assert all(re.fullmatch(r"\d{7,8}", r["mrn"]) for r in rows)


def test_listed_twins_share_surname_birth_date_and_home_but_not_first_names() -> None:
    people = split_people(load_synthea_patients(default_patients_csv()), random.Random(5))
    listed = {p.mrn for p in people.listed}
    pairs = [people.twins[i :: len(people.twins) // 2] for i in range(len(people.twins) // 2)]
    assert len(pairs) == 10
    for first, second in pairs:
        assert {first.mrn, second.mrn} <= listed and first.mrn != second.mrn
        assert (first.last_name, first.dob, first.address, first.phone) == (
            second.last_name,
            second.dob,
            second.address,
            second.phone,
        )
        assert first.first_name[0] != second.first_name[0]
        assert second.first_name not in nicknames_for(first.first_name)


def test_a_surname_variant_is_one_letter_from_a_listed_patient_with_the_same_first_name_and_dob() -> None:
    people = split_people(load_synthea_patients(default_patients_csv()), random.Random(6))
    by_mrn = {p.mrn: p for p in people.listed}
    kinds: set[str] = set()
    for seed in range(60):
        made = unlisted_person("surname_variant", people.listed, people.strangers, random.Random(seed))
        base = by_mrn[made.near_miss_mrn]
        person = made.person
        assert made.tag == "unlisted:surname_variant"
        assert (person.first_name, person.dob) == (base.first_name, base.dob)
        assert jellyfish.damerau_levenshtein_distance(person.last_name.lower(), base.last_name.lower()) == 1
        assert person.last_name[0] == base.last_name[0]
        assert person.mrn not in by_mrn and person.address != base.address
        kinds.update(made.variations)
        printed = print_identity(
            person, random.Random(seed), listed=False, allow_dob_changes=False, faithful=True
        )
        first, _, last, _ = name_parts(printed)
        assert (first.lower(), last.lower()) == (person.first_name.lower(), person.last_name.lower())
        assert printed.dob is not None
        assert not {"typo", "nickname", "ocr_confusion", "hyphen_part"} & set(printed.variations)
    assert kinds == VARIANT_KINDS


def test_unlisted_documents_never_name_a_listed_patient_with_that_birth_date(tmp_path: Path) -> None:
    manifest = generate_corpus(tmp_path, n_docs=30, seed=12, formats=["text_pdf"], unlisted_fraction=1.0)
    master = {r["mrn"]: r for r in _rows(manifest.master_csv)}
    keys = {(r["last_name"].lower(), r["first_name"].lower(), r["dob"]) for r in master.values()}
    kinds = {v for d in manifest.documents for v in d.variations if v.startswith("unlisted:")}
    assert {"unlisted:stranger", "unlisted:surname_variant"} <= kinds
    for doc in manifest.documents:
        assert doc.expected_mrn is None
        first, _, last = doc.printed_name.partition(" ")
        if "," in doc.printed_name:
            last, _, first = doc.printed_name.partition(", ")
        assert (last.lower(), first.split(" ")[0].lower(), doc.dob) not in keys
        if "unlisted:stranger" not in doc.variations:
            assert doc.near_miss_mrn in master
            assert doc.printed_dob is not None, "a near miss prints the birth date that tells it apart"


def test_contact_lines_are_the_master_list_s_unless_recorded_as_outdated() -> None:
    person = Patient(
        "4829301",
        "Hartwell",
        "Lorraine",
        "",
        dt.date(1957, 3, 4),
        "F",
        "617-555-0101",
        "12 Elm St",
        "Quincy",
        "MA",
        "02169",
    )
    seen: set[str] = set()
    for seed in range(200):
        variations: list[str] = []
        phone, street, city_line = print_contact(person, random.Random(seed), variations)
        seen.update(variations)
        assert ("phone_outdated" in variations) == (phone_digits(phone) != "6175550101")
        assert ("address_outdated" in variations) == (street.lower() != "12 elm st")
        if "address_outdated" not in variations:
            assert city_line.lower() == "quincy, ma 02169"
    assert seen == {"phone_outdated", "address_outdated"}


def test_a_form_that_may_leave_the_birth_date_out_keeps_a_near_miss_s(tmp_path: Path) -> None:
    manifest = generate_corpus(
        tmp_path, n_docs=24, seed=8, families=["eob_notice"], formats=["text_pdf"], unlisted_fraction=0.5
    )
    near = [d for d in manifest.documents if d.near_miss_mrn]
    assert near and all(d.printed_dob for d in near)
    assert any(d.printed_dob is None for d in manifest.documents if d.expected_mrn), "listed ones may lack it"
