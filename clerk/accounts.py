"""Who may sign in to the review desk: accounts with a role, argon2 password hashes, and lock-out.

Roles rank clerk < supervisor < admin; each role may do what the ones below it may. Every change to an
account and every sign-in (good, failed, refused while locked) is audited; passwords are never logged.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from chartfile.errors import UsageError
from chartfile.ledger import Ledger
from chartfile.ledger.documents import as_utc
from chartfile.ledger.models import User

MIN_PASSWORD_CHARS = 10
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{0,63}$")


class Role(enum.IntEnum):
    """What a person may do; a higher role includes the lower ones."""

    CLERK = 1  # view, assign, reject, split, re-file, search
    SUPERVISOR = 2  # also merge patients, reprocess, read the audit trail
    ADMIN = 3  # also manage accounts

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Role:
        try:
            return cls[text.strip().upper()]
        except KeyError as e:
            raise UsageError(f"unknown role {text!r}", hint="use clerk, supervisor or admin") from e


@dataclass(frozen=True, slots=True)
class Account:
    """A signed-in person as the desk sees them."""

    id: int
    name: str
    role: Role
    session_epoch: int

    def may(self, needed: Role) -> bool:
        return self.role >= needed


@dataclass(frozen=True, slots=True)
class SignIn:
    """The outcome of a sign-in: the account, or why not (said the same way for every failure)."""

    account: Account | None
    locked: bool = False


@functools.cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@functools.cache
def _decoy_hash() -> str:
    """Verified against when the name is unknown, so that a wrong name costs the same time."""
    return _hasher().hash("not a password of anyone")


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise UsageError(
            f"not a valid account name: {name!r}",
            hint="a letter, then letters, digits, '.', '_' or '-' (at most 64)",
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise UsageError(
            f"the password is too short (at least {MIN_PASSWORD_CHARS} characters)",
            hint="choose a longer password; a passphrase of a few words is easy to type",
        )
    return password


def _account(user: User) -> Account:
    return Account(user.id, user.name, Role[user.role.upper()], user.session_epoch)


def _user(session: Session, name: str) -> User:
    user = session.scalars(select(User).where(User.name == name).with_for_update()).first()
    if user is None:
        raise UsageError(f"no account named {name!r}", hint="see `chartfile users list`")
    return user


def add_user(ledger: Ledger, name: str, role: Role, password: str) -> Account:
    """A new account (the name must be free); audited as `user-added` (never with the password)."""
    check_name(name)
    check_password(password)
    with ledger.unit() as unit:
        if unit.session.scalars(select(User).where(User.name == name)).first() is not None:
            raise UsageError(f"an account named {name!r} exists already", hint="choose another name")
        user = User(name=name, role=role.label, password_hash=_hasher().hash(password), created_at=unit.now)
        unit.session.add(user)
        unit.session.flush()
        unit.audit("user-added", None, user=name, role=role.label)
        return _account(user)


def change_user(
    ledger: Ledger,
    name: str,
    *,
    role: Role | None = None,
    password: str | None = None,
    disabled: bool | None = None,
    unlock: bool = False,
) -> Account:
    """Change an account's role, password, disabled flag, or lift its lock-out; ends its sessions."""
    with ledger.unit() as unit:
        user = _user(unit.session, name)
        changed: dict[str, Any] = {}
        if role is not None:
            user.role = changed["role"] = role.label
        if password is not None:
            user.password_hash = _hasher().hash(check_password(password))
            changed["password"] = "changed"
        if disabled is not None:
            user.disabled = changed["disabled"] = disabled
        if unlock:
            user.failed_sign_ins, user.locked_until = 0, None
            changed["unlocked"] = True
        user.session_epoch += 1
        unit.audit("user-changed", None, user=name, **changed)
        return _account(user)


def list_users(ledger: Ledger, *, now: dt.datetime) -> list[dict[str, Any]]:
    with ledger.reading() as session:
        return [_listed(user, now) for user in session.scalars(select(User).order_by(User.name))]


def _listed(user: User, now: dt.datetime) -> dict[str, Any]:
    locked = user.locked_until is not None and as_utc(user.locked_until) > now
    return {
        "name": user.name,
        "role": user.role,
        "disabled": user.disabled,
        "locked": locked,
        "failed_sign_ins": user.failed_sign_ins,
        "created_at": user.created_at.isoformat(),
        "last_sign_in_at": user.last_sign_in_at.isoformat() if user.last_sign_in_at else None,
    }


def sign_in(ledger: Ledger, name: str, password: str, *, max_failures: int, lock_for: dt.timedelta) -> SignIn:
    """Check a password; `max_failures` wrong ones in a row lock the account for `lock_for`. Audited."""
    with ledger.unit() as unit:
        user = unit.session.scalars(select(User).where(User.name == name).with_for_update()).first()
        if user is None or user.disabled:
            _verify(_decoy_hash(), password)
            unit.audit("sign-in-failed", None, user=name[:64], why="unknown or disabled account")
            return SignIn(None)
        if user.locked_until is not None and as_utc(user.locked_until) > unit.now:
            unit.audit("sign-in-refused", None, user=name, why="locked out")
            return SignIn(None, locked=True)
        if not _verify(user.password_hash, password):
            user.failed_sign_ins += 1
            locked = user.failed_sign_ins >= max_failures
            if locked:
                user.locked_until, user.failed_sign_ins = unit.now + lock_for, 0
            unit.audit("sign-in-failed", None, user=name, why="wrong password", locked=locked)
            return SignIn(None, locked=locked)
        if _hasher().check_needs_rehash(user.password_hash):
            user.password_hash = _hasher().hash(password)
        user.failed_sign_ins, user.locked_until, user.last_sign_in_at = 0, None, unit.now
        unit.audit("signed-in", None, user=name)
        return SignIn(_account(user))


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher().verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def current_account(ledger: Ledger, user_id: int, session_epoch: int) -> Account | None:
    """The account a session cookie names, if it may still act (enabled, its sessions not ended)."""
    with ledger.reading() as session:
        user = session.get(User, user_id)
        if user is None or user.disabled or user.session_epoch != session_epoch:
            return None
        return _account(user)


def sign_out(ledger: Ledger, account: Account) -> None:
    """End the account's sessions (every browser it is signed in on); audited."""
    with ledger.unit() as unit:
        user = unit.session.get(User, account.id, with_for_update=True)
        if user is not None:
            user.session_epoch += 1
        unit.audit("signed-out", None, user=account.name)


def account_name(ledger: Ledger, user_id: int) -> str:
    """The name of an account (for an audit row about a session that expired), or `#ID` if it is gone."""
    with ledger.reading() as session:
        user = session.get(User, user_id)
        return user.name if user is not None else f"#{user_id}"
