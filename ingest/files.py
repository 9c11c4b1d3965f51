"""Durable file operations: copy with hash, atomic rename, fsync of data and folder."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_CHUNK = 1 << 20


def fingerprint(path: Path) -> str:
    """Identifies this very file (not its content): device, inode, size and mtime."""
    st = path.stat()
    return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def durable_copy(src: Path, dst: Path) -> str:
    """Copy `src` to `dst` via a temporary name, fsynced, and return the SHA-256 of what was written."""
    dst.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = dst.with_name(f".{dst.name}.partial")
    digest = hashlib.sha256()
    with src.open("rb") as reader, tmp.open("wb") as writer:
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)
            writer.write(chunk)
        writer.flush()
        os.fsync(writer.fileno())
    os.replace(tmp, dst)
    fsync_dir(dst.parent)
    return digest.hexdigest()


def durable_move(src: Path, dst: Path) -> None:
    """Rename when on one file system, else copy + verify + delete; the data exists somewhere always."""
    dst.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.replace(src, dst)
    except OSError:
        expected = sha256_of(src)
        if durable_copy(src, dst) != expected or sha256_of(dst) != expected:
            raise OSError(f"copy to {dst} did not verify") from None
        src.unlink()
    fsync_dir(dst.parent)


def remove_durably(path: Path) -> None:
    path.unlink(missing_ok=True)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
