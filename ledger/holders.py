"""Who holds a claim: this process, named for people, and told apart from every other process (on this
machine by its pid and start time; on another machine only its lease can say it is gone)."""

from __future__ import annotations

import functools
import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Holder:
    """A running chartfile process, as a claim records it."""

    token: str  # unique to this process
    name: str  # for people: "chartfile watch (pid 12 on scan1, user alice)"
    host: str  # this machine, boot and process namespace
    pid: int
    started: int  # the process's start time (clock ticks after boot): a reused pid has another

    @classmethod
    def this_process(cls, program: str, actor: str) -> Holder:
        pid = os.getpid()
        name = f"{program} (pid {pid} on {socket.gethostname()}, user {actor})"
        return cls(uuid.uuid4().hex, name[:400], machine_id(), pid, process_start(pid) or 0)


@functools.cache
def machine_id() -> str:
    """This machine, this boot, this process namespace: a pid means the same process only within it."""
    boot = _read(Path("/proc/sys/kernel/random/boot_id")) or "?"
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = "?"
    return f"{socket.gethostname()}/{boot}/{namespace}"[:200]


def process_start(pid: int) -> int | None:
    """When process `pid` started (clock ticks after boot), or None when there is no such process."""
    stat = _read(Path(f"/proc/{pid}/stat"))
    if stat is None:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    return int(fields[19]) if len(fields) > 19 else None


def gone(host: str, pid: int, started: int) -> bool:
    """True only when the process is known to be gone: on this machine, no process with that pid and
    start time runs. A process on another machine is never known gone here (its lease says so)."""
    return host == machine_id() and process_start(pid) != started


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
