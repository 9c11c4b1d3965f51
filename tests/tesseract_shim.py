"""`tesseract` for the test run: the real program, run once per distinct page and arguments.

Most tests check what chartfile does around OCR (claims, filing, recovery, the desk), and OCR the same few
generated pages again and again. This stands first on the tests' PATH (conftest): it keys a call by its
arguments and the bytes of every input image, runs the real Tesseract on a miss (it is killed with this
process) and keeps every output file, its streams and exit code; a hit writes the same files back. Calls
without an input image (--version, --list-langs) and every call when TESSERACT_SHIM_CACHE is empty
(the OCR tests themselves) go straight to the real program.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

CACHE_ENV, REAL_ENV = "TESSERACT_SHIM_CACHE", "TESSERACT_SHIM_REAL"  # set by conftest
REAL = os.environ.get(REAL_ENV, "/usr/bin/tesseract")
CACHE = os.environ.get(CACHE_ENV, "")
_PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> int:
    if not CACHE or len(argv) < 2 or argv[0].startswith("-") or not Path(argv[0]).is_file():
        os.execv(REAL, [REAL, *argv])
    image, out_base, rest = Path(argv[0]), argv[1], argv[2:]
    entry = Path(CACHE) / _key(image, rest)
    if not (entry / "result.json").is_file():
        _run_and_keep(argv, out_base, entry)
    return _replay(entry, out_base)


def _key(image: Path, rest: list[str]) -> str:
    digest = hashlib.sha256(json.dumps(rest).encode())
    listed = image.read_text(encoding="utf-8").split() if image.suffix == ".list" else []
    for page in [Path(p) for p in listed] or [image]:
        digest.update(hashlib.sha256(page.read_bytes()).digest())
    return digest.hexdigest()


def _run_and_keep(argv: list[str], out_base: str, entry: Path) -> None:
    base = Path(out_base)
    before = set(base.parent.glob(base.name + ".*"))
    done = subprocess.run([REAL, *argv], capture_output=True, preexec_fn=_die_with_parent, check=False)
    made = sorted(set(base.parent.glob(base.name + ".*")) - before)
    if done.returncode != 0:
        sys.stdout.buffer.write(done.stdout)
        sys.stderr.buffer.write(done.stderr)
        sys.exit(done.returncode)  # failures are not kept
    entry.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=entry.parent))
    for path in made:
        (staging / path.name[len(base.name) :]).write_bytes(path.read_bytes())
    result = {"stdout": done.stdout.decode("latin-1"), "stderr": done.stderr.decode("latin-1")}
    (staging / "result.json").write_text(json.dumps(result), encoding="utf-8")
    try:
        staging.rename(entry)
    except OSError:  # another worker kept the same call first
        for path in staging.iterdir():
            path.unlink()
        staging.rmdir()


def _replay(entry: Path, out_base: str) -> int:
    for path in entry.iterdir():
        if path.name != "result.json":
            Path(out_base + path.name).write_bytes(path.read_bytes())
    result = json.loads((entry / "result.json").read_text(encoding="utf-8"))
    sys.stdout.buffer.write(result["stdout"].encode("latin-1"))
    sys.stderr.buffer.write(result["stderr"].encode("latin-1"))
    return 0


def _die_with_parent() -> None:
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
