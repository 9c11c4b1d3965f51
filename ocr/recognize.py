"""The OCR stage: every page read (in parallel on all cores), one searchable PDF assembled."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Executor, Future

from chartfile.errors import OcrError, UnsupportedFileError
from chartfile.ocr import assemble
from chartfile.ocr.engine import OcrEngine, PageEngineError, PageTimeoutError
from chartfile.ocr.pagejob import PageRead, read_page
from chartfile.ocr.pages import PageSource, iter_pages
from chartfile.records import IncomingFile, OcrPage, OcrResult
from chartfile.settings import OcrSettings

log = logging.getLogger(__name__)


def recognize(
    incoming: IncomingFile, settings: OcrSettings, *, engine: OcrEngine, pool: Executor, workers: int
) -> OcrResult:
    """OCR the document's pages, at most `workers` + 1 in flight, and assemble the searchable PDF."""
    if incoming.kind is None:
        raise UnsupportedFileError(
            f"document {incoming.intake_id} is not a PDF, TIFF, PNG or JPEG file",
            hint="convert it to PDF or TIFF, or remove it if it is not a patient document",
        )
    scratch = incoming.work_dir / "pages"
    scratch.mkdir(exist_ok=True)
    pages = tuple(_read_in_order(iter_pages(incoming, settings, scratch), settings, engine, pool, workers))
    if all(page.source == "unreadable" for page in pages):
        raise OcrError(
            f"no page of document {incoming.intake_id} could be read",
            hint="check the file opens in a viewer; re-scan or re-send it",
        )
    pdf = assemble.searchable_pdf(pages, incoming.work_dir / "searchable.pdf")
    return OcrResult(incoming=incoming, pages=pages, searchable_pdf=pdf)


def _read_in_order(
    sources: Iterator[PageSource], settings: OcrSettings, engine: OcrEngine, pool: Executor, workers: int
) -> Iterator[OcrPage]:
    pending: deque[tuple[PageSource, Future[PageRead] | None]] = deque()
    for source in sources:
        job = None
        if source.image is not None and not source.blank:
            job = pool.submit(read_page, source, engine, settings)
        pending.append((source, job))
        while len(pending) > workers:
            yield _collect(*pending.popleft(), settings)
    while pending:
        yield _collect(*pending.popleft(), settings)


def _collect(source: PageSource, job: Future[PageRead] | None, settings: OcrSettings) -> OcrPage:
    if source.blank:
        return _blank_page(source)
    if job is None:
        text = source.text_layer or ""
        return OcrPage(number=source.number, text=text, source="text-layer", pdf_page=source.pdf_page)
    try:
        read = job.result()
    except (PageTimeoutError, PageEngineError) as e:
        log.warning("page %d unreadable: %s", source.number, e)
        return _unreadable(source, str(e))
    finally:
        _drop_scratch_image(source)
    result = read.ocr
    x_scale = source.x_scale if read.rotated_degrees % 180 == 0 else 1 / source.x_scale
    if abs(x_scale - 1.0) > 0.005:
        assemble.scale_page_width(result.pdf_path, x_scale)
    confidence = result.mean_confidence
    return OcrPage(
        number=source.number,
        text=result.text,
        words=result.words,
        mean_confidence=confidence,
        low_confidence=confidence is not None and confidence < settings.low_confidence,
        pdf_page=source.pdf_page if read.overlay else (result.pdf_path, 0),
        text_overlay=result.pdf_path if read.overlay else None,
        note=_geometry_note(read),
    )


def _geometry_note(read: PageRead) -> str:
    notes = []
    if read.rotated_degrees:
        notes.append(f"turned {read.rotated_degrees} degrees upright")
    if read.skew_degrees:
        notes.append(f"deskewed {read.skew_degrees:+.1f} degrees")
    return "; ".join(notes)


def _unreadable(source: PageSource, note: str) -> OcrPage:
    """Keep the page in the stored PDF as an image without text: a person can still read it."""
    assert source.image is not None
    pdf_page = source.pdf_page or (assemble.image_page(source.image, source.dpi), 0)
    return OcrPage(number=source.number, text="", source="unreadable", note=note, pdf_page=pdf_page)


def _blank_page(source: PageSource) -> OcrPage:
    assert source.image is not None
    try:
        pdf_page = source.pdf_page or (assemble.image_page(source.image, source.dpi), 0)
    finally:
        _drop_scratch_image(source)
    return OcrPage(number=source.number, text="", source="blank", pdf_page=pdf_page, note="blank page")


def _drop_scratch_image(source: PageSource) -> None:
    """Page images made in the scratch folder are deleted once read; the original is never touched."""
    if source.image is not None and source.image.parent.name == "pages":
        source.image.unlink(missing_ok=True)
