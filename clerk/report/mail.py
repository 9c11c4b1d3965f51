"""Emailing the nightly report over SMTP: totals in the body (no patient data), files attached if allowed."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from chartfile.clerk.report import WrittenReport
from chartfile.clerk.report.build import BUCKETS
from chartfile.settings import ReportSettings


def compose(settings: ReportSettings, result: WrittenReport) -> EmailMessage:
    """The message: counts per status and age, where the report is, and (if enabled) the report itself."""
    report = result.report
    message = EmailMessage()
    message["Subject"] = f"chartfile: {report.total} document(s) waiting ({report.report_date.isoformat()})"
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(settings.smtp_to)
    lines = [
        f"Documents waiting for a clerk as of {report.as_of:%Y-%m-%d %H:%M %Z}: {report.total}",
        "",
        f"{'status':<12}{'total':>7}" + "".join(f"{name:>9}" for name in BUCKETS),
    ]
    for section in report.sections:
        counts = "".join(f"{n:>9}" for n in section.buckets)
        lines.append(f"{section.status:<12}{section.total:>7}{counts}")
    lines += ["", f"The report: {result.html}", f"As CSV: {result.csv}"]
    message.set_content("\n".join(lines) + "\n")
    if settings.smtp_attach_report:
        message.add_attachment(
            result.html.read_bytes(), maintype="text", subtype="html", filename=result.html.name
        )
        message.add_attachment(
            result.csv.read_bytes(), maintype="text", subtype="csv", filename=result.csv.name
        )
    return message


def send_report(settings: ReportSettings, result: WrittenReport) -> None:
    """Send the report's message through `smtp_host`; smtplib errors are the caller's to log."""
    message = compose(settings, result)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        smtp.send_message(message)
