"""The decide stage: score every patient the document mentions, rank them, file only on strong,
unambiguous evidence. (Pure.)

Readings come through two doors: the identities the labelled extractor read (open world: they may be
people who are not on the list), and the listed patients the identity search found in the document's
words (closed world). Each patient is scored on its best reading; the rules in `safety` decide whether
the best may be filed.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator
from dataclasses import replace

from chartfile.matching import safety
from chartfile.matching.compare import (
    DEFAULT_WEIGHTS,
    Weights,
    compare_address,
    compare_dob,
    compare_first,
    compare_middle,
    compare_mrn,
    compare_phone,
    compare_surname,
    joined_middle,
)
from chartfile.matching.index import PatientIndex
from chartfile.matching.safety import Scored, agreeing_fields
from chartfile.matching.search import mentions
from chartfile.matching.tokens import PageWords, read_words
from chartfile.records import (
    Candidate,
    Extraction,
    FieldScore,
    IdentityCandidate,
    MatchDecision,
    PatientRecord,
    Role,
    Status,
)
from chartfile.settings import MatchingSettings

_SWAP_PENALTY = 0.5
_OTHER_ROLE_PENALTY = 3.0

Ordering = tuple[bool, float, bool]  # see _ordering

__all__ = ["agreeing_fields", "decide", "probability", "rank", "score"]


def score(
    identity: IdentityCandidate,
    patient: PatientRecord,
    w: Weights = DEFAULT_WEIGHTS,
    *,
    mrn_shapes: Collection[tuple[int, bool]] = (),
) -> tuple[FieldScore, ...]:
    """Every field's level for this identity against this patient (names tried in both orders);
    `mrn_shapes`: the shapes of the master list's MRNs (see `compare_mrn`)."""
    straight = (
        compare_surname(identity.last_name, patient.last_name, w),
        compare_first(identity.first_name, patient.first_name, w),
    )
    names: tuple[FieldScore, ...] = straight
    if straight[0].level != "exact" or straight[1].level != "exact":  # else no crossing can do better
        crossed = (
            compare_surname(identity.first_name, patient.last_name, w),
            compare_first(identity.last_name, patient.first_name, w),
        )
        if sum(f.weight for f in crossed) - _SWAP_PENALTY > sum(f.weight for f in straight):
            names = tuple(
                FieldScore(f.field, f.level, f.weight - _SWAP_PENALTY / 2, "name order swapped")
                for f in crossed
            )
    middle = compare_middle(identity.middle_name, patient.middle_name, w)
    if names is straight and names[1].level not in ("exact", "nickname"):
        joined = joined_middle(
            identity.first_name, identity.middle_name, patient.first_name, patient.middle_name, w
        )
        if joined:
            names, middle = (names[0], joined[0]), joined[1]
    return (
        *names,
        middle,
        compare_dob(identity.dob, patient.dob, w, unread_glyphs=identity.dob_unread_glyphs),
        compare_mrn(identity.mrn, patient.mrn, w, list_shapes=mrn_shapes),
        compare_phone(identity.phone, patient.phone, w),
        compare_address(identity.address, patient.address, w, patient_zip=patient.zip),
    )


def probability(match_weight: float, prior: float) -> float:
    logit = match_weight + math.log2(prior / (1 - prior))
    return 1.0 / (1.0 + 2.0**-logit) if logit > -1000 else 0.0


def rank(
    extraction: Extraction, index: PatientIndex, settings: MatchingSettings, words: PageWords | None = None
) -> list[Scored]:
    """Each patient's best reading on the document, best first (`words`: the page's words, if read)."""
    if words is None and extraction.cells:
        words = read_words(extraction.cells, reference_date=extraction.reference_date)
    best: dict[int, tuple[Ordering, Scored]] = {}
    named: dict[int, tuple[Ordering, Scored]] = {}  # each patient's reading agreeing on name and identifier
    for position, reading in _readings(extraction, index, words):
        scored = _score(position, reading, index, settings)
        ordering = _ordering(scored)
        if position not in best or ordering > best[position][0]:
            best[position] = ordering, scored
        if _names_them(scored) and (position not in named or ordering > named[position][0]):
            named[position] = ordering, scored
    found = {position: scored for position, (_, scored) in best.items()}
    for position, (_, donor) in named.items():
        found[position] = _with_name_from(found[position], donor, index, settings)
        if donor.reading.role is Role.PATIENT:  # named in a patient field, whichever reading is best
            found[position] = replace(found[position], in_patient_field=True)
    return sorted(found.values(), key=_rank_key)


def _rank_key(scored: Scored) -> tuple[bool, float, str]:
    """Patients read in a field of their own (or an unlabelled one) first, then those read only in
    someone else's field (a guarantor who is also a patient); by match weight within each."""
    return (scored.reading.role is Role.OTHER, -scored.candidate.match_weight, scored.candidate.mrn)


def _names_them(scored: Scored) -> bool:
    """A reading that agrees on the full name, either in a field of the patient's own with the birth
    date, MRN or phone, or in a field a label gives the patient (a form's "Patient's Name and Address"
    box, its birth date in a box of its own further down)."""
    role = scored.reading.role
    named = "name" in safety.agreeing(scored)
    return named and (role is Role.PATIENT or (role is not Role.OTHER and _confirmed(scored)))


