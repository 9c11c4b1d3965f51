"""The database's own guards on the audit trail (SQLite triggers): rows are never changed or deleted, the
chain's head only moves forward. Which must exist, which are missing or altered, and putting them back."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

SQLITE_GUARDS = {
    "audit_events_no_update": (
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
    ),
    "audit_events_no_delete": (
        "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
    ),
    "audit_head_forward_only": (
        "CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head "
        "WHEN NEW.last_id < OLD.last_id OR NEW.start_id < OLD.start_id OR NEW.id != OLD.id "
        "BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward'); END"
    ),
    "audit_head_no_delete": (
        "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
        "BEGIN SELECT RAISE(ABORT, 'audit_head cannot be deleted'); END"
    ),
}
_SPACE = re.compile(r"\s+")


def head_guards() -> tuple[str, ...]:
    """The guards revision 0003 adds (0002 made the first two)."""
    return ("audit_head_forward_only", "audit_head_no_delete")


def checked(session: Session) -> bool:
    """Whether this database's guards are known here (SQLite; PostgreSQL brings its own, issue 15)."""
    return session.get_bind().dialect.name == "sqlite"


def missing(session: Session) -> list[str]:
    """The guards that are absent or not as chartfile made them (a look-alike counts as missing)."""
    if not checked(session):
        return []
    rows = session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    present = {name: _normal(sql or "") for name, sql in rows}
    return [name for name, sql in SQLITE_GUARDS.items() if present.get(name) != _normal(sql)]


def repair(session: Session) -> list[str]:
    """Make every missing or altered guard again; the names put back."""
    gone = missing(session)
    for name in gone:
        session.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        session.execute(text(SQLITE_GUARDS[name]))
    return gone


def _normal(sql: str) -> str:
    return _SPACE.sub(" ", sql).strip().rstrip(";").lower()
