"""Logging set-up: document ids only, never patient data; text or JSON lines."""

from __future__ import annotations

import json
import logging
import sys

from chartfile.settings import LogSettings


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["error_type"] = record.exc_info[0].__name__
        return json.dumps(entry)


def setup_logging(settings: LogSettings) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if settings.format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.level)
    # Third-party loggers may print inbox file names (which can carry patient names) at debug level.
    for noisy in ("watchdog", "pytesseract", "PIL", "alembic", "sqlalchemy", "pdf2image", "pikepdf"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
