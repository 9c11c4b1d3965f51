"""A store write that fails: the inbox file survives, no filed row exists, and a retry files it."""

from __future__ import annotations

import dataclasses
import errno
import json
from pathlib import Path

import pytest
from conftest import run_cli
from harness import runtime_on
from scenarios import fax_tiff, lab_result
from sqlalchemy import select

from chartfile.clerk.patients import import_csv
from chartfile.errors import StoreError
from chartfile.ledger.models import AuditEvent, Document, Intake
from chartfile.ledger.store import FileStore
from chartfile.pipeline import process_path
from chartfile.settings import Settings


class DiskFullStore(FileStore):
    """Fails like a full disk on every write."""

    def put(self, src: Path, dst: Path) -> str:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as e:
            raise StoreError(f"cannot write into the store {self.root} ({e.strerror})") from e


def test_failing_store_write_keeps_the_inbox_file_and_files_nothing(
    settings: Settings, workspace: Path
) -> None:
    settings.paths.inbox.mkdir(parents=True, exist_ok=True)
    fax = fax_tiff([lab_result("Adaeze Okonkwo", "11/23/1984", "4471204")], settings.paths.inbox / "fax.tif")
    before = fax.read_bytes()
    with runtime_on(settings) as rt:
        import_csv(workspace / "patients.csv", rt.ledger)
        broken_ledger = dataclasses.replace(rt.ledger, store=DiskFullStore(settings.paths.store))
        broken = dataclasses.replace(rt, ledger=broken_ledger)
        with pytest.raises(StoreError):
            process_path(fax, broken)
        assert fax.read_bytes() == before
        with rt.ledger.reading() as session:
            assert session.scalars(select(Document)).all() == []
            (intake,) = session.scalars(select(Intake)).all()
            assert intake.state == "failed" and "No space left" in intake.last_error
            actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
            assert actions == ["received", "failed"]
        assert not any(p.is_file() for p in settings.paths.store.rglob("*"))
        assert not any(settings.paths.work.iterdir())
        filed = process_path(fax, rt)  # the machine is fixed: the same file goes through
        assert filed is not None and filed.status.value == "filed" and filed.document_id == intake.id
        assert not fax.exists()


def test_cli_reports_a_store_fault_with_exit_3_and_keeps_the_file(workspace: Path) -> None:
    run_cli(workspace, "patients", "import", str(workspace / "patients.csv"), check=True)
    store = workspace / "data" / "store"
    (store / "patients").write_text("not a folder")  # a real fault: the store tree is damaged
    fax = fax_tiff([lab_result("Adaeze Okonkwo", "11/23/1984", "4471204")], workspace / "fax.tif")
    done = run_cli(workspace, "process", str(fax), "--json")
    assert done.returncode == 3
    assert json.loads(done.stdout)["failed"] == 1
    assert "cannot write into the store" in done.stderr
    assert "4471204" not in done.stderr and "Okonkwo" not in done.stderr
    assert fax.is_file()
    listed = run_cli(workspace, "documents", "list", "--json", check=True).stdout
    assert listed == ""
