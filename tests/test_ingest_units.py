"""Ingest building blocks: format sniffing, junk filter, readiness with an injected clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chartfile.ingest.sniff import sniff_bytes
from chartfile.ingest.watch import InboxFilter, StabilityTracker, scan
from chartfile.records import FileKind
from chartfile.settings import IngestSettings

T0 = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        pytest.param(b"%PDF-1.7\n%\xe2\xe3", FileKind.PDF, id="pdf"),
        pytest.param(b"\r\n\r\n%PDF-1.4", FileKind.PDF, id="pdf-after-junk"),
        pytest.param(b"II*\x00\x08\x00", FileKind.TIFF, id="tiff-le"),
        pytest.param(b"MM\x00*\x00\x00", FileKind.TIFF, id="tiff-be"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00", FileKind.PNG, id="png"),
        pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF", FileKind.JPEG, id="jpeg"),
        pytest.param(b"PK\x03\x04", None, id="zip-docx"),
        pytest.param(b"", None, id="empty"),
        pytest.param(b"hello, I am a text file", None, id="text"),
    ],
)
def test_sniff_by_content(head: bytes, kind: FileKind | None) -> None:
    assert sniff_bytes(head) == kind


@pytest.mark.parametrize(
    ("name", "accepted"),
    [
        pytest.param("fax_20261102_1041.tif", True, id="fax"),
        pytest.param("scan.PDF", True, id="upper-case"),
        pytest.param(".~lock.scan.pdf#", False, id="hidden"),
        pytest.param("~$report.docx", False, id="office-lock"),
        pytest.param("upload.pdf.part", False, id="partial"),
        pytest.param("incoming.tmp", False, id="tmp"),
        pytest.param("Thumbs.db", False, id="thumbs"),
        pytest.param(".DS_Store", False, id="ds-store"),
    ],
)
def test_inbox_filter(name: str, accepted: bool) -> None:
    assert InboxFilter(IngestSettings().ignore_patterns).accepts(Path(name)) is accepted


def test_scan_skips_junk_and_hidden_folders(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF-")
    (tmp_path / "b.tmp").write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.tif").write_bytes(b"II*\x00")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "d.pdf").write_bytes(b"%PDF-")
    found = [p.relative_to(tmp_path).as_posix() for p in scan(tmp_path, InboxFilter(("*.tmp",)))]
    assert found == ["a.pdf", "sub/c.tif"]


def test_file_is_ready_only_after_it_stopped_changing() -> None:
    tracker = StabilityTracker(stability_seconds=2.0)
    path = Path("/inbox/fax.tif")
    tracker.observe(path, 1000, 1, T0)
    assert tracker.ready(T0 + dt.timedelta(seconds=1.9)) == []
    tracker.observe(path, 5000, 2, T0 + dt.timedelta(seconds=1.9))  # still being written
    assert tracker.ready(T0 + dt.timedelta(seconds=3)) == []
    tracker.observe(path, 5000, 2, T0 + dt.timedelta(seconds=3))  # unchanged: clock keeps running
    assert tracker.ready(T0 + dt.timedelta(seconds=3.9)) == [path]
    tracker.forget(path)
    assert tracker.ready(T0 + dt.timedelta(seconds=60)) == []
