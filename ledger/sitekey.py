"""The site key: a secret kept outside the database, in a file only the service user reads, that keys
the audit trail's hash chain (a person who can write to the database cannot forge a row without it)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from chartfile.errors import AuditTrailError
from chartfile.ledger import files

KEY_BYTES = 32


def read_key(path: Path) -> bytes | None:
    """The key in `path`, or None when there is no such file; a damaged file is an error."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise AuditTrailError(
            f"cannot read the audit site key {path} ({getattr(e, 'strerror', None) or type(e).__name__})",
            hint="check that the file belongs to the service user and is readable by it (mode 0600)",
        ) from e
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise AuditTrailError(
            f"the audit site key {path} is damaged (not {KEY_BYTES} bytes in hex)",
            hint="restore the key file from IT's backup; never make a new one for an existing database",
        )
    return key


def create_key(path: Path) -> bytes:
    """Make the key file (0600) unless another process made it first; the key either way."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    draft = path.with_name(f".{path.name}.{os.getpid()}.new")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, (secrets.token_hex(KEY_BYTES) + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(draft, path)  # atomic: the first one made is the key, whoever else tries at once
    except FileExistsError:
        pass
    finally:
        draft.unlink(missing_ok=True)
    files.fsync_dir(path.parent)
    key = read_key(path)
    assert key is not None
    return key


def missing_key_error(path: Path) -> AuditTrailError:
    return AuditTrailError(
        f"the audit site key {path} is missing, but this database's audit trail was started with one",
        hint="restore the key file from IT's backup (README, Audit trail); without it no row can be "
        "verified, and chartfile will not make a new key for an existing trail",
    )
