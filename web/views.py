"""The desk's pages (GET): the queue, a document at the desk, page images, a patient's chart, finding a
patient, full-text search, the live unmatched dashboard and the status page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.responses import FileResponse, RedirectResponse, Response

from chartfile.clerk import chart, pages
from chartfile.clerk.desk import open_desk
from chartfile.clerk.queue import QUEUE_STATUSES, QueueFilters, next_waiting, queue_page
from chartfile.clerk.report import live_unmatched
from chartfile.clerk.report.build import BUCKETS
from chartfile.clerk.search import SearchFilters, search_audited
from chartfile.commands.status import status_report
from chartfile.errors import UsageError
from chartfile.records import Status
from chartfile.web.guard import Visit

DESK = "web desk"


def home(visit: Visit) -> Response:
    return RedirectResponse("/queue", status_code=303)


def _number(text: str | None, *, default: int = 0, low: int = 0) -> int:
    try:
        return max(int(text or default), low)
    except ValueError:
        return default


def _hours(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def queue(visit: Visit) -> Response:
    q = visit.query
    status = Status(q["status"]) if q.get("status") in {s.value for s in QUEUE_STATUSES} else Status.REVIEW
    filters = QueueFilters(status, q.get("type") or None, q.get("source") or None, _hours(q.get("min_age")))
    size = visit.settings.web.queue_page_size
    offset = _number(q.get("offset"))
    found = queue_page(visit.ledger, filters, now=visit.ledger.clock(), offset=offset, limit=size)
    with visit.ledger.unit() as unit:
        unit.audit("viewed-queue", None, command=DESK, documents=[row["id"] for row in found.rows])
    return visit.render("queue.html", found=found, filters=filters, statuses=QUEUE_STATUSES, size=size)


def desk(visit: Visit) -> Response:
    document_id = int(visit.request.path_params["document_id"])
    detail = open_desk(visit.ledger, document_id, via=DESK)
    reading = detail["reading"]
    first = _number(str(reading.get("page") or 1), default=1, low=1)
    number = min(_number(visit.query.get("page"), default=first, low=1), max(detail["page_count"], 1))
    image, marks = None, []
    if detail["stored_path"]:
        image = pages.page_image(visit.ledger, document_id, number, dpi=visit.settings.web.page_dpi)
        marks = _marks(visit, document_id, number, [reading] + [c["reading"] for c in detail["candidates"]])
    status = Status(detail["status"]) if detail["status"] in {s.value for s in QUEUE_STATUSES} else None
    following = next_waiting(visit.ledger, document_id, status=status or Status.REVIEW)
    return visit.render(
        "desk.html",
        doc=detail,
        number=number,
        image=image,
        marks=marks,
        next_id=following,
        waiting=status is not None,
    )


def _marks(visit: Visit, document_id: int, number: int, readings: list[dict[str, Any]]) -> list[Any]:
    """Where each reading printed on this page (the best candidate's first) has its name, DOB and MRN."""
    here = [r for r in readings if r and _number(str(r.get("page") or 1), default=1) == number]
    if not here:
        return []
    words = pages.page_words(visit.ledger, document_id, number)
    found = {m for reading in here for m in pages.highlights(words, reading)}
    return sorted(found, key=lambda m: (m.top, m.left))


def page_png(visit: Visit) -> Response:
    return _image(visit, thumbnail=False)


def thumbnail_png(visit: Visit) -> Response:
    return _image(visit, thumbnail=True)


def _image(visit: Visit, *, thumbnail: bool) -> Response:
    document_id = int(visit.request.path_params["document_id"])
    number = int(visit.request.path_params["number"])
    if thumbnail:
        image = pages.thumbnail(visit.ledger, document_id, number)
    else:
        image = pages.page_image(visit.ledger, document_id, number, dpi=visit.settings.web.page_dpi)
    with visit.ledger.unit() as unit:
        kind = "thumbnail" if thumbnail else "page image"
        unit.audit("viewed", document_id, command=DESK, page=number, shown=kind)
    return FileResponse(image.path, media_type="image/png")


def patient(visit: Visit) -> Response:
    found = chart.patient_chart(visit.ledger, visit.request.path_params["mrn"], via=DESK)
    wanted = visit.query.get("type") or ""
    documents = [d for d in found["documents"] if not wanted or d["doc_type"] == wanted]
    return visit.render("chart.html", chart=found, documents=documents, wanted=wanted)


def find_patients(visit: Visit) -> Response:
    q = visit.query
    dob = _date(q.get("dob"))
    found = chart.find_patients(visit.ledger, name=q.get("name", ""), dob=dob, mrn=q.get("mrn", ""), via=DESK)
    document_id = _number(q.get("doc")) or None
    template = "_patients.html" if visit.request.headers.get("hx-request") else "find.html"
    return visit.render(template, found=found, document_id=document_id, asked=any(q.get(k) for k in q))


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as e:
        raise UsageError("write the birth date as YYYY-MM-DD", hint="e.g. 1957-03-04") from e


def search(visit: Visit) -> Response:
    q = visit.query
    words = q.get("q", "").strip()
    hits: list[Any] = []
    if words:
        filters = SearchFilters(
            patient_mrn=q.get("mrn") or None,
            doc_type=q.get("type") or None,
            date_from=_date(q.get("from")),
            date_to=_date(q.get("to")),
        )
        hits = search_audited(visit.ledger, words, filters, limit=25, via=DESK)
    return visit.render("search.html", words=words, hits=hits)


def dashboard(visit: Visit) -> Response:
    report = live_unmatched(visit.ledger, now=visit.ledger.clock(), via=DESK)
    template = "_dashboard.html" if visit.request.headers.get("hx-request") else "dashboard.html"
    return visit.render(template, report=report, buckets=BUCKETS)


def status(visit: Visit) -> Response:
    report = status_report(visit.settings, visit.ledger)
    return visit.render("status.html", report=report)
