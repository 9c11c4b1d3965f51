"""ledger: the ground floor. It owns what is kept: the database (models, Alembic migrations, sessions),
the document store and quarantine folders, durable file I/O, PDF index metadata, the claim journal and
the crash journal, and the one unit-of-work API for a document's lifecycle: claim it (`intake`), record an
outcome once (`outcomes.record`, `record_duplicate`, `quarantine`), replace it later (`outcomes.replace`,
and the clerk's moves through `documents.move_stored`); each writes files and rows together, journaled,
whichever command runs. It may import only `records`, `settings` and `errors`: nothing above it.
"""

from __future__ import annotations

from chartfile.ledger.book import Ledger, ledger_for, open_ledger

__all__ = ["Ledger", "ledger_for", "open_ledger"]
