"""One unit of work: a database transaction and the store files it writes, journaled before each write.

A unit that fails (or whose commit fails) undoes its files: new ones are removed, replaced ones put back.
Files it supersedes are removed only after the commit. A crash in between leaves the journal, which the
next claim of the same file, or any later command's recovery, applies (`ledger.journal`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from chartfile.errors import StoreError
from chartfile.ledger import files, journal
from chartfile.ledger.chain import ChainWriter
from chartfile.ledger.store import FileStore, StoreLayout


class Unit:
    """The session, the clock reading and the actor of one unit of work, and the files it changes."""

    def __init__(
        self,
        session: Session,
        *,
        stores: tuple[FileStore, ...],
        layout: StoreLayout,
        folder: Callable[[], Path],
        work_root: Path,
        now: dt.datetime,
        actor: str,
        chain: ChainWriter,
        targets: tuple[str, ...] = (),
    ) -> None:
        self.session = session
        self.layout = layout
        self.now = now
        self.actor = actor
        self.targets = targets  # EHR delivery targets: an outcome queues a message to each (ledger.outbox)
        self._stores = stores
        self._folder = folder
        self._work_root = work_root
        self._written: list[tuple[Path, Path | None]] = []  # (file, backup of what it replaced)
        self._superseded: list[Path] = []
        self._chain = chain

    @property
    def scratch(self) -> Path:
        """The unit's own folder (its journal is there too): for files made on the way."""
        return self._folder()

    def place(self, src: Path, dst: Path) -> str:
        """Write `src` at `dst` durably and verified, noted in the journal first; returns its SHA-256."""
        store = self._store_for(dst)
        backup = None
        if dst.exists():
            backup = self.scratch / f"backup-{len(self._written)}{dst.suffix}"
            self._guard(lambda: files.durable_copy(dst, backup))
        self._guard(lambda: journal.note(self.scratch, journal.Entry(dst, backup)))
        sha256 = store.put(src, dst)
        self._written.append((dst, backup))
        return sha256

    def supersede(self, path: Path | None) -> None:
        """Remove `path` once the transaction has committed (unless it was written anew)."""
        if path is not None:
            self._guard(lambda: journal.note(self.scratch, journal.Entry(path)))
            self._superseded.append(path)

    def audit(self, action: str, document_id: int | None, **detail: Any) -> None:
        """Append one audit row in this unit's transaction, chained to the row before it (keyed)."""
        self._chain.append(
            self.session, at=self.now, actor=self.actor, action=action, document_id=document_id, detail=detail
        )

    def undo(self) -> None:
        for path, backup in reversed(self._written):
            store = self._store_for(path)
            if backup is None:
                store.remove(path)
            else:
                store.put(backup, path)

    def finish(self) -> None:
        written = {path for path, _ in self._written}
        for path in self._superseded:
            if path not in written:
                self._store_for(path).remove(path)

    def _store_for(self, path: Path) -> FileStore:
        return next((s for s in self._stores if path.is_relative_to(s.root)), self._stores[0])

    def _guard(self, write: Callable[[], object]) -> None:
        """The journal and backups live in the work folder: its faults are the machine's."""
        try:
            write()
        except OSError as e:
            raise work_folder_error(self._work_root, e) from e


def work_folder_error(work_root: Path, e: OSError) -> StoreError:
    return StoreError(
        f"cannot write into the work folder {work_root} ({e.strerror or type(e).__name__})",
        hint="check free disk space and that the work folder is writable; the input is kept",
    )
