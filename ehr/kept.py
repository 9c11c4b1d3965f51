"""Messages the listener did not take, kept for a person to look at: the bytes as received beside a JSON
note saying why (private files; the note names the problem, never patient data)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any


def keep(folder: Path, raw: bytes, *, now: dt.datetime, **note: Any) -> Path:
    """Write `raw` as `<time>-<n>.hl7` and its note as `.json` into `folder` (made private); the .hl7 path."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stem = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    for n in range(1000):
        target = folder / f"{stem}-{n}.hl7"
        try:
            _write_new(target, raw)
        except FileExistsError:
            continue
        text = json.dumps({"received_at": now.isoformat(), **note}, indent=2) + "\n"
        _write_new(target.with_suffix(".json"), text.encode("utf-8"))
        return target
    raise FileExistsError(f"no free name for a kept message in {folder}")


def _write_new(path: Path, data: bytes) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def kept_notes(folder: Path) -> list[dict[str, Any]]:
    """The notes of every kept message, oldest first, each with the path of its message."""
    if not folder.is_dir():
        return []
    notes = []
    for path in sorted(folder.glob("*.json")):
        try:
            note = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        notes.append(note | {"message_path": str(path.with_suffix(".hl7"))})
    return notes
