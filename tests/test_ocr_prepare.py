"""Page preparation on decoded images: speckle removal and straightening, each switchable in config."""

from __future__ import annotations

import random

import pytest
from PIL import Image, ImageChops, ImageFilter
from scenarios import lab_result

from bench.corpus import render_pages, skew, speckle, to_fax
from chartfile.ocr import orient
from chartfile.ocr.prepare import prepare
from chartfile.settings import OcrSettings


def fax_page(*, degrees: float = 0.0, specks: float = 0.0) -> Image.Image:
    page = render_pages([lab_result("Jane Roe", "01/02/1980", "123456")])[0]
    if degrees:
        page = skew(page, degrees)
    fax = to_fax(page, mode="fine")
    return speckle(fax, specks, random.Random(7)) if specks else fax


def same_pixels(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None


@pytest.mark.parametrize("density", [0.001, 0.01, 0.3, 0.5])
def test_fast_despeckle_gives_the_pixels_of_a_3x3_median(density: float) -> None:
    rng = random.Random(int(density * 1000))
    noise = Image.new("1", (301, 203), 1)
    for _ in range(int(301 * 203 * density)):
        noise.putpixel((rng.randrange(301), rng.randrange(203)), 0)
    median = noise.convert("L").filter(ImageFilter.MedianFilter(3)).convert("1", dither=Image.Dither.NONE)
    assert same_pixels(orient.despeckle(noise), median)


def test_a_clean_level_page_is_left_as_it_is() -> None:
    page = fax_page()
    prepared = prepare(page, OcrSettings())
    assert not prepared.changed and prepared.image is page


def test_a_speckled_skewed_fax_is_cleaned_then_levelled() -> None:
    page = fax_page(degrees=2.5, specks=0.004)
    prepared = prepare(page, OcrSettings())
    assert prepared.despeckled
    assert prepared.skew_degrees == pytest.approx(-2.5, abs=0.3)
    assert prepared.image.mode == "1" and prepared.image.size == page.size
    assert orient.speckle_ppm(prepared.image) < orient.speckle_ppm(page) / 10
    assert abs(orient.estimate_skew(prepared.image)) <= 0.3


def test_each_step_is_switched_off_in_config() -> None:
    page = fax_page(degrees=2.5, specks=0.004)
    prepared = prepare(page, OcrSettings(deskew=False, despeckle="off"))
    assert not prepared.changed and prepared.image is page
    only_levelled = prepare(page, OcrSettings(despeckle="off"))
    assert only_levelled.skew_degrees != 0 and not only_levelled.despeckled


def test_small_tilts_are_not_worth_a_rotation() -> None:
    page = fax_page(degrees=0.3)
    assert prepare(page, OcrSettings(min_deskew_degrees=0.5)).skew_degrees == 0.0
