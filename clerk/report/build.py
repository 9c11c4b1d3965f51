"""The unmatched report as data: one section per waiting status, ages, ageing buckets, totals (pure).

Built in this one place from plain facts with the reference time passed in; rendered by the caller
(HTML, CSV, the CLI's JSON, the email's summary).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chartfile.records import Status

REPORTED = (Status.REVIEW, Status.UNMATCHED, Status.QUARANTINED)
BUCKETS = ("<24h", "24-72h", ">72h")
MAX_CANDIDATES = 3


@dataclass(frozen=True, slots=True)
class WaitingDocument:
    """The facts about one waiting document, as read from the index (the caller's query)."""

    document_id: int
    status: str
    source_name: str
    page_count: int
    received_at: dt.datetime
    candidates: tuple[tuple[str, float], ...] = ()
    thumbnail: Path | None = None


@dataclass(frozen=True, slots=True)
class ReportRow:
    document_id: int
    age_hours: float
    bucket: str
    source_name: str
    page_count: int
    candidates: tuple[tuple[str, float], ...]
    thumbnail: Path | None


@dataclass(frozen=True, slots=True)
class StatusSection:
    """The documents waiting in one status, oldest first, and how many fall in each ageing bucket."""

    status: str
    rows: tuple[ReportRow, ...]
    buckets: tuple[int, ...]

    @property
    def total(self) -> int:
        return len(self.rows)


@dataclass(frozen=True, slots=True)
class FailingDelivery:
    """A message to the EHR about a document that had been failing for more than a day."""

    document_id: int
    target: str
    event: str
    version: int
    state: str
    attempts: int
    failing_hours: float
    last_error: str


@dataclass(frozen=True, slots=True)
class UnmatchedReport:
    report_date: dt.date
    as_of: dt.datetime
    since: dt.date | None
    sections: tuple[StatusSection, ...]
    deliveries: tuple[FailingDelivery, ...] = ()

    @property
    def total(self) -> int:
        return sum(section.total for section in self.sections)

    @property
    def buckets(self) -> tuple[int, ...]:
        return tuple(sum(s.buckets[i] for s in self.sections) for i in range(len(BUCKETS)))

    @property
    def document_ids(self) -> list[int]:
        return [row.document_id for section in self.sections for row in section.rows]

    def totals(self) -> dict[str, Any]:
        """Counts only (no names, no MRNs): what the email body and the CLI summary say."""
        per_status = {
            s.status: {"total": s.total, "ageing": dict(zip(BUCKETS, s.buckets, strict=True))}
            for s in self.sections
        }
        return {
            "report_date": self.report_date.isoformat(),
            "as_of": self.as_of.isoformat(),
            "total": self.total,
            "ageing": dict(zip(BUCKETS, self.buckets, strict=True)),
            "statuses": per_status,
            "deliveries_failing": len(self.deliveries),
        }

    def as_json(self) -> dict[str, Any]:
        return self.totals() | {
            "since": self.since.isoformat() if self.since else None,
            "sections": [
                {
                    "status": section.status,
                    "documents": [
                        {
                            "id": row.document_id,
                            "age_hours": row.age_hours,
                            "bucket": row.bucket,
                            "source_name": row.source_name,
                            "pages": row.page_count,
                            "candidates": [{"mrn": m, "score": s} for m, s in row.candidates],
                            "thumbnail": str(row.thumbnail) if row.thumbnail else None,
                        }
                        for row in section.rows
                    ],
                }
                for section in self.sections
            ],
            "failing_deliveries": [
                {
                    "id": d.document_id,
                    "target": d.target,
                    "event": d.event,
                    "version": d.version,
                    "state": d.state,
                    "attempts": d.attempts,
                    "failing_hours": d.failing_hours,
                    "last_error": d.last_error,
                }
                for d in self.deliveries
            ],
        }


def bucket(age_hours: float) -> str:
    """The ageing bucket of a document waiting `age_hours`."""
    if age_hours < 24:
        return BUCKETS[0]
    return BUCKETS[1] if age_hours <= 72 else BUCKETS[2]


def build_unmatched(
    documents: Iterable[WaitingDocument],
    *,
    as_of: dt.datetime,
    report_date: dt.date,
    since: dt.date | None = None,
    deliveries: Iterable[FailingDelivery] = (),
) -> UnmatchedReport:
    """Sections for review, unmatched and quarantined (always all three, maybe empty), oldest first; and
    the deliveries to the EHR failing for more than a day, longest failing first."""
    rows: dict[str, list[ReportRow]] = {status.value: [] for status in REPORTED}
    for doc in documents:
        if doc.status not in rows:
            continue
        age = max((as_of - doc.received_at).total_seconds() / 3600, 0.0)
        top = tuple(sorted(doc.candidates, key=lambda c: -c[1])[:MAX_CANDIDATES])
        rows[doc.status].append(
            ReportRow(
                doc.document_id,
                round(age, 1),
                bucket(age),
                doc.source_name,
                doc.page_count,
                top,
                doc.thumbnail,
            )
        )
    sections = []
    for status, found in rows.items():
        found.sort(key=lambda r: (-r.age_hours, r.document_id))
        counts = tuple(sum(1 for r in found if r.bucket == name) for name in BUCKETS)
        sections.append(StatusSection(status, tuple(found), counts))
    failing = tuple(sorted(deliveries, key=lambda d: (-d.failing_hours, d.document_id)))
    return UnmatchedReport(report_date, as_of, since, tuple(sections), failing)
