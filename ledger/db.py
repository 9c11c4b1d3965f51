"""Database engine, sessions and schema migrations (Alembic) for the index."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from chartfile.errors import DatabaseError
from chartfile.settings import DatabaseSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(settings: DatabaseSettings) -> Engine:
    """An engine for the configured URL; SQLite gets WAL, foreign keys and a busy timeout."""
    if settings.url.startswith("sqlite:///") and settings.url != "sqlite:///:memory:":
        Path(settings.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # hide_parameters: an error's text never carries a row's values (names, birth dates, MRNs)
    engine = create_engine(settings.url, connect_args=_connect_args(settings), hide_parameters=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas(settings.busy_timeout_seconds))
    return engine


def _connect_args(settings: DatabaseSettings) -> dict[str, Any]:
    if settings.url.startswith("sqlite"):
        return {"timeout": settings.busy_timeout_seconds, "check_same_thread": False}
    if settings.url.startswith("postgresql"):  # times read back in UTC; a lock waited on, not forever
        timeout_ms = int(settings.busy_timeout_seconds * 1000)
        return {"options": f"-c TimeZone=UTC -c lock_timeout={timeout_ms}", "connect_timeout": 10}
    return {}


def _sqlite_pragmas(busy_timeout_seconds: float) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # a committed row survives power loss
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_seconds * 1000)}")
        cursor.close()

    return on_connect


# any constant: stations starting at once on one PostgreSQL server migrate one after the other
_MIGRATION_LOCK = 0x63686172  # "char"


# The newest migration's revision (tests/test_migrations.py holds it to Alembic's own head): a database
# already there is opened without importing Alembic, which every command would pay for (~0.1-0.5 s).
HEAD = "0007"


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (creates it on an empty database)."""
    try:
        if _stored_revision(engine) == HEAD:
            return
        from alembic import command  # noqa: PLC0415  # imported only when there is something to migrate
        from alembic.config import Config  # noqa: PLC0415

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as e:
        raise DatabaseError(
            f"cannot open or migrate the database at {engine.url.render_as_string(hide_password=True)}",
            hint="check the database.url setting and that the folder is writable by the service user",
        ) from e


def _stored_revision(engine: Engine) -> str | None:
    """alembic_version's row, read with plain SQL (None: no schema yet, or more than one head)."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except (OperationalError, DBAPIError):
        return None
    return rows[0] if len(rows) == 1 else None


def revision(engine: Engine) -> str | None:
    """The schema's revision now (None: an empty database)."""
    from alembic.runtime.migration import MigrationContext  # noqa: PLC0415

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision this chartfile knows."""
    from alembic.config import Config  # noqa: PLC0415
    from alembic.script import ScriptDirectory  # noqa: PLC0415

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def fault_reason(error: SQLAlchemyError) -> str:
    """What the database said, without data: the driver's first line ("database is locked"), never the
    statement or its parameters (PostgreSQL puts a row's values on a DETAIL line, which is dropped)."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        first = str(error.orig).strip().splitlines()
        return first[0][:200] if first else type(error.orig).__name__
    return type(error).__name__


def database_fault(error: SQLAlchemyError, *, subject: str = "") -> DatabaseError:
    """A database fault as the one error every command and the daemon report (exit 3, retried)."""
    return DatabaseError(
        f"{subject}the database could not be used ({fault_reason(error)})",
        hint="the daemon retries by itself; run a command again once nothing else holds the database",
    )


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commits on success, rolls back on any error."""
    with factory() as session, session.begin():
        yield session
