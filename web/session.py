"""Signed session cookies: who is signed in, their CSRF token, and when they were last active.

The cookie is signed (itsdangerous, HMAC-SHA1 over a key kept private in the data folder) and stamped with
the time it was issued; each request issues it anew, so a cookie older than the idle time-out is refused:
that is the automatic log-off. Nothing in it is secret or patient data: an account id, the account's
session epoch (raised on sign-out, which ends every session of the account) and a random CSRF token.
"""

from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from chartfile.errors import ConfigError

SESSION_COOKIE = "chartfile_session"
SIGN_IN_COOKIE = "chartfile_sign_in"  # the CSRF token of the sign-in form, before anyone is signed in
_KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class SessionData:
    user_id: int
    epoch: int
    csrf: str


@dataclass(frozen=True, slots=True)
class Expired:
    """A session that was valid but idle too long: who it was (for the audit row)."""

    user_id: int


def load_secret(path: Path) -> bytes:
    """The signing key, made (private) on first use."""
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(_KEY_BYTES))
        key = path.read_text(encoding="ascii").strip()
    except OSError as e:
        raise ConfigError(
            f"cannot read or create the web signing key {path} ({e.strerror or type(e).__name__})",
            hint="check web.secret_key_file and that its folder is writable by the service user",
        ) from e
    if len(key) < 32:
        raise ConfigError(f"the web signing key {path} is too short", hint="delete it: a new one is made")
    return key.encode("ascii")


class SessionCodec:
    """Signs and reads the session and sign-in cookies."""

    def __init__(self, secret: bytes, *, idle_seconds: float) -> None:
        self._session = URLSafeTimedSerializer(secret, salt="chartfile-session")
        self._sign_in = URLSafeTimedSerializer(secret, salt="chartfile-sign-in")
        self.idle_seconds = max(1, round(idle_seconds))

    def issue(self, data: SessionData) -> str:
        return self._session.dumps([data.user_id, data.epoch, data.csrf])

    def read(self, cookie: str | None) -> SessionData | Expired | None:
        if not cookie:
            return None
        try:
            user_id, epoch, csrf = self._session.loads(cookie, max_age=self.idle_seconds)
        except SignatureExpired as e:
            payload = e.payload
            try:
                found = self._session.load_payload(payload) if isinstance(payload, bytes) else None
            except BadSignature:
                found = None
            return Expired(int(found[0])) if isinstance(found, list) and found else None
        except (BadSignature, ValueError, TypeError):
            return None
        return SessionData(int(user_id), int(epoch), str(csrf))

    def sign_in_token(self) -> tuple[str, str]:
        """(token for the form, cookie carrying it)."""
        token = secrets.token_urlsafe(32)
        return token, self._sign_in.dumps(token)

    def sign_in_matches(self, cookie: str | None, token: str) -> bool:
        if not cookie or not token:
            return False
        try:
            expected = self._sign_in.loads(cookie, max_age=3600)
        except (BadSignature, ValueError):
            return False
        return isinstance(expected, str) and hmac.compare_digest(expected, token)


def new_csrf() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())
