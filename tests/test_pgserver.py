"""The throw-away PostgreSQL server the database tests run on runs, and each test gets its own database."""

from __future__ import annotations

import psycopg
from pgserver import PgServer


def test_a_test_database_is_new_empty_and_private_to_the_test(pg_server: PgServer, pg_url: str) -> None:
    libpq = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(libpq) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        version = conn.execute("SHOW server_version_num").fetchone()
        address = conn.execute("SELECT inet_server_addr()::text").fetchone()
    assert tables == (0,)
    assert version is not None and int(version[0]) >= 130000
    assert address == ("127.0.0.1/32",)
    assert pg_url.rsplit("/", 1)[1].startswith("t_test_a_test_database")
