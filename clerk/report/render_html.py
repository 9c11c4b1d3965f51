"""The unmatched report as one self-contained HTML page: every value escaped, thumbnails as data: URIs."""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from chartfile.clerk.report.build import BUCKETS, FailingDelivery, ReportRow, StatusSection, UnmatchedReport

_CSS = """
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 24px; color: #1a1a1a; }
h1 { font-size: 22px; margin: 0 0 4px 0; }
h2 { font-size: 18px; margin: 28px 0 8px 0; border-bottom: 2px solid #3b5b7a; padding-bottom: 2px; }
p.meta { color: #555; margin: 0 0 16px 0; }
table { border-collapse: collapse; margin: 4px 0 8px 0; }
th, td { border: 1px solid #c8c8c8; padding: 4px 8px; text-align: left; vertical-align: top; }
th, td { font-size: 13px; }
th { background: #e8eef4; }
td.num, th.num { text-align: right; }
tr.all th, tr.all td { font-weight: bold; background: #f4f4f4; }
td.old { color: #a40000; font-weight: bold; }
img.thumb { width: 96px; border: 1px solid #999; background: #fff; display: block; }
p.empty { color: #555; font-style: italic; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
"""


def render_html(report: UnmatchedReport) -> str:
    title = f"Documents waiting for a clerk: {report.report_date.isoformat()}"
    since = f"; received since {report.since.isoformat()}" if report.since else ""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">As of {escape(report.as_of.strftime("%Y-%m-%d %H:%M %Z"))}{escape(since)}. '
        f"{report.total} document(s) waiting.</p>",
        _totals(report),
        *(_section(section) for section in report.sections),
        _deliveries(report.deliveries),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _totals(report: UnmatchedReport) -> str:
    head = "".join(f'<th class="num">{escape(name)}</th>' for name in BUCKETS)
    rows = [
        f'<tr data-status="{escape(s.status)}"><th>{escape(s.status)}</th><td class="num">{s.total}</td>'
        + "".join(f'<td class="num">{n}</td>' for n in s.buckets)
        + "</tr>"
        for s in report.sections
    ]
    rows.append(
        f'<tr class="all"><th>all</th><td class="num" id="total-documents">{report.total}</td>'
        + "".join(f'<td class="num">{n}</td>' for n in report.buckets)
        + "</tr>"
    )
    return (
        '<table id="totals"><caption>Totals and ageing</caption>'
        f'<thead><tr><th>status</th><th class="num">total</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _section(section: StatusSection) -> str:
    status = escape(section.status)
    heading = f'<section id="status-{status}"><h2>{status.capitalize()} ({section.total})</h2>'
    head = (
        '<thead><tr><th>first page</th><th>id</th><th class="num">age (hours)</th><th>source</th>'
        '<th class="num">pages</th><th>best candidates (MRN, score)</th></tr></thead>'
    )
    body = "".join(_row(row) for row in section.rows)
    if not section.rows:
        body = '<tr class="none"><td colspan="6">none</td></tr>'
    table = f'<table class="documents" data-status="{status}">{head}<tbody>{body}</tbody></table>'
    return f"{heading}{table}</section>"


def _row(row: ReportRow) -> str:
    candidates = "<br>".join(f"{escape(mrn)} ({score:.3f})" for mrn, score in row.candidates) or "none"
    age_class = "num old" if row.bucket == BUCKETS[-1] else "num"
    return (
        f'<tr data-id="{row.document_id}"><td>{_thumbnail(row)}</td><td>{row.document_id}</td>'
        f'<td class="{age_class}">{row.age_hours:.1f}</td><td>{escape(row.source_name)}</td>'
        f'<td class="num">{row.page_count}</td><td>{candidates}</td></tr>'
    )


def _thumbnail(row: ReportRow) -> str:
    png = _read(row.thumbnail)
    if png is None:
        return "no preview"
    data = base64.b64encode(png).decode("ascii")
    alt = f"first page of document {row.document_id}"
    return f'<img class="thumb" alt="{alt}" src="data:image/png;base64,{data}">'


def _read(path: Path | None) -> bytes | None:
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def _deliveries(failing: tuple[FailingDelivery, ...]) -> str:
    """Messages to the EHR failing for more than a day (see `chartfile documents show ID`)."""
    heading = (
        f'<section id="deliveries-failing"><h2>Deliveries to the EHR failing for more than a day '
        f"({len(failing)})</h2>"
    )
    head = (
        "<thead><tr><th>id</th><th>target</th><th>message</th><th>state</th>"
        '<th class="num">attempts</th><th class="num">failing (hours)</th><th>last error</th></tr></thead>'
    )
    rows = "".join(
        f'<tr data-id="{d.document_id}"><td>{d.document_id}</td><td>{escape(d.target)}</td>'
        f"<td>{escape(d.event)} v{d.version}</td><td>{escape(d.state)}</td>"
        f'<td class="num">{d.attempts}</td><td class="num old">{d.failing_hours:.1f}</td>'
        f"<td>{escape(d.last_error)}</td></tr>"
        for d in failing
    )
    body = rows or '<tr class="none"><td colspan="7">none</td></tr>'
    return f'{heading}<table class="deliveries">{head}<tbody>{body}</tbody></table></section>'
