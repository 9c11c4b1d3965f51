"""The database's own guards on the audit trail (SQLite and PostgreSQL triggers): rows are never changed
or deleted, the chain's head only moves forward. Which must exist, which are missing or altered, and
putting them back."""

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

# PostgreSQL: each guard is a trigger calling a function of its own; the check reads both from the
# catalog (the trigger's table, timing and events as a bit mask, enabled; the function's body).
_PG_APPEND_ONLY = "BEGIN RAISE EXCEPTION 'audit_events is append-only'; END;"
_PG_FORWARD = (
    "BEGIN IF NEW.last_id < OLD.last_id OR NEW.start_id < OLD.start_id OR NEW.id <> OLD.id THEN "
    "RAISE EXCEPTION 'audit_head only moves forward'; END IF; RETURN NEW; END;"
)
_PG_HEAD_KEPT = "BEGIN RAISE EXCEPTION 'audit_head cannot be deleted'; END;"
# (table, pg_trigger.tgtype: 1 row, 2 before, 8 delete, 16 update, 32 truncate; function body)
PG_GUARDS: dict[str, tuple[str, int, str, str]] = {
    "audit_events_no_update": ("audit_events", 1 | 2 | 16, "FOR EACH ROW", _PG_APPEND_ONLY),
    "audit_events_no_delete": ("audit_events", 1 | 2 | 8, "FOR EACH ROW", _PG_APPEND_ONLY),
    "audit_events_no_truncate": ("audit_events", 2 | 32, "FOR EACH STATEMENT", _PG_APPEND_ONLY),
    "audit_head_forward_only": ("audit_head", 1 | 2 | 16, "FOR EACH ROW", _PG_FORWARD),
    "audit_head_no_delete": ("audit_head", 1 | 2 | 8, "FOR EACH ROW", _PG_HEAD_KEPT),
    "audit_head_no_truncate": ("audit_head", 2 | 32, "FOR EACH STATEMENT", _PG_HEAD_KEPT),
}
_PG_EVENTS = {16: "UPDATE", 8: "DELETE", 32: "TRUNCATE"}
_SPACE = re.compile(r"\s+")


def head_guards() -> tuple[str, ...]:
    """The guards revision 0003 adds (0002 made the first two)."""
    return ("audit_head_forward_only", "audit_head_no_delete")


def expected(session: Session) -> tuple[str, ...]:
    """The guards this database must have."""
    return tuple(PG_GUARDS if _dialect(session) == "postgresql" else SQLITE_GUARDS)


def checked(session: Session) -> bool:
    """Whether this database's guards are known here (SQLite and PostgreSQL)."""
    return _dialect(session) in ("sqlite", "postgresql")


def missing(session: Session) -> list[str]:
    """The guards that are absent or not as chartfile made them (a look-alike counts as missing)."""
    dialect = _dialect(session)
    if dialect == "postgresql":
        return _pg_missing(session)
    if dialect != "sqlite":
        return []
    rows = session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    present = {name: _normal(sql or "") for name, sql in rows}
    return [name for name, sql in SQLITE_GUARDS.items() if present.get(name) != _normal(sql)]


def repair(session: Session) -> list[str]:
    """Make every missing or altered guard again; the names put back."""
    gone = missing(session)
    for name in gone:
        if _dialect(session) == "postgresql":
            create_pg_guard(session, name)
            continue
        session.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        session.execute(text(SQLITE_GUARDS[name]))
    return gone


def pg_guard_sql(name: str) -> list[str]:
    """The statements that make (or make again) one PostgreSQL guard: its function, then its trigger."""
    table, tgtype, each, body = PG_GUARDS[name]
    event = next(word for bit, word in _PG_EVENTS.items() if tgtype & bit)
    return [
        f"CREATE OR REPLACE FUNCTION chartfile_{name}() RETURNS trigger LANGUAGE plpgsql AS $${body}$$",
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} BEFORE {event} ON {table} {each} EXECUTE FUNCTION chartfile_{name}()",
    ]


def create_pg_guard(session: Session, name: str) -> None:
    for statement in pg_guard_sql(name):
        session.execute(text(statement))


def _pg_missing(session: Session) -> list[str]:
    rows = session.execute(
        text(
            "SELECT t.tgname, c.relname, t.tgtype, t.tgenabled, p.proname, p.prosrc, t.tgqual IS NULL "
            "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE NOT t.tgisinternal AND c.relname IN ('audit_events', 'audit_head') "
            "AND c.relnamespace = to_regnamespace(current_schema())::oid"
        )
    )
    present = {str(r[0]): tuple(r[1:]) for r in rows}
    wrong = []
    for name, (table, tgtype, _each, body) in PG_GUARDS.items():
        want = (table, tgtype, "O", f"chartfile_{name}", _normal(body), True)
        found = present.get(name)
        if found is None or (*found[:4], _normal(str(found[4])), found[5]) != want:
            wrong.append(name)
    return wrong


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _normal(sql: str) -> str:
    return _SPACE.sub(" ", sql).strip().rstrip(";").lower()
