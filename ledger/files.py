"""Durable file operations: copy with hash, atomic rename, fsync of data and folder."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

_CHUNK = 1 << 20


def text_of(path: Path) -> str:
    """A path as text the database can keep: a name that is not valid UTF-8 has its bytes escaped
    (`\\xff`); any other path is itself."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def is_text(name: str) -> bool:
    """Whether a file name is valid UTF-8 (a name Python read with surrogate escapes is not)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def fingerprint(path: Path) -> str:
    """Identifies this very file (not its content): device, inode, size and mtime."""
    st = path.stat()
    return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading; a FIFO, device or socket raises instead of blocking, and a
    symbolic link is not followed (ELOOP)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def holds(path: Path, *, sha256: str, size_bytes: int) -> bool:
    """Whether `path` is a regular file with exactly these bytes (False when gone or different)."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode) or st.st_size != size_bytes:
            return False
        return sha256_of(path) == sha256
    except OSError:
        return False


def partial_path(dst: Path) -> Path:
    """The temporary name `dst` is written under before its atomic rename."""
    return dst.with_name(f".{dst.name}.partial")


def durable_copy(src: Path, dst: Path) -> str:
    """Copy `src` to `dst` via a temporary name, fsynced, and return the SHA-256 of what was written."""
    dst.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = partial_path(dst)
    digest = hashlib.sha256()
    try:
        with open_regular(src) as reader, tmp.open("wb") as writer:
            while chunk := reader.read(_CHUNK):
                digest.update(chunk)
                writer.write(chunk)
            writer.flush()
            os.fsync(writer.fileno())
        os.replace(tmp, dst)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
        raise
    fsync_dir(dst.parent)
    return digest.hexdigest()


def append_line(path: Path, line: str) -> None:
    """Append one line and fsync it (and the folder, so a new file's name survives a crash too)."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    fsync_dir(path.parent)


def remove_durably(path: Path) -> None:
    path.unlink(missing_ok=True)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
