"""The unmatched report: gather what waits for a clerk as of a time, build it, write HTML and CSV, audit it.

A document's status "as of" the report's time is replayed from the audit trail, so a night written late
(after downtime) still shows what was waiting that night.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from chartfile.clerk.previews import first_page_png
from chartfile.clerk.report.build import (
    REPORTED,
    FailingDelivery,
    UnmatchedReport,
    WaitingDocument,
    build_unmatched,
)
from chartfile.clerk.report.render_csv import render_csv
from chartfile.clerk.report.render_html import render_html
from chartfile.errors import StoreError
from chartfile.ledger import Ledger, audit_queries, deliveries
from chartfile.ledger.documents import as_utc
from chartfile.ledger.models import Document
from chartfile.settings import PathSettings, Settings


@dataclass(frozen=True, slots=True)
class WrittenReport:
    report: UnmatchedReport
    html: Path
    csv: Path


def write_unmatched(
    settings: Settings,
    ledger: Ledger,
    *,
    report_date: dt.date,
    as_of: dt.datetime,
    since: dt.date | None,
    out_dir: Path,
) -> WrittenReport:
    """Write unmatched-DATE.html and .csv into `out_dir`; each listed document gets an `exported` row."""
    since_at = dt.datetime.combine(since, dt.time(), tzinfo=settings.report.zone()) if since else None
    with ledger.reading() as session:
        found = waiting_documents(session, as_of=as_of, since=since_at)
        failing = failing_deliveries(session, as_of=as_of)
    waiting = [_waiting(doc, status, settings.paths) for doc, status in found]
    report = build_unmatched(waiting, as_of=as_of, report_date=report_date, since=since, deliveries=failing)
    html = out_dir / f"unmatched-{report_date.isoformat()}.html"
    csv = html.with_suffix(".csv")
    try:
        _write(html, render_html(report))
        _write(csv, render_csv(report))
    except OSError as e:
        raise StoreError(
            f"cannot write the report into {out_dir} ({e.strerror or type(e).__name__})",
            hint="check that the folder exists and is writable by the service user",
        ) from e
    with ledger.unit() as unit:
        for document_id in report.document_ids:
            unit.audit("exported", document_id, report=str(html), report_date=report_date.isoformat())
    return WrittenReport(report, html, csv)


def live_unmatched(ledger: Ledger, *, now: dt.datetime, via: str) -> UnmatchedReport:
    """The unmatched report as it stands now (the desk's live dashboard; no files written, no
    thumbnails rendered here). The view is audited, with the documents it listed."""
    with ledger.unit() as unit:
        query = select(Document).where(Document.status.in_([s.value for s in REPORTED]))
        docs = list(unit.session.scalars(query.order_by(Document.id)))
        waiting = [
            WaitingDocument(
                document_id=doc.id,
                status=doc.status,
                source_name=doc.source_name,
                page_count=doc.page_count,
                received_at=as_utc(doc.received_at),
                candidates=tuple((c["mrn"], float(c["score"])) for c in doc.candidates),
            )
            for doc in docs
        ]
        report = build_unmatched(waiting, as_of=now, report_date=now.date())
        unit.audit("viewed-report", None, command=via, documents=len(report.document_ids))
    return report


def waiting_documents(
    session: Session, *, as_of: dt.datetime, since: dt.datetime | None = None
) -> list[tuple[Document, str]]:
    """(document, its status then) for documents received by `as_of` (and since `since`) that were waiting."""
    reported = [s.value for s in REPORTED]
    waiting_now = Document.status.in_(reported)
    changed = audit_queries.changed_since(session, as_of)
    query = select(Document).where(
        Document.received_at <= as_of.astimezone(dt.UTC),
        or_(waiting_now, Document.id.in_(changed)) if changed else waiting_now,
    )
    if since is not None:
        query = query.where(Document.received_at >= since.astimezone(dt.UTC))
    docs = list(session.scalars(query.order_by(Document.id)))
    statuses = audit_queries.statuses_at(session, [d.id for d in docs], as_of)
    return [(doc, statuses[doc.id]) for doc in docs if statuses.get(doc.id) in reported]


FAILING_FOR = dt.timedelta(days=1)


def failing_deliveries(session: Session, *, as_of: dt.datetime) -> list[FailingDelivery]:
    """Messages to the EHR that had been failing for more than a day at `as_of` (and were not delivered)."""
    found = deliveries.failing_since(session, before=as_of - FAILING_FOR, as_of=as_of)
    return [
        FailingDelivery(
            document_id=row["document_id"],
            target=row["target"],
            event=row["event"],
            version=row["version"],
            state=row["state"] if row["state"] != "delivered" else "retrying",
            attempts=row["attempts"],
            failing_hours=round(
                (as_of - dt.datetime.fromisoformat(row["first_failed_at"])).total_seconds() / 3600, 1
            ),
            last_error=row["last_error"],
        )
        for row in found
    ]


def _waiting(doc: Document, status: str, paths: PathSettings) -> WaitingDocument:
    thumbnail = None
    if doc.stored_path and doc.stored_sha256:
        thumbnail = first_page_png(
            Path(doc.stored_path),
            document_id=doc.id,
            stored_sha256=doc.stored_sha256,
            store_root=paths.store,
            scratch=paths.work,
        )
    return WaitingDocument(
        document_id=doc.id,
        status=status,
        source_name=doc.source_name,
        page_count=doc.page_count,
        received_at=as_utc(doc.received_at),
        candidates=tuple((c["mrn"], float(c["score"])) for c in doc.candidates),
        thumbnail=thumbnail,
    )


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.partial")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)
