"""Claim journal and start-up recovery, in-process on a real SQLite file: the pieces the daemon relies on."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import half_filed, ledger_on
from sqlalchemy import select

from chartfile.errors import DatabaseError, UnreadableFileError
from chartfile.ingest.claim import claim, release_source
from chartfile.ledger import Ledger
from chartfile.ledger.intake import ClaimedElsewhereError, discard_attempt, mark_failed
from chartfile.ledger.models import Intake
from chartfile.ledger.recovery import Recovery, recover
from chartfile.settings import Settings

NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def ledger(settings: Settings) -> Iterator[Ledger]:
    with ledger_on(settings, clock=lambda: NOW) as opened:
        yield opened


def inbox_file(settings: Settings, name: str = "fax.tif", data: bytes = b"II*\x00" + bytes(500)) -> Path:
    path = settings.paths.inbox / name
    path.write_bytes(data)
    return path


def states(ledger: Ledger) -> list[tuple[int, str, int]]:
    with ledger.reading() as session:
        return [(i.id, i.state, i.attempts) for i in session.scalars(select(Intake).order_by(Intake.id))]


def test_a_retried_file_keeps_its_id_even_when_touched_meanwhile(settings: Settings, ledger: Ledger) -> None:
    path = inbox_file(settings)
    first = claim(path, ledger)
    assert first is not None
    mark_failed(ledger, first, DatabaseError("database is locked"))
    discard_attempt(ledger, first.work_dir)
    os.utime(path, ns=(1, 1))  # same bytes, new mtime: another fingerprint
    again = claim(path, ledger)
    assert again is not None and again.intake_id == first.intake_id
    assert states(ledger) == [(first.intake_id, "claimed", 2)]


def test_the_inbox_file_is_released_only_while_it_holds_the_claimed_bytes(
    settings: Settings, ledger: Ledger
) -> None:
    path = inbox_file(settings)
    incoming = claim(path, ledger)
    assert incoming is not None
    with path.open("ab") as writer:  # the writer was not finished after all
        writer.write(b"more pages")
    release_source(incoming)
    assert path.is_file()
    path.write_bytes(incoming.work_copy.read_bytes())
    release_source(incoming)
    assert not path.exists()


def test_a_fifo_is_refused_without_blocking_and_without_naming_it(settings: Settings, ledger: Ledger) -> None:
    fifo = settings.paths.inbox / "Okonkwo_Adaeze.tif"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableFileError) as caught:
        claim(fifo, ledger)
    assert "Okonkwo" not in str(caught.value) and f"inode {fifo.stat().st_ino}" in str(caught.value)
    assert list(settings.paths.work.iterdir()) == []  # the staging folder went with it


def test_recovery_restores_withdraws_and_clears(settings: Settings, ledger: Ledger) -> None:
    paths = settings.paths
    gone = claim(inbox_file(settings, "a.tif"), ledger)
    lost = claim(inbox_file(settings, "b.tif", b"II*\x00" + bytes(9)), ledger)
    kept = claim(inbox_file(settings, "c.tif", b"II*\x00" + bytes(7)), ledger)
    assert gone is not None and lost is not None and kept is not None
    gone.source_path.unlink()  # the work copy is the only copy left
    lost.source_path.unlink()
    discard_attempt(ledger, lost.work_dir)  # ...and of this one, nothing at all
    stray = paths.store / "review" / "2026-11-02" / f"{gone.intake_id:06d}-stray.pdf"
    half_filed(gone.work_dir, gone.work_copy, stray)
    (paths.work / ".claim-0123").mkdir()
    found = recover(ledger)
    assert found.restored == (gone.intake_id,) and found.withdrawn == (lost.intake_id,)
    assert found.cleared == 1
    assert gone.source_path.read_bytes() == b"II*\x00" + bytes(500) and not stray.exists()
    assert kept.source_path.is_file()
    assert list(paths.work.iterdir()) == []
    assert [s for _, s, _ in states(ledger)] == ["claimed", "withdrawn", "claimed"]
    again = claim(gone.source_path, ledger)
    assert again is not None and again.intake_id == gone.intake_id


def test_a_claim_another_command_holds_is_left_to_it(settings: Settings, ledger: Ledger) -> None:
    """`chartfile process` holds its claim's work folder until its outcome is committed: a daemon
    starting meanwhile (or a second claim of the same file) must not undo what it is writing."""
    path = inbox_file(settings)
    with ledger.work_folder() as folder:
        held = claim(path, ledger, folder=folder)
        assert held is not None and held.work_dir.is_dir()
        stray = settings.paths.store / "review" / "2026-11-02" / f"{held.intake_id:06d}-lab.pdf"
        half_filed(held.work_dir, held.work_copy, stray)  # written, about to be committed
        found = recover(ledger)
        assert found == Recovery((), (), 0) and stray.is_file() and held.work_copy.is_file()
        with pytest.raises(ClaimedElsewhereError) as busy:
            claim(path, ledger)
        assert f"document {held.intake_id} is being processed" in str(busy.value)
        assert held.work_copy.is_file() and states(ledger) == [(held.intake_id, "claimed", 1)]
    recover(ledger)  # its command is gone (a crash): now the claim is recovery's
    assert not stray.exists() and not held.work_dir.exists() and path.is_file()
