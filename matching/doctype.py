"""Document type from title and layout keywords: the type whose phrases score highest. (Pure.)"""

from __future__ import annotations

import re
from collections.abc import Sequence

from chartfile.records import OcrPage

DOC_TYPES = (
    "lab_result",
    "radiology_report",
    "referral",
    "discharge_summary",
    "consult_note",
    "refill_request",
    "prior_authorization",
    "records_request",
    "insurance_correspondence",
    "other",
)

# (pattern, weight): titles weigh most; body vocabulary adds evidence.
_KEYWORDS: dict[str, tuple[tuple[str, float], ...]] = {
    "lab_result": (
        (r"laborator(?:y|ies)", 3),
        (r"lab\s+(?:results?|report)", 3),
        (r"reference\s+(?:range|interval)", 2),
        (r"specimen", 1),
        (r"cumulative\s+results", 3),
        (r"final\s+report", 1),
        (r"\bresult\b", 1),
    ),
    "radiology_report": (
        (r"radiology", 4),
        (r"imaging\s+report", 4),
        (r"diagnostic\s+imaging", 4),
        (r"impression", 1.5),
        (r"findings", 1),
        (r"technique", 1.5),
        (r"\bexam\b", 1),
    ),
    "referral": (
        (r"referral", 4),
        (r"request\s+for\s+consultation", 4),
        (r"reason\s+for\s+referral", 2),
        (r"referred", 1),
    ),
    "discharge_summary": (
        (r"discharge\s+summary", 6),
        (r"hospital\s+course", 2),
        (r"admission\s+date", 1.5),
        (r"discharge\s+diagnos", 2),
    ),
    "consult_note": (
        (r"consult(?:ation)?\s+(?:note|report)", 4),
        (r"consultation", 2.5),
        (r"office\s+visit", 3),
        (r"history\s+of\s+present\s+illness", 2),
        (r"assessment\s+and\s+plan", 1.5),
        (r"(?:visit|encounter)\s+summary", 4),
        (r"progress\s+note|clinic\s+note|(?:intake|initial)\s+(?:assessment|evaluation)", 4),
        (r"chief\s+complaint|reason\s+for\s+visit", 2),
        (r"\bassessment\b", 1),
    ),
    "refill_request": ((r"refill", 4), (r"prescription\s+renewal", 5), (r"pharmacy", 1.5), (r"\bsig\b", 1)),
    "prior_authorization": (
        (r"prior\s+authori[sz]ation", 6),
        (r"determination", 1.5),
        (r"medical\s+necessity", 1.5),
    ),
    "records_request": (
        (r"release\s+of\s+(?:health\s+)?information", 5),
        (r"medical\s+records", 3),
        (r"request\s+for\s+(?:medical\s+)?records", 5),
        (r"authori[sz]ation\s+for\s+release", 5),
    ),
    "insurance_correspondence": (
        (r"explanation\s+of\s+benefits", 6),
        (r"claim\s+status", 5),
        (r"(?:insurance\s+)?claim\s+form|remittance", 6),
        (r"patient\s+responsibility|allowed\s+amount|amount\s+paid", 2),
        (r"\bclaim\b", 1),
        (r"amount\s+billed", 2),
        (r"member\s+id", 1),
    ),
    "other": ((r"plan\s+of\s+care", 4), (r"home\s+health", 3), (r"durable\s+medical\s+equipment", 5)),
}
_COMPILED = {
    kind: tuple((re.compile(p, re.IGNORECASE), w) for p, w in pairs) for kind, pairs in _KEYWORDS.items()
}
_TITLE_CHARS = 700  # keywords in the page head (letterhead + title) count double


def document_type(pages: Sequence[OcrPage]) -> str:
    """The best-scoring type over the first content pages; `other` when nothing scores."""
    text = "\n".join(page.text for page in pages[:2])
    scores = {kind: _score(text, patterns) for kind, patterns in _COMPILED.items()}
    best = max(scores, key=lambda kind: scores[kind])
    return best if scores[best] >= 2 else "other"


def _score(text: str, patterns: tuple[tuple[re.Pattern[str], float], ...]) -> float:
    """Each phrase counts once, double in the page head: prose repeating a word ("laboratory studies
    were reviewed" in every note) says little about what the document is."""
    total = 0.0
    for pattern, weight in patterns:
        match = pattern.search(text)
        if match is not None:
            total += weight * (2 if match.start() < _TITLE_CHARS else 1)
    return total
