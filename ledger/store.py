"""The document store: a folder tree a person can browse, written durably and verified."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from chartfile.errors import StoreError
from chartfile.ledger import files
from chartfile.records import Status

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True, slots=True)
class StoreLayout:
    """Where things go: patients/<MRN>/<date>/<id>-<type>.pdf, review/ and unmatched/ by day, originals/."""

    root: Path

    def document_path(
        self,
        document_id: int,
        *,
        status: Status,
        mrn: str | None,
        doc_date: dt.date | None,
        doc_type: str,
        received: dt.date,
    ) -> Path:
        name = f"{document_id:06d}-{_safe(doc_type)}.pdf"
        if status is Status.FILED and mrn:
            day = doc_date.isoformat() if doc_date else "undated"
            return self.root / "patients" / _safe(mrn) / day / name
        return self.root / status.value / received.isoformat() / name

    def original_path(self, document_id: int, *, received: dt.date, suffix: str) -> Path:
        return self.root / "originals" / f"{received:%Y}" / f"{received:%m}" / f"{document_id:06d}{suffix}"


class FileStore:
    """Writes files into the store: temporary name, fsync, rename, then re-read and verify the hash."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, src: Path, dst: Path) -> str:
        try:
            written = files.durable_copy(src, dst)
            if files.sha256_of(dst) != written:
                raise OSError("the stored copy does not match what was written")
        except OSError as e:
            # The path below the root holds an MRN: name only the store root in the message.
            raise StoreError(
                f"cannot write into the store {self.root} ({e.strerror or e})",
                hint="check free disk space and that the store folder is writable; the input is kept",
            ) from e
        return written

    def remove(self, path: Path) -> None:
        path.unlink(missing_ok=True)


def _safe(value: str) -> str:
    return _UNSAFE.sub("_", value).strip("_") or "x"
