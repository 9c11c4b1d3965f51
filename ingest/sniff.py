"""Recognise an input file's format from its first bytes (never from its name)."""

from __future__ import annotations

from pathlib import Path

from chartfile.records import FileKind

_SIGNATURES: tuple[tuple[bytes, FileKind], ...] = (
    (b"II*\x00", FileKind.TIFF),
    (b"MM\x00*", FileKind.TIFF),
    (b"\x89PNG\r\n\x1a\n", FileKind.PNG),
    (b"\xff\xd8\xff", FileKind.JPEG),
)


def sniff_bytes(head: bytes) -> FileKind | None:
    """The format of a file starting with `head`, or None when it is not one chartfile reads."""
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if b"%PDF-" in head[:1024]:
        return FileKind.PDF
    return None


def sniff(path: Path) -> FileKind | None:
    with path.open("rb") as handle:
        return sniff_bytes(handle.read(1024))
