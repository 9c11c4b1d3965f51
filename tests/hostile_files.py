"""Hostile inputs, made by the tests themselves: decompression bombs that are tiny on disk, truncated
files, names that are not text. Each is what an adversarial run dropped into the inbox."""

from __future__ import annotations

from pathlib import Path

from scenarios import fax_tiff, lab_result

from bench.corpus.hostile import g4_bomb_tiff, vector_page_pdf

__all__ = ["g4_bomb_tiff", "truncated_fax", "vector_page_pdf"]


def truncated_fax(path: Path, *, keep: float = 0.5) -> Path:
    """A two-page fax TIFF cut short, as an interrupted transfer leaves it."""
    whole = fax_tiff(
        [lab_result("Adaeze Okonkwo", "11/23/1984", "4471204")] * 2, path.with_suffix(".whole.tif")
    )
    data = whole.read_bytes()
    whole.unlink()
    path.write_bytes(data[: int(len(data) * keep)])
    return path
