"""A stored document's pages for a person to read: page images at reading size, thumbnails, and where on
the page the name, birth date and MRN the matcher read are printed (to highlight them).

Images and word boxes are made from the stored (searchable) PDF once and kept in the store's previews/
folder, named by the PDF's hash: a document re-filed with new content gets new ones. They are a cache, so
they are written by rename without fsync (a clerk waits for them); one a crash left incomplete is made
again. Word boxes come from the PDF's text layer (Tesseract's, or the born-digital one), so they are
exactly where the OCR read them.
"""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from chartfile.clerk.previews import PREVIEWS_FOLDER
from chartfile.errors import ChartfileError, UsageError, explain
from chartfile.ledger import Ledger
from chartfile.ledger.models import Document
from chartfile.ocr import poppler
from chartfile.records import Word

log = logging.getLogger(__name__)

THUMBNAIL_DPI = 20
BOX_DPI = 300  # word boxes are in the units of a 300-dpi page
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class PageImage:
    """A rendered page: the PNG, its size in pixels and the dpi it was rendered at."""

    path: Path
    width: int
    height: int
    dpi: int

    @property
    def box_size(self) -> tuple[int, int]:
        """The page's size in word-box units (300 dpi)."""
        return round(self.width * BOX_DPI / self.dpi), round(self.height * BOX_DPI / self.dpi)


@dataclass(frozen=True, slots=True)
class Highlight:
    """A word on the page that is one of the identity's fields as read."""

    field: str  # name, dob, mrn
    left: int
    top: int
    width: int
    height: int


def _stored(ledger: Ledger, document_id: int, page: int) -> tuple[Path, str]:
    with ledger.reading() as session:
        doc = session.get(Document, document_id)
        if doc is None:
            raise UsageError(f"no document with id {document_id}", hint="see `chartfile documents list`")
        if not doc.stored_path or not doc.stored_sha256:
            raise UsageError(f"document {document_id} has no stored PDF", hint="see `documents show`")
        if not 1 <= page <= max(doc.page_count, 1):
            raise UsageError(f"document {document_id} has {doc.page_count} page(s)", hint="pick one of them")
        return Path(doc.stored_path), doc.stored_sha256


def _cached(ledger: Ledger, document_id: int, sha256: str, page: int, suffix: str) -> Path:
    name = f"{document_id:06d}-{sha256[:12]}-p{page:04d}-{suffix}"
    return ledger.paths.store / PREVIEWS_FOLDER / name


def page_image(ledger: Ledger, document_id: int, page: int, *, dpi: int) -> PageImage:
    """Page `page` of the stored PDF as a PNG at `dpi` (rendered once, then reused)."""
    pdf, sha256 = _stored(ledger, document_id, page)
    target = _cached(ledger, document_id, sha256, page, f"{dpi}dpi.png")
    if not _complete_png(target):
        _render(pdf, page, dpi, target)
    with Image.open(target) as image:
        width, height = image.size
    return PageImage(target, width, height, dpi)


def _complete_png(path: Path) -> bool:
    """A whole PNG (it ends with its IEND chunk), not one cut short by a crash."""
    try:
        with path.open("rb") as handle:
            handle.seek(-12, 2)
            return handle.read().startswith(b"\x00\x00\x00\x00IEND")
    except OSError:
        return False


def _render(pdf: Path, page: int, dpi: int, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    prefix = target.with_name(f".{target.stem}.{uuid.uuid4().hex}")
    try:
        os.replace(poppler.render_png(pdf, page, prefix, dpi=dpi), target)
    finally:
        prefix.with_name(prefix.name + ".png").unlink(missing_ok=True)


def page_words(ledger: Ledger, document_id: int, page: int) -> tuple[Word, ...]:
    """The text layer's words of one page with their boxes (read once, then kept beside the images)."""
    pdf, sha256 = _stored(ledger, document_id, page)
    target = _cached(ledger, document_id, sha256, page, "words.json")
    try:
        return _load_words(target)
    except (OSError, ValueError, TypeError, IndexError):
        pass  # not made yet, or cut short by a crash: read them again
    try:
        words = poppler.text_words(pdf, page=page)
    except ChartfileError as e:
        log.warning("document %d: no word boxes (%s)", document_id, explain(e).log_line())
        return ()
    found = words[0] if words else ()
    _save_words(found, target)
    return found


def _load_words(path: Path) -> tuple[Word, ...]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return tuple(Word(str(w[0]), int(w[1]), int(w[2]), int(w[3]), int(w[4]), 100.0) for w in raw)


def _save_words(words: Iterable[Word], target: Path) -> None:
    raw = [[w.text, w.left, w.top, w.width, w.height] for w in words]
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    staged = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
    try:
        staged.write_text(json.dumps(raw), encoding="utf-8")
        os.replace(staged, target)
    finally:
        staged.unlink(missing_ok=True)


def highlights(words: Iterable[Word], reading: dict[str, Any] | None) -> list[Highlight]:
    """The words that print the reading's name, birth date or MRN (pure)."""
    if not reading:
        return []
    names = {_letters(reading.get(key) or "") for key in ("last_name", "first_name")} - {""}
    names |= {part for name in set(names) for part in name.split("-") if len(part) > 1}
    dob = _date_parts(reading.get("dob") or "")
    mrn = _alnum(reading.get("mrn") or "")
    found = []
    for word in words:
        field = _field_of(word.text, names, dob, mrn)
        if field:
            found.append(Highlight(field, word.left, word.top, word.width, word.height))
    return found


def _field_of(text: str, names: set[str], dob: list[int] | None, mrn: str) -> str | None:
    if _letters(text) in names:
        return "name"
    if mrn and len(mrn) >= 4 and mrn in _alnum(text):
        return "mrn"
    if dob is not None:
        groups = [int(g) for g in _DIGITS.findall(text)]
        if _is_date(groups, dob):
            return "dob"
    return None


def _is_date(groups: list[int], dob: list[int]) -> bool:
    """Three numbers that are the birth date in any order (a two-digit year as its last two digits)."""
    if len(groups) != 3:
        return False
    year = dob[0]
    if groups[-1] < 100 and groups[-1] == year % 100:
        groups = [*groups[:2], year]
    return sorted(groups) == sorted(dob)


def _date_parts(iso: str) -> list[int] | None:
    groups = [int(g) for g in _DIGITS.findall(iso)]
    return groups if len(groups) == 3 else None


def _letters(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalpha() or ch == "-").strip("-")


def _alnum(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def thumbnail(ledger: Ledger, document_id: int, page: int) -> PageImage:
    """A small image of one page, for the strip a split is picked on."""
    return page_image(ledger, document_id, page, dpi=THUMBNAIL_DPI)


def export_page(ledger: Ledger, document_id: int, page: int, *, dpi: int, to: str) -> bytes:
    """Page `page` as PNG bytes for a person to open outside the store (`review show --out`); the
    export is audited with where it went."""
    image = page_image(ledger, document_id, page, dpi=dpi)
    data = image.path.read_bytes()
    with ledger.unit() as unit:
        unit.audit("exported", document_id, page=page, to=to, command="review show --out")
    return data
