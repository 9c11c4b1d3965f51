"""A patient list's bytes as text: the encoding given, or found (a BOM: UTF-8 or UTF-16; bare UTF-16 by
its zero bytes; valid UTF-8; else Windows-1252 or Latin-1, with a warning to check accented names)."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from chartfile.errors import UsageError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAMPLE = 4096


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str
    warning: str = ""  # set when the encoding was a guess a person should check


def decode(path: Path, data: bytes, *, encoding: str | None = None) -> DecodedText:
    """The file's text in the encoding given, else the one found; never a traceback."""
    if encoding:
        return DecodedText(_strict(path, data, _known(encoding)), _known(encoding))
    found = next((name for bom, name in _BOMS if data.startswith(bom)), None) or _bare_utf16(data)
    if found:
        return DecodedText(_strict(path, data, found), found)
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    for fallback in ("cp1252", "latin-1"):
        try:
            text = data.decode(fallback)
        except UnicodeDecodeError:
            continue
        warning = (
            f"{path.name} is not UTF-8: read as {fallback}; check accented names, or give the file's "
            "encoding with --encoding (e.g. --encoding utf-16)"
        )
        return DecodedText(text, fallback, warning)
    raise AssertionError("latin-1 decodes any bytes")


def _bare_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: text in one of the two byte positions, zeros in the other."""
    sample = data[:_SAMPLE]
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    if odd > len(sample) // 3:
        return "utf-16-le"
    if even > len(sample) // 3:
        return "utf-16-be"
    return None


def _known(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError as e:
        raise UsageError(
            f"unknown encoding {encoding!r}", hint="e.g. --encoding utf-8, utf-16, cp1252 or latin-1"
        ) from e


def _strict(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise UsageError(
            f"{path}: line {line} is not valid {encoding} (byte {e.start})",
            hint="give its real encoding with --encoding (e.g. --encoding cp1252), or save it as UTF-8",
        ) from e