def _confirmed(scored: Scored) -> bool:
    return bool({"dob", "mrn", "phone"} & set(safety.agreeing(scored)))


def _with_name_from(best: Scored, donor: Scored, index: PatientIndex, settings: MatchingSettings) -> Scored:
    """One patient read twice: the name whole in one place (a later page's running header) and damaged
    beside the birth date in another. The best reading takes the name the donor read when its own does
    not agree: both readings are this patient's, each confirmed by an identifier of its own, or both in
    fields labels give the patient on one page (a form's name box and its birth-date box, rows apart)."""
    if best is donor or best.reading.role is Role.OTHER or "name" in safety.agreeing(best):
        return best
    one_form = donor.reading.page == best.reading.page and best.reading.role is Role.PATIENT
    if not (_confirmed(donor) or one_form):
        return best
    name = {k: getattr(donor.reading, k) for k in ("last_name", "first_name", "middle_name")}
    merged = _score(best.position, replace(best.reading, **name), index, settings)
    return merged if _ordering(merged) > _ordering(best) else best


def _readings(
    extraction: Extraction, index: PatientIndex, words: PageWords | None
) -> Iterator[tuple[int, IdentityCandidate]]:
    if words is not None:
        for mention in mentions(words, index):
            yield mention.position, mention.identity
    for identity in extraction.identities:
        for position in index.candidates(identity):
            yield position, identity


def _score(
    position: int, reading: IdentityCandidate, index: PatientIndex, settings: MatchingSettings
) -> Scored:
    patient = index.records[position]
    fields = score(reading, patient, settings.weights, mrn_shapes=index.mrn_shapes)
    weight = sum(f.weight for f in fields) + _role_weight(reading, settings.weights)
    p = probability(weight, settings.prior_match_probability)
    candidate = Candidate(patient.mrn, p, weight, fields, _evidence(reading), reading)
    return Scored(position, candidate, reading)


def _role_weight(reading: IdentityCandidate, w: Weights) -> float:
    if reading.found_by != "search":
        return 0.0  # the labelled extractor reads patient fields only
    return {Role.PATIENT: w.label_patient, Role.OTHER: -_OTHER_ROLE_PENALTY}.get(reading.role, 0.0)


def _ordering(scored: Scored) -> Ordering:
    """A patient's reading in a field of their own, with their birth date or MRN, outranks one in another
    person's field (an insured who is the patient "Self" prints the name again), however many more
    fields that one agrees on."""
    role = scored.reading.role
    own = role is not Role.OTHER and bool({"dob", "mrn"} & set(agreeing_fields(scored.candidate)))
    return (own, scored.candidate.match_weight, role is Role.PATIENT)


def _evidence(reading: IdentityCandidate) -> tuple[str, ...]:
    how = "labelled patient fields" if reading.found_by == "label" else "the list's words found on the page"
    found = [f"read from {how}, page {reading.page}", f"label: {reading.role.value}"]
    if reading.rows_apart:
        found.append(f"birth date {reading.rows_apart} row(s) from the name")
    if reading.found_by == "search" and not reading.ocr:
        found.append("text layer: no OCR confusion can explain a difference")
    return tuple(found)


def decide(extraction: Extraction, index: PatientIndex, settings: MatchingSettings) -> MatchDecision:
    """FILED only when probable, clearly ahead of the runner-up, on two agreeing identifiers, one patient."""
    words = (
        read_words(extraction.cells, reference_date=extraction.reference_date) if extraction.cells else None
    )
    ranked = rank(extraction, index, settings, words)
    if not ranked:
        why = (
            "no patient on the master list shares a birth date, MRN or similar name"
            if extraction.identities
            else "no patient name, birth date or MRN was read"
        )
        return MatchDecision(Status.UNMATCHED, None, None, (), (why,))
    best = ranked[0]
    rivals = [s for s in ranked[1:] if s.reading.role is not Role.OTHER]  # not someone else's field
    margin = best.candidate.match_weight - rivals[0].candidate.match_weight if rivals else math.inf
    blockers = safety.blockers(extraction, ranked, margin, settings, index.records, words=words)
    shown = tuple(s.candidate for s in ranked[: settings.max_candidates])
    reasons = (_describe(best.candidate), _margin_text(margin), *blockers)
    if not blockers:
        filed = ("filed: " + reasons[0], *reasons[1:])
        return MatchDecision(Status.FILED, best.candidate.mrn, best.candidate.score, shown, filed)
    status = (
        Status.REVIEW
        if best.candidate.score >= settings.review_min_score or extraction.possibly_multiple_patients
        else Status.UNMATCHED
    )
    return MatchDecision(status, None, best.candidate.score, shown, reasons)


def _describe(candidate: Candidate) -> str:
    fields = ", ".join(f"{f.field} {f.level}" for f in candidate.fields if f.level != "null")
    return f"best candidate p={candidate.score:.4f} ({fields or 'no comparable fields'})"


def _margin_text(margin: float) -> str:
    return "no runner-up" if math.isinf(margin) else f"runner-up weaker by 2^{margin:.1f}"
