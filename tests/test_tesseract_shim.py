"""The test run's tesseract shim: a page OCR'd once by the real program, the same call answered again from
what it kept, byte for byte; a page it has not seen is OCR'd."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import tesseract_shim
from PIL import Image, ImageDraw

SHIM = Path(tesseract_shim.__file__)


def shim(folder: Path, real: str, image: Path, out: str) -> subprocess.CompletedProcess[bytes]:
    env = os.environ | {
        tesseract_shim.CACHE_ENV: str(folder / "cache"),
        tesseract_shim.REAL_ENV: real,
    }
    command = [sys.executable, "-S", str(SHIM), str(image), str(folder / out), "--psm", "3", "txt"]
    return subprocess.run(command, capture_output=True, env=env, check=False, timeout=60)


def page(path: Path, text: str) -> Path:
    image = Image.new("L", (900, 160), 255)
    ImageDraw.Draw(image).text((20, 60), text, fill=0)
    image.save(path)
    return path


def test_a_page_is_ocrd_once_and_answered_again_from_the_cache(tmp_path: Path) -> None:
    first = page(tmp_path / "first.png", "Patient seen 10/01/2026")
    assert shim(tmp_path, "/usr/bin/tesseract", first, "run1").returncode == 0
    again = shim(tmp_path, "/bin/false", first, "run2")  # no real program to run: only the cache answers
    assert again.returncode == 0
    assert (tmp_path / "run2.txt").read_bytes() == (tmp_path / "run1.txt").read_bytes()
    assert b"Patient" in (tmp_path / "run1.txt").read_bytes()
    other = page(tmp_path / "other.png", "Another page")
    assert shim(tmp_path, "/bin/false", other, "run3").returncode != 0  # a new page needs the program
