"""The one rule that undoes every crash journal, on real files: what stays, what goes, what is put back."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from chartfile.ledger import files, journal

OLD, NEW = b"%PDF-1.7 the committed bytes", b"%PDF-1.7 bytes a dead unit wrote"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("recorded", "on_disk", "backup", "expected"),
    [
        pytest.param(None, NEW, None, None, id="no-row-refers-to-it:removed"),
        pytest.param(digest(NEW), NEW, None, NEW, id="a-row-refers-to-it:kept"),
        pytest.param(digest(OLD), NEW, OLD, OLD, id="overwritten-uncommitted:put-back"),
        pytest.param(digest(NEW), NEW, OLD, NEW, id="overwritten-committed:kept"),
        pytest.param("", NEW, OLD, NEW, id="no-recorded-hash:kept-as-is"),
        pytest.param(None, None, None, None, id="never-written:nothing-to-do"),
    ],
)
def test_a_noted_file_ends_as_the_rows_say(
    tmp_path: Path, recorded: str | None, on_disk: bytes | None, backup: bytes | None, expected: bytes | None
) -> None:
    unit, store = tmp_path / "work" / "unit-1", tmp_path / "store"
    unit.mkdir(parents=True)
    target = store / "patients" / "X" / "000001-lab.pdf"
    saved = None
    if backup is not None:
        saved = unit / "backup-0.pdf"
        saved.write_bytes(backup)
    journal.note(unit, journal.Entry(target, saved))
    target.parent.mkdir(parents=True)
    if on_disk is not None:
        target.write_bytes(on_disk)
    files.partial_path(target).write_bytes(b"half")  # a copy the crash interrupted
    journal.undo(unit, lambda path: recorded if path == target else None)
    assert (target.read_bytes() if target.exists() else None) == expected
    assert not files.partial_path(target).exists() and not unit.exists()


def test_a_unit_folder_is_abandoned_only_once_its_owner_is_gone(tmp_path: Path) -> None:
    owned = journal.UnitFolder(tmp_path, "alive")
    left = journal.UnitFolder(tmp_path, "dead")
    left.close(remove=False)  # what a kill -9 leaves: the folder, its lock no longer held
    assert journal.abandoned_units(tmp_path) == [left.path]
    owned.close()
    assert not owned.path.exists()
