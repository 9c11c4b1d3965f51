"""The unmatched report as CSV: one row per waiting document (cells that a spreadsheet would run as a
formula, even after leading spaces, are prefixed with an apostrophe)."""

from __future__ import annotations

import csv
import io

from chartfile.clerk.report.build import UnmatchedReport

HEADER = ("status", "id", "age_hours", "age_bucket", "source_name", "pages", "candidates")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render_csv(report: UnmatchedReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for section in report.sections:
        for row in section.rows:
            candidates = "; ".join(f"{mrn} {score:.3f}" for mrn, score in row.candidates)
            writer.writerow(
                (
                    section.status,
                    row.document_id,
                    f"{row.age_hours:.1f}",
                    row.bucket,
                    _cell(row.source_name),
                    row.page_count,
                    _cell(candidates),
                )
            )
    return out.getvalue()


def _cell(value: str) -> str:
    """Defused: a spreadsheet skips leading blanks before it reads a formula, so they are looked past."""
    formula = value.startswith(_FORMULA_START) or value.lstrip(" \t\r\n\u00a0").startswith(_FORMULA_START)
    return "'" + value if formula else value
