"""What `chartfile status` and the desk's status page report: each station of the chain and the inbox."""

from __future__ import annotations

import shutil
from typing import Any

from chartfile import __version__
from chartfile.daemon import free_mb, is_running
from chartfile.ingest.watch import InboxFilter, scan
from chartfile.ledger import Ledger
from chartfile.ledger.deliveries import failing_count, state_counts
from chartfile.ledger.queries import intake_counts, last_processed, status_counts
from chartfile.ledger.stations import stations
from chartfile.settings import Settings


def status_report(settings: Settings, ledger: Ledger) -> dict[str, Any]:
    """Queue depth, outcomes so far, failed intake, last processed, disk space and pause, version."""
    with ledger.reading() as session:
        intake = intake_counts(session)
        report: dict[str, Any] = {
            "version": __version__,
            "inbox_files": sum(
                1 for _ in scan(settings.paths.inbox, InboxFilter(settings.ingest.ignore_patterns))
            ),
            "documents": status_counts(session),
            "intake": intake,
            "failed_intake": intake.get("failed", 0),
            "last_processed_at": last_processed(session),
            "store_free_bytes": shutil.disk_usage(settings.paths.store).free,
            "paused": free_mb(settings.paths) < settings.ingest.min_free_mb,
            "daemon_running": is_running(settings.paths.work),
            "deliveries": state_counts(session),
            "deliveries_failing": failing_count(session),
            "station": settings.station.resolved_name(),
            "stations": [station.as_json() for station in stations(session, ledger.clock())],
        }
    if settings.queue.url:
        from chartfile.jobs.queue import status_of  # noqa: PLC0415 - Procrastinate only with a queue

        report["jobs"] = status_of(settings.queue)
    return report
