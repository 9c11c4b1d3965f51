"""The decide stage: score candidates, rank them, and file only on strong, unambiguous evidence. (Pure.)"""

from __future__ import annotations

import math

from chartfile.matching.compare import (
    DEFAULT_WEIGHTS,
    Weights,
    compare_dob,
    compare_first,
    compare_middle,
    compare_mrn,
    compare_surname,
)
from chartfile.matching.index import PatientIndex
from chartfile.records import (
    Candidate,
    Extraction,
    FieldScore,
    IdentityCandidate,
    MatchDecision,
    PatientRecord,
    Status,
)
from chartfile.settings import MatchingSettings

_NAME_AGREES = ({"exact", "ocr-or-part", "close"}, {"exact", "nickname", "ocr", "close"})
_DOB_AGREES = {"exact", "day-month-swapped", "century"}
_MRN_AGREES = {"exact", "ocr-confusable"}
_SWAP_PENALTY = 0.5


def score(
    identity: IdentityCandidate, patient: PatientRecord, w: Weights = DEFAULT_WEIGHTS
) -> tuple[FieldScore, ...]:
    """Every field's level for this identity against this patient (names tried in both orders)."""
    straight = (
        compare_surname(identity.last_name, patient.last_name, w),
        compare_first(identity.first_name, patient.first_name, w),
    )
    crossed = (
        compare_surname(identity.first_name, patient.last_name, w),
        compare_first(identity.last_name, patient.first_name, w),
    )
    names: tuple[FieldScore, ...] = straight
    if sum(f.weight for f in crossed) - _SWAP_PENALTY > sum(f.weight for f in straight):
        names = tuple(
            FieldScore(f.field, f.level, f.weight - _SWAP_PENALTY / 2, "name order swapped") for f in crossed
        )
    return (
        *names,
        compare_middle(identity.middle_name, patient.middle_name, w),
        compare_dob(identity.dob, patient.dob, w),
        compare_mrn(identity.mrn, patient.mrn, w),
    )


def probability(match_weight: float, prior: float) -> float:
    logit = match_weight + math.log2(prior / (1 - prior))
    return 1.0 / (1.0 + 2.0**-logit) if logit > -1000 else 0.0


def rank(extraction: Extraction, index: PatientIndex, settings: MatchingSettings) -> list[Candidate]:
    """Each blocked patient's best score over the document's identities, best first."""
    best: dict[int, Candidate] = {}
    for identity in extraction.identities:
        for position in index.candidates(identity):
            patient = index.records[position]
            fields = score(identity, patient, settings.weights)
            weight = sum(f.weight for f in fields)
            if position not in best or weight > best[position].match_weight:
                p = probability(weight, settings.prior_match_probability)
                best[position] = Candidate(patient.mrn, p, weight, fields)
    return sorted(best.values(), key=lambda c: (-c.match_weight, c.mrn))


def agreeing_fields(candidate: Candidate) -> list[str]:
    """Which independent identifiers agree: the full name, the birth date, the MRN."""
    level = {f.field: f.level for f in candidate.fields}
    agreed = []
    if level.get("surname") in _NAME_AGREES[0] and level.get("first_name") in _NAME_AGREES[1]:
        agreed.append("name")
    if level.get("dob") in _DOB_AGREES:
        agreed.append("dob")
    if level.get("mrn") in _MRN_AGREES:
        agreed.append("mrn")
    return agreed


def decide(extraction: Extraction, index: PatientIndex, settings: MatchingSettings) -> MatchDecision:
    """FILED only when probable, clearly ahead of the runner-up, on two agreeing identifiers, one patient."""
    if not extraction.identities:
        return MatchDecision(
            Status.UNMATCHED, None, None, (), ("no patient name, birth date or MRN was read",)
        )
    ranked = rank(extraction, index, settings)
    if not ranked:
        return MatchDecision(
            Status.UNMATCHED,
            None,
            None,
            (),
            ("no patient on the master list shares a birth date, MRN or similar name",),
        )
    best = ranked[0]
    margin = best.match_weight - ranked[1].match_weight if len(ranked) > 1 else math.inf
    runner_up = ranked[1] if len(ranked) > 1 else None
    blockers = _blockers(extraction, best, margin, settings) + _safety_rules(best, runner_up)
    shown = tuple(ranked[: settings.max_candidates])
    reasons = (_describe(best), _margin_text(margin), *blockers)
    if not blockers:
        return MatchDecision(
            Status.FILED, best.mrn, best.score, shown, ("filed: " + reasons[0], *reasons[1:])
        )
    status = (
        Status.REVIEW
        if best.score >= settings.review_min_score or extraction.possibly_multiple_patients
        else Status.UNMATCHED
    )
    return MatchDecision(status, None, best.score, shown, reasons)


def _blockers(
    extraction: Extraction, best: Candidate, margin: float, settings: MatchingSettings
) -> list[str]:
    found = []
    if best.score < settings.auto_file_min_score:
        found.append(
            f"match probability {best.score:.4f} is below the auto-file threshold "
            f"{settings.auto_file_min_score}"
        )
    if margin < settings.min_weight_margin:
        found.append(
            f"the runner-up is within 2^{margin:.1f} of the best (needs 2^{settings.min_weight_margin:.0f})"
        )
    if len(agreeing_fields(best)) < 2:
        found.append("fewer than two identifiers (name, birth date, MRN) agree")
    if extraction.possibly_multiple_patients:
        found.append("the document names more than one patient")
    return found


def _safety_rules(best: Candidate, runner_up: Candidate | None) -> list[str]:
    """Vetoes no total score can outweigh: a flatly contradicted field; a twin only the MRN can separate."""
    found = []
    contradicted = [f.field for f in best.fields if f.level == "else"]
    if contradicted:
        found.append(f"{', '.join(contradicted)} contradicts the best candidate")
    if runner_up is not None and "mrn" not in agreeing_fields(best):
        level = {f.field: f.level for f in runner_up.fields}
        if level.get("surname") == "exact" and level.get("dob") == "exact":
            found.append("another patient has the same surname and birth date (twin?): filing needs the MRN")
    return found


def _describe(candidate: Candidate) -> str:
    fields = ", ".join(f"{f.field} {f.level}" for f in candidate.fields if f.level != "null")
    return f"best candidate p={candidate.score:.4f} ({fields or 'no comparable fields'})"


def _margin_text(margin: float) -> str:
    return "no runner-up" if math.isinf(margin) else f"runner-up weaker by 2^{margin:.1f}"
