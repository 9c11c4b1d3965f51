"""Locate the real TrueType fonts (DejaVu, Liberation) used to render synthetic documents."""

from __future__ import annotations

import functools
from pathlib import Path

FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype"),
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
)

# family -> (regular file, bold file, Debian package that ships it)
_FAMILIES: dict[str, tuple[str, str, str]] = {
    "dejavu-sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "fonts-dejavu-core"),
    "dejavu-serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "fonts-dejavu-core"),
    "dejavu-mono": ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf", "fonts-dejavu-core"),
    "liberation-sans": ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "fonts-liberation"),
    "liberation-serif": ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", "fonts-liberation"),
    "liberation-mono": ("LiberationMono-Regular.ttf", "LiberationMono-Bold.ttf", "fonts-liberation"),
}

FONT_FAMILIES: tuple[str, ...] = tuple(_FAMILIES)
DEFAULT_FONT = "dejavu-sans"


class FontNotFoundError(FileNotFoundError):
    """A required TrueType font is not installed."""


@functools.lru_cache(maxsize=64)
def _find_file(filename: str) -> Path | None:
    for base in FONT_DIRS:
        if not base.is_dir():
            continue
        for sub in ("dejavu", "liberation", "liberation2", "."):
            candidate = base / sub / filename
            if candidate.is_file():
                return candidate
    for base in FONT_DIRS:
        if base.is_dir():
            found = sorted(base.rglob(filename))
            if found:
                return found[0]
    return None


def font_path(family: str = DEFAULT_FONT, *, bold: bool = False) -> Path:
    """Path of the TTF file for `family` (one of FONT_FAMILIES), regular or bold."""
    try:
        regular, heavy, package = _FAMILIES[family]
    except KeyError:
        known = ", ".join(FONT_FAMILIES)
        raise ValueError(f"unknown font family {family!r}; choose one of {known}") from None
    filename = heavy if bold else regular
    found = _find_file(filename)
    if found is None:
        dirs = ", ".join(str(d) for d in FONT_DIRS)
        raise FontNotFoundError(
            f"font file {filename} ({family}) not found under {dirs}; "
            f"install it with `apt-get install {package}`"
        )
    return found
