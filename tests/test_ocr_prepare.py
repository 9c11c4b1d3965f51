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
    assert orient.isolated_specks_ppm(prepared.image) < orient.isolated_specks_ppm(page) / 10
    assert abs(orient.estimate_skew(prepared.image)) <= 0.3


def test_isolated_specks_tell_a_speckled_fine_fax_from_a_clean_one() -> None:
    clean, speckled = fax_page(), fax_page(specks=0.0005)
    threshold = OcrSettings().speck_ppm_threshold
    assert orient.isolated_specks_ppm(clean) < threshold < orient.isolated_specks_ppm(speckled)
    assert not prepare(clean, OcrSettings()).despeckled
    assert prepare(speckled, OcrSettings()).despeckled


def test_a_fine_fax_loses_only_its_specks_and_keeps_thin_strokes() -> None:
    """A 1-pixel stroke (small print at fax resolution) survives; a 3x3 majority would erase it. The
    specks of one to four pixels go; a 3x3 dot (a period) stays."""
    page = Image.new("1", (120, 60), 1)
    for x in range(10, 60):
        page.putpixel((x, 20), 0)  # a thin stroke
    for x, y in ((80, 10), (100, 40), (101, 40), (100, 41), (101, 41)):
        page.putpixel((x, y), 0)  # a 1-pixel and a 2x2 speck
    for x in range(90, 93):
        for y in range(50, 53):
            page.putpixel((x, y), 0)  # a period
    cleaned = orient.remove_specks(page)
    assert cleaned.mode == "1"
    assert all(cleaned.getpixel((x, 20)) == 0 for x in range(10, 60))
    assert cleaned.getpixel((80, 10)) != 0 and cleaned.getpixel((100, 40)) != 0
    assert all(cleaned.getpixel((x, y)) == 0 for x in range(90, 93) for y in range(50, 53))
    assert orient.despeckle(page).getpixel((30, 20)) != 0  # what the majority does to the stroke


def test_a_standard_fax_whose_rows_were_doubled_gets_the_majority() -> None:
    page = fax_page(specks=0.004)
    prepared = prepare(page, OcrSettings(deskew=False), rows_doubled=True)
    assert prepared.despeckled and same_pixels(prepared.image, orient.despeckle(page))


def test_each_step_is_switched_off_in_config() -> None:
    page = fax_page(degrees=2.5, specks=0.004)
    prepared = prepare(page, OcrSettings(deskew=False, despeckle="off"))
    assert not prepared.changed and prepared.image is page
    only_levelled = prepare(page, OcrSettings(despeckle="off"))
    assert only_levelled.skew_degrees != 0 and not only_levelled.despeckled


def test_small_tilts_are_not_worth_a_rotation() -> None:
    page = fax_page(degrees=0.3)
    assert prepare(page, OcrSettings(min_deskew_degrees=0.5)).skew_degrees == 0.0


def test_a_colour_page_keeps_its_colours_when_its_specks_go() -> None:
    page = Image.new("RGB", (40, 40), (255, 255, 255))
    page.putpixel((20, 20), (0, 0, 0))
    for x in range(5, 35):
        page.putpixel((x, 5), (200, 0, 0))  # a red rule: dark enough to be ink, not a speck
    cleaned = orient.remove_specks(page)
    assert cleaned.mode == "RGB" and cleaned.getpixel((20, 20)) == (255, 255, 255)
    assert cleaned.getpixel((10, 5)) == (200, 0, 0)
