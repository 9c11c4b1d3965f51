"""First-page PNG previews of stored PDFs, kept in the store's previews/ folder (private, like the store)."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from PIL import Image

from chartfile.errors import ChartfileError, explain
from chartfile.ledger import files
from chartfile.ocr import poppler

log = logging.getLogger(__name__)

PREVIEW_DPI = 50
PREVIEW_MAX_PIXELS = 20_000_000  # a letter page at 50 dpi is 0.2 MP: a larger one is malformed, not shown
PREVIEWS_FOLDER = "previews"


def preview_path(store_root: Path, document_id: int, stored_sha256: str) -> Path:
    """Named by the stored PDF's hash: a document re-filed with new content gets a new preview."""
    return store_root / PREVIEWS_FOLDER / f"{document_id:06d}-{stored_sha256[:12]}.png"


def first_page_png(
    pdf: Path, *, document_id: int, stored_sha256: str, store_root: Path, scratch: Path
) -> Path | None:
    """The preview of page 1 (rendered at 50 dpi once, then reused); None when it cannot be rendered."""
    target = preview_path(store_root, document_id, stored_sha256)
    if target.is_file():
        return target
    if not pdf.is_file():
        return None
    scratch.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        with tempfile.TemporaryDirectory(dir=scratch, prefix="preview-") as tmp:
            page = poppler.render_page(pdf, 1, Path(tmp), dpi=PREVIEW_DPI, max_pixels=PREVIEW_MAX_PIXELS)
            png = Path(tmp) / "preview.png"
            with Image.open(page) as image:
                image.save(png, format="PNG", optimize=True)
            files.durable_copy(png, target)
    except (ChartfileError, OSError) as e:
        log.warning("document %d: no preview (%s)", document_id, explain(e).log_line())
        return None
    return target
