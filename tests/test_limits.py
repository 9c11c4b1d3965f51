"""The resource limits and the pixel budget on their own: what is refused, and what waits for what."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from chartfile.ocr.budget import PixelBudget
from chartfile.ocr.limits import Limits, OverLimitError
from chartfile.settings import OcrSettings

LIMITS = Limits.of(OcrSettings(max_page_megapixels=40, max_pages=10, max_work_mb=16))


@pytest.mark.parametrize(
    ("width", "height", "colour", "refused"),
    [
        pytest.param(5100, 6600, False, False, id="letter-600dpi-grey"),
        pytest.param(1728, 2200, False, False, id="fine-fax"),
        pytest.param(2550, 3300, True, False, id="letter-300dpi-colour"),
        pytest.param(5100, 6600, True, True, id="letter-600dpi-colour"),
        pytest.param(25_000, 25_000, False, True, id="tiff-bomb"),
        pytest.param(6400, 6300, False, True, id="just-over"),
    ],
)
def test_a_page_is_refused_above_the_limit_colour_counting_more(
    width: int, height: int, colour: bool, refused: bool
) -> None:
    if not refused:
        LIMITS.check_page(1, width, height, colour=colour)
        return
    with pytest.raises(OverLimitError, match=r"over the limit of 40 \(ocr.max_page_megapixels\)"):
        LIMITS.check_page(1, width, height, colour=colour)


def test_a_pdf_page_is_sized_at_the_dpi_it_would_be_rendered_at() -> None:
    LIMITS.check_pdf_page(1, 612, 792, dpi=300)  # letter
    with pytest.raises(OverLimitError, match="30000 x 30000 pixels at 300 dpi"):
        LIMITS.check_pdf_page(1, 7200, 7200, dpi=300)


def test_pages_and_work_space_have_their_budgets(tmp_path: Path) -> None:
    LIMITS.check_pages(10)
    with pytest.raises(OverLimitError, match="11 pages, over the limit of 10"):
        LIMITS.check_pages(11)
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "page-0001.tif").write_bytes(bytes(10 * 2**20))
    LIMITS.check_work(tmp_path, document_id=7)
    (tmp_path / "searchable.pdf").write_bytes(bytes(7 * 2**20))
    with pytest.raises(OverLimitError, match="document 7 needs more than 16 MB"):
        LIMITS.check_work(tmp_path, document_id=7)


def test_the_budget_lets_small_pages_side_by_side_and_a_full_size_page_alone() -> None:
    budget = PixelBudget(100)
    inside: list[int] = []
    seen_together: list[tuple[int, ...]] = []
    lock = threading.Lock()
    release, three_in = threading.Event(), threading.Event()

    def page(pixels: int) -> None:
        with budget.hold(pixels):
            with lock:
                inside.append(pixels)
                seen_together.append(tuple(inside))
                if len(inside) == 3:
                    three_in.set()
            release.wait(5)
            with lock:
                inside.remove(pixels)

    small = [threading.Thread(target=page, args=(30,)) for _ in range(3)]
    for thread in small:
        thread.start()
    assert three_in.wait(5)
    large = threading.Thread(target=page, args=(1000,))  # over the budget: it waits for all of it
    large.start()
    release.set()
    for thread in [*small, large]:
        thread.join(10)
    assert not any(t.is_alive() for t in [*small, large])
    assert inside == [] and (30, 30, 30) in seen_together  # the small ones went side by side
    assert all(len(pages) == 1 for pages in seen_together if 1000 in pages)  # the large one alone
