"""Runs the real `chartfile` CLI with one fault armed at one pipeline stage, as an OS-level event: the
process is killed (SIGKILL) or the system call fails (a full disk, no memory), the first time the stage
does a given file or process operation. Python's audit hooks see those operations; nothing of chartfile's
is replaced. Usage: python fault_driver.py STAGE kill|fail|fail-always -- CHARTFILE-ARGS..."""

from __future__ import annotations

import errno
import os
import signal
import sys
from pathlib import Path
from typing import Any

STAGES = ("claim", "ocr", "assemble", "store", "commit", "release")


def _writing(args: tuple[Any, ...]) -> bool:
    mode = args[1] if len(args) > 1 else None
    return isinstance(mode, str) and any(flag in mode for flag in "wxa")


def hit(stage: str, event: str, args: tuple[Any, ...]) -> bool:
    """Whether this operation is the stage's: the staging copy, a tesseract run, the searchable PDF,
    a store file's temporary copy, the stored PDF re-read just before the commit, the inbox file removed."""
    if event == "subprocess.Popen":  # a run reading pages (not `tesseract --version` at start-up)
        command = " ".join(str(a) for a in (args[1] or []))
        return stage == "ocr" and "tesseract" in command and "--psm" in command
    if event not in ("open", "os.remove") or not args or not isinstance(args[0], str | bytes | os.PathLike):
        return False
    path = Path(os.fsdecode(args[0]))
    if stage == "claim":
        return event == "open" and path.name == ".original.partial" and _writing(args)
    if stage == "assemble":
        return event == "open" and path.name == "searchable.pdf" and _writing(args)
    in_store = "store" in path.parts and "work" not in path.parts
    if stage == "store":
        return event == "open" and in_store and path.name.endswith(".partial") and _writing(args)
    if stage == "commit":  # the stored PDF verified after its rename: the last step before the commit
        return event == "open" and in_store and path.suffix == ".pdf" and args[1] is None
    if stage == "release":
        return event == "os.remove" and "batch" in path.parts
    return False


def arm(stage: str, mode: str) -> None:
    fired = False

    def hook(event: str, args: tuple[Any, ...]) -> None:
        nonlocal fired
        if fired or not hit(stage, event, args):
            return
        fired = mode != "fail-always"  # "fail-always": every time, a fault that does not go away
        if mode == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        code = errno.EAGAIN if stage == "ocr" else errno.EACCES if stage == "release" else errno.ENOSPC
        raise OSError(code, os.strerror(code))

    sys.addaudithook(hook)


def main() -> None:
    stage, mode, separator, *rest = sys.argv[1:]
    assert stage in STAGES and mode in ("kill", "fail", "fail-always") and separator == "--"
    arm(stage, mode)
    from chartfile.cli import main as chartfile_main  # noqa: PLC0415  armed before chartfile is imported

    sys.argv = ["chartfile", *rest]
    chartfile_main()


if __name__ == "__main__":
    main()
