"""Who runs a command, from the kernel, never from a variable the caller may set ($LOGNAME, $USER,
$SUDO_USER): the real user, and, under sudo, the person who ran sudo (the sudo process's real uid)."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

_MAX_ANCESTORS = 64


def user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid:{uid}"


def sudo_invoker_uid(pid: int | None = None) -> int | None:
    """The real uid of the nearest `sudo` among this process's ancestors, or None.

    sudo runs setuid root: its process keeps the invoking user as its real uid, with an effective uid
    of 0, which only the real sudo (or another setuid-root program) can have; $SUDO_UID, which anyone can
    set, is not trusted."""
    current = os.getppid() if pid is None else pid
    for _ in range(_MAX_ANCESTORS):
        if current <= 1:
            return None
        status = _status(current)
        if status is None:
            return None
        real, effective = _uids(status)
        if status.get("Name") == "sudo" and effective == 0:
            return real
        current = int(status.get("PPid", "0") or 0)
    return None


def _status(pid: int) -> dict[str, str] | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    fields = (line.split(":", 1) for line in text.splitlines() if ":" in line)
    return {key: value.strip() for key, value in fields}


def _uids(status: dict[str, str]) -> tuple[int | None, int | None]:
    parts = status.get("Uid", "").split()
    if len(parts) < 2:
        return None, None
    return int(parts[0]), int(parts[1])
