"""`chartfile db check`: the database as IT needs it to be. It answers (SQLite's own check; PostgreSQL
answers), its audit
trail verifies and keeps its guard triggers, the site key is private, no claim is left by a gone run;
`repair` puts missing guards back and frees stale claims, each audited."""

from __future__ import annotations

import stat
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from chartfile.errors import ChartfileError
from chartfile.ledger import guards
from chartfile.ledger.book import Ledger
from chartfile.ledger.chain_verify import ChainReport, integrity_error
from chartfile.ledger.models import Claim


@dataclass(frozen=True, slots=True)
class Health:
    """What `db check` found (and, with --repair, put right)."""

    database: str  # "ok", or what SQLite's quick_check said
    audit: ChainReport
    key_private: bool
    claims: int  # files being processed now
    repaired_guards: tuple[str, ...]
    stale_claims_freed: int
    engine: str = "sqlite"  # sqlite or postgresql
    revision: str = ""  # the schema's migration revision

    @property
    def ok(self) -> bool:
        return self.database == "ok" and self.audit.ok and self.key_private

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "database": self.database,
            "audit": self.audit.as_json(),
            "key_private": self.key_private,
            "claims": self.claims,
            "repaired_guards": list(self.repaired_guards),
            "stale_claims_freed": self.stale_claims_freed,
            "engine": self.engine,
            "revision": self.revision,
        }


def check(ledger: Ledger, *, repair: bool) -> Health:
    repaired, freed = _repair(ledger) if repair else ((), 0)
    with ledger.reading() as session:
        database, dialect = "ok", session.get_bind().dialect.name
        if dialect == "sqlite":
            database = str(session.execute(text("PRAGMA quick_check")).scalar())
        elif session.execute(text("SELECT 1")).scalar() != 1:  # pragma: no cover - it answers or raises
            database = "the server did not answer"
        revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        claims = session.query(Claim).count()
    mode = ledger.paths.audit_key.stat().st_mode
    return Health(
        database=database,
        audit=ledger.verify_audit(),
        key_private=stat.S_IMODE(mode) & 0o077 == 0,
        claims=claims,
        repaired_guards=tuple(repaired),
        stale_claims_freed=freed,
        engine=dialect,
        revision=str(revision),
    )


def _repair(ledger: Ledger) -> tuple[list[str], int]:
    with ledger.unit() as unit:
        put_back = guards.repair(unit.session)
        if put_back:
            unit.audit("guards-restored", None, triggers=put_back)
        freed = ledger.claims.clear_stale(unit.session)
        if freed:
            unit.audit("claims-freed", None, stale=freed)
    return put_back, freed


def problem(health: Health) -> ChartfileError | None:
    """The first thing wrong, as an error for IT (None: nothing)."""
    error = integrity_error(health.audit)
    if error is not None:
        return error
    if health.database != "ok":
        return ChartfileError(
            f"SQLite's quick_check reports a damaged database: {health.database[:200]}",
            hint="stop chartfile and restore the database from a backup (with its audit site key)",
        )
    if not health.key_private:
        return ChartfileError(
            "the audit site key file can be read by other users",
            hint="chmod 600 it (and chown it to the service user)",
        )
    return None
