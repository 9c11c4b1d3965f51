"""Database engine, sessions and schema migrations (Alembic) for the index."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from chartfile.errors import DatabaseError
from chartfile.settings import DatabaseSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(settings: DatabaseSettings) -> Engine:
    """An engine for the configured URL; SQLite gets WAL, foreign keys and a busy timeout."""
    if settings.url.startswith("sqlite:///") and settings.url != "sqlite:///:memory:":
        Path(settings.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    engine = create_engine(settings.url, connect_args=_connect_args(settings))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas(settings.busy_timeout_seconds))
    return engine


def _connect_args(settings: DatabaseSettings) -> dict[str, Any]:
    if settings.url.startswith("sqlite"):
        return {"timeout": settings.busy_timeout_seconds, "check_same_thread": False}
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


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (creates it on an empty database)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as e:
        raise DatabaseError(
            f"cannot open or migrate the database at {engine.url.render_as_string(hide_password=True)}",
            hint="check the database.url setting and that the folder is writable by the service user",
        ) from e


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commits on success, rolls back on any error."""
    with factory() as session, session.begin():
        yield session
