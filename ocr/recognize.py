"""The OCR stage: every page read (in parallel on all cores), one searchable PDF assembled."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, wait
from pathlib import Path

from chartfile.errors import OcrError, UnreadableFileError, UnsupportedFileError
from chartfile.ocr import assemble
from chartfile.ocr.engine import OcrEngine
from chartfile.ocr.limits import Limits
from chartfile.ocr.pagejob import PageFault, PageRead, batch_key, read_pages
from chartfile.ocr.pages import PageSource, iter_pages
from chartfile.ocr.pool import OcrPool
from chartfile.records import IncomingFile, OcrPage, OcrResult
from chartfile.settings import OcrSettings

log = logging.getLogger(__name__)
# Pages per Tesseract run at most: each run saves a start-up and model load per page after the first
# (measured: 8 fax pages in one run 4.27 s, one run a page 4.78 s); a failed run is retried page by page.
MAX_RUN = 8


def recognize(
    incoming: IncomingFile, settings: OcrSettings, *, engine: OcrEngine, pool: OcrPool
) -> OcrResult:
    """OCR the document's pages, a bounded number in flight, and assemble the searchable PDF.

    Limits are checked before the work they bound (ocr/limits.py): pages, each page's pixels, and the
    work folder's bytes after each page."""
    if incoming.size_bytes == 0:
        raise UnreadableFileError(
            f"document {incoming.intake_id} is an empty file (0 bytes)",
            hint="the sender's transfer failed or was cut off; ask them to send it again",
        )
    if incoming.kind is None:
        raise UnsupportedFileError(
            f"document {incoming.intake_id} is not a PDF, TIFF, PNG or JPEG file",
            hint="convert it to PDF or TIFF, or remove it if it is not a patient document",
        )
    scratch = incoming.work_dir / "pages"
    scratch.mkdir(exist_ok=True)
    pages_in = iter_pages(incoming, settings, scratch, budget=pool.decoding)
    sources = _within_budget(pages_in, incoming, Limits.of(settings))
    pages = tuple(_read_in_order(sources, settings, engine, pool))
    if all(page.source == "unreadable" for page in pages):
        raise OcrError(
            f"no page of document {incoming.intake_id} could be read",
            hint="check the file opens in a viewer; re-scan or re-send it",
        )
    pdf = assemble.searchable_pdf(pages, incoming.work_dir / "searchable.pdf")
    return OcrResult(incoming=incoming, pages=pages, searchable_pdf=pdf)


def _within_budget(
    sources: Iterator[PageSource], incoming: IncomingFile, limits: Limits
) -> Iterator[PageSource]:
    """The pages, the work folder's bytes checked after each one is prepared (ocr.max_work_mb)."""
    for source in sources:
        limits.check_work(incoming.work_dir, document_id=incoming.intake_id)
        yield source


Pending = deque[tuple[list[PageSource], Future[list[PageRead | PageFault]] | None]]


def _read_in_order(
    sources: Iterator[PageSource], settings: OcrSettings, engine: OcrEngine, pool: OcrPool
) -> Iterator[OcrPage]:
    """Pages in order; should the document fail half way (a page over a limit, a damaged page), the runs
    already given to Tesseract are called off or waited for: none writes into a folder being removed."""
    pending: Pending = deque()
    try:
        yield from _read_runs(sources, settings, engine, pool, pending)
    finally:
        for _, job in pending:
            if job is not None and not job.cancel():
                wait([job])


def _read_runs(
    sources: Iterator[PageSource], settings: OcrSettings, engine: OcrEngine, pool: OcrPool, pending: Pending
) -> Iterator[OcrPage]:
    """Consecutive pages go to Tesseract together (one start-up), shared over idle workers."""
    run: list[PageSource] = []
    limit = 1

    def submit() -> None:
        if run:
            heaviest = max(source.pixels for source in run)
            pending.append((list(run), pool.submit_read(heaviest, read_pages, list(run), engine, settings)))
            run.clear()

    for source in sources:
        if source.image is None or source.blank:
            submit()
            pending.append(([source], None))
        else:
            if run and batch_key(run[0]) != batch_key(source):
                submit()
            if not run:
                limit = _run_length(source, pool)
            run.append(source)
            if len(run) >= limit:
                submit()
        while len(pending) > pool.workers:
            yield from _collect(*pending.popleft(), settings)
    submit()
    while pending:
        yield from _collect(*pending.popleft(), settings)


def _run_length(first: PageSource, pool: OcrPool) -> int:
    """Pages for the run starting at `first`: the rest of the document shared over the idle workers (a
    lone 2-page fax uses both cores), the whole rest when all are busy (fewer start-ups), at most MAX_RUN."""
    remaining = first.page_count - first.number + 1
    return max(1, min(MAX_RUN, -(-remaining // max(1, pool.idle_workers()))))


def _collect(
    sources: list[PageSource], job: Future[list[PageRead | PageFault]] | None, settings: OcrSettings
) -> Iterator[OcrPage]:
    if job is None:
        yield _without_ocr(sources[0])
        return
    reads = job.result()
    for source, read in zip(sources, reads, strict=True):
        if isinstance(read, PageFault):
            log.warning("page %d unreadable: %s", source.number, read.message)
            page = _unreadable(source, read.message)
        else:
            page = _read_page(source, read, settings)
        _drop_scratch_image(source)
        yield page


def _without_ocr(source: PageSource) -> OcrPage:
    if source.blank:
        return _blank_page(source)
    text = source.text_layer or ""
    return OcrPage(
        number=source.number,
        text=text,
        words=source.text_words,
        source="text-layer",
        pdf_page=source.pdf_page,
    )


def _read_page(source: PageSource, read: PageRead, settings: OcrSettings) -> OcrPage:
    result = read.ocr
    confidence = result.mean_confidence
    return OcrPage(
        number=source.number,
        text=result.text,
        words=result.words,
        mean_confidence=confidence,
        low_confidence=confidence is not None and confidence < settings.low_confidence,
        pdf_page=source.pdf_page if read.overlay else result.pdf_page,
        text_overlay=result.pdf_page if read.overlay else None,
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
    return OcrPage(
        number=source.number, text="", source="unreadable", note=note, pdf_page=_image_only(source)
    )


def _blank_page(source: PageSource) -> OcrPage:
    try:
        pdf_page = _image_only(source)
    finally:
        _drop_scratch_image(source)
    return OcrPage(number=source.number, text="", source="blank", pdf_page=pdf_page, note="blank page")


def _image_only(source: PageSource) -> tuple[Path, int]:
    """The page's own PDF page, or a PDF page made of its image, with no text."""
    assert source.image is not None
    return source.pdf_page or (assemble.image_page(source.image, source.dpi), 0)


def _drop_scratch_image(source: PageSource) -> None:
    """Page images made in the scratch folder are deleted once read; the original is never touched."""
    if source.image is not None and source.image.parent.name == "pages":
        source.image.unlink(missing_ok=True)
