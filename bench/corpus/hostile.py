"""Hostile files that are tiny on disk and huge once decoded: what an adversarial run dropped into the
inbox (a 100-inch vector PDF page, a 25000 x 25000 fax TIFF of a few KB)."""

from __future__ import annotations

import struct
from pathlib import Path

import pikepdf


def vector_page_pdf(path: Path, *, side_pt: int = 7200) -> Path:
    """A ~700-byte PDF whose one page is side_pt points square of vector lines: 900 megapixels at 300 dpi."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(side_pt, side_pt))
    page.obj["/Contents"] = pdf.make_stream(
        f"0 0 m {side_pt} {side_pt} l 0 {side_pt} m {side_pt} 0 l S".encode()
    )
    pdf.save(path, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return path


def g4_bomb_tiff(path: Path, *, width: int = 25_000, height: int = 25_000) -> Path:
    """A few-KB fax TIFF declaring width x height pixels, all white (each G4 row is one bit: 'same as
    the row above'): decoded, 25000 x 25000 is 625 megapixels."""
    rows = b"\xff" * (height // 8) + (bytes([(0xFF << (8 - height % 8)) & 0xFF]) if height % 8 else b"")
    data = rows + b"\x00\x10\x01"  # EOFB: two EOL codes
    tags = [(256, 4, width), (257, 4, height), (258, 3, 1), (259, 3, 4), (262, 3, 0), (273, 4, 0)]
    tags += [(277, 3, 1), (278, 4, height), (279, 4, len(data)), (282, 5, 0), (283, 5, 0), (296, 3, 2)]
    resolution_at = 8 + 2 + 12 * len(tags) + 4
    data_at = resolution_at + 8
    out = bytearray(b"II*\x00" + struct.pack("<IH", 8, len(tags)))
    for tag, kind, given in tags:
        value = data_at if tag == 273 else resolution_at if tag in (282, 283) else given
        out += struct.pack(
            "<HHIHH" if kind == 3 else "<HHII", tag, kind, 1, value, *([0] if kind == 3 else [])
        )
    out += struct.pack("<I", 0) + struct.pack("<II", 200, 1) + data
    path.write_bytes(bytes(out))
    return path
