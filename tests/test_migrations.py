"""The schema's migrations: a database at the newest revision opens without Alembic; one behind is brought
up by it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from alembic import command
from alembic.config import Config

from chartfile.ledger.db import HEAD, MIGRATIONS, head_revision, make_engine, migrate, revision
from chartfile.settings import DatabaseSettings


def test_the_known_head_is_alembics_head() -> None:
    assert head_revision() == HEAD


def test_a_database_behind_is_migrated_and_one_at_head_opens_without_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'index.db'}"
    engine = make_engine(DatabaseSettings(url=url))
    migrate(engine)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
    assert revision(engine) == "0006"
    migrate(engine)
    assert revision(engine) == HEAD
    engine.dispose()
    opened = textwrap.dedent(
        f"""
        import sys
        from chartfile.ledger.db import make_engine, migrate
        from chartfile.settings import DatabaseSettings
        migrate(make_engine(DatabaseSettings(url={url!r})))
        print(sorted(m for m in sys.modules if m.split(".")[0] == "alembic"))
        """
    )
    done = subprocess.run([sys.executable, "-c", opened], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
