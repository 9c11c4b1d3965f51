"""The report as data (pure, `as_of` injected) and its renderers: ages, buckets, order, escaping."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from chartfile.clerk.report.build import BUCKETS, WaitingDocument, bucket, build_unmatched
from chartfile.clerk.report.render_csv import render_csv
from chartfile.clerk.report.render_html import render_html

AS_OF = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)


def waiting(document_id: int, status: str, hours_ago: float, name: str = "fax.pdf") -> WaitingDocument:
    received = AS_OF - dt.timedelta(hours=hours_ago)
    return WaitingDocument(
        document_id, status, name, 2, received, (("111", 0.2), ("222", 0.9), ("333", 0.5), ("4", 0.1))
    )


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        pytest.param(0.0, "<24h", id="just-received"),
        pytest.param(23.99, "<24h", id="just-under-a-day"),
        pytest.param(24.0, "24-72h", id="one-day"),
        pytest.param(72.0, "24-72h", id="three-days"),
        pytest.param(72.01, ">72h", id="over-three-days"),
    ],
)
def test_ageing_buckets(hours: float, expected: str) -> None:
    assert bucket(hours) == expected


def test_sections_per_status_oldest_first_with_totals() -> None:
    report = build_unmatched(
        [
            waiting(1, "review", 2),
            waiting(2, "review", 100),
            waiting(3, "quarantined", 30),
            waiting(4, "filed", 500),  # not a waiting status: left out
            waiting(5, "review", 30),
        ],
        as_of=AS_OF,
        report_date=AS_OF.date(),
    )
    assert [s.status for s in report.sections] == ["review", "unmatched", "quarantined"]
    review, unmatched, quarantined = report.sections
    assert [row.document_id for row in review.rows] == [2, 5, 1]
    assert review.buckets == (1, 1, 1) and unmatched.total == 0 and quarantined.buckets == (0, 1, 0)
    assert report.total == 4 and report.buckets == (1, 2, 1)
    assert review.rows[0].age_hours == 100.0
    assert review.rows[0].candidates == (("222", 0.9), ("333", 0.5), ("111", 0.2))  # best three
    totals = report.totals()
    assert totals["statuses"]["review"] == {"total": 3, "ageing": dict(zip(BUCKETS, (1, 1, 1), strict=True))}


def test_a_document_received_after_the_report_time_is_not_negative() -> None:
    report = build_unmatched([waiting(1, "review", -3)], as_of=AS_OF, report_date=AS_OF.date())
    assert report.sections[0].rows[0].age_hours == 0.0


def test_html_escapes_every_value_and_csv_defuses_formulas() -> None:
    hostile = '<script>alert("x")</script>&=cmd|calc'
    report = build_unmatched(
        [waiting(1, "review", 5, hostile), waiting(2, "unmatched", 5, "=HYPERLINK(1)")],
        as_of=AS_OF,
        report_date=AS_OF.date(),
    )
    page = render_html(report)
    assert "<script>" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in page
    assert page.count('class="documents"') == 3 and 'id="totals"' in page
    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert rows[0]["source_name"] == hostile and rows[1]["source_name"] == "'=HYPERLINK(1)"
    assert rows[0]["candidates"] == "222 0.900; 333 0.500; 111 0.200"


@pytest.mark.parametrize(
    "cell",
    [
        pytest.param("=1+1", id="equals"),
        pytest.param(" =HYPERLINK(1)", id="space-equals"),
        pytest.param("\t+cmd", id="tab-plus"),
        pytest.param("  @SUM(A1)", id="spaces-at"),
        pytest.param("\u00a0-2", id="nbsp-minus"),
    ],
)
def test_a_formula_behind_leading_blanks_is_defused_too(cell: str) -> None:
    report = build_unmatched([waiting(1, "review", 5, cell)], as_of=AS_OF, report_date=AS_OF.date())
    (row,) = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert row["source_name"] == "'" + cell


def test_a_plain_name_is_left_alone() -> None:
    report = build_unmatched([waiting(1, "review", 5, " fax 12.pdf")], as_of=AS_OF, report_date=AS_OF.date())
    (row,) = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert row["source_name"] == " fax 12.pdf"
