"""OCR accuracy: raw Tesseract on each file as received vs chartfile's OCR stage, against known text.

    python -m bench.ocr_accuracy

Generated pages (one clinical text rendered as a 300-dpi scan, fax fine, fax standard, skewed +-3 degrees,
rotated 90 and 180, speckled) and the third-party pages in ../shared/data (tesseract-test,
ocrmypdf-resources). Prints character and word accuracy (1 - error rate, Levenshtein) per sample and
method. "resampled by hand" is what a person would do with a 204x98 fax: Lanczos to 300x300 dpi grey.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image
from rapidfuzz.distance import Levenshtein

from bench.corpus import (
    Line,
    PageText,
    render_pages,
    rotate_cardinal,
    skew,
    speckle,
    to_fax,
    write_png,
    write_tiff,
)
from bench.timing import FLOOR_ENV, incoming_copy
from chartfile.ocr.pool import OcrPool
from chartfile.ocr.recognize import recognize
from chartfile.ocr.tesseract import TesseractEngine
from chartfile.settings import OcrSettings

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
TEXT = """Patient was seen today for follow up of type 2 diabetes mellitus and hypertension.
Blood pressure 138/84, pulse 72, weight 201 pounds. Hemoglobin A1c improved to 7.1 percent.
Continue metformin 1000 mg twice daily and lisinopril 20 mg daily. Reviewed home glucose log.
Discussed diet, exercise and foot care. Referral to ophthalmology for a dilated eye examination.
Return to clinic in three months with fasting laboratory studies before the visit.
Signed electronically by the attending physician after review of the chart and results."""


def accuracy(truth: str, text: str) -> tuple[float, float]:
    """(character accuracy, word accuracy), each 1 - normalised edit distance, whitespace folded."""
    t_words, o_words = truth.split(), text.split()
    chars = 1.0 - Levenshtein.normalized_distance(" ".join(t_words), " ".join(o_words))
    words = 1.0 - Levenshtein.normalized_distance(t_words, o_words)
    return chars, words


def fine(image: Image.Image) -> Image.Image:
    return to_fax(image, mode="fine")


def generated_samples(folder: Path) -> list[tuple[str, Path, str]]:
    page = PageText([Line(line, size_pt=11) for line in TEXT.splitlines()], top_in=1.0)
    clean = render_pages([page])[0]
    rng = random.Random(5)
    samples: dict[str, tuple[Image.Image, tuple[int, int]]] = {
        "scan 300 dpi grey": (clean, (300, 300)),
        "fax fine 204x196": (fine(clean), (204, 196)),
        "fax standard 204x98": (to_fax(clean, mode="standard"), (204, 98)),
        "fax fine skewed +3": (fine(skew(clean, 3.0)), (204, 196)),
        "fax fine skewed -3": (fine(skew(clean, -3.0)), (204, 196)),
        # turned after faxing, so the page holds the same text (a sideways page faxed as it lies would be
        # shrunk and cropped to the fax width by the sending machine: a different page, not a rotation)
        "fax fine rotated 90": (rotate_cardinal(fine(clean), 90), (196, 204)),
        "fax fine rotated 180": (rotate_cardinal(fine(clean), 180), (204, 196)),
        "fax fine speckled": (speckle(fine(clean), 0.002, rng), (204, 196)),
    }
    out = []
    for name, (image, dpi) in samples.items():
        path = folder / (name.replace(" ", "_") + (".png" if image.mode != "1" else ".tif"))
        if image.mode == "1":
            write_tiff([image], path, compression="group4", dpi=dpi)
        else:
            write_png(image, path, dpi)
        out.append((name, path, TEXT))
    return out


def shared_samples() -> list[tuple[str, Path, str]]:
    linn = (SHARED / "ocrmypdf-resources/linn.txt").read_text()
    gold = (SHARED / "tesseract-test/phototest.gold.txt").read_text()
    pairs = [
        ("tesseract-test/phototest.tif", gold),
        ("tesseract-test/phototest-rotated-180.png", gold),
        ("tesseract-test/phototest-rotated-R.png", gold),
        ("tesseract-test/8087_054.3B.tif", (SHARED / "tesseract-test/8087_054.3B.txt").read_text()),
        ("tesseract-test/8071_093.3B.tif", (SHARED / "tesseract-test/8071_093.3B.txt").read_text()),
        ("ocrmypdf-resources/linn.png", linn),
        ("ocrmypdf-resources/ccitt.pdf", linn),
        ("ocrmypdf-resources/skew.pdf", linn),
        ("ocrmypdf-resources/rotated_skew.pdf", linn),
    ]
    return [(name, SHARED / name, truth) for name, truth in pairs if (SHARED / name).exists()]


def raw_text(path: Path, scratch: Path) -> str:
    """Plain tesseract on the file as received (a PDF's own embedded page image)."""
    if path.suffix == ".pdf":
        subprocess.run(
            ["pdfimages", "-f", "1", "-l", "1", "-png", str(path), str(scratch / "raw")], check=True
        )
        path = sorted(scratch.glob("raw-*"))[0]
    done = subprocess.run(
        ["tesseract", str(path), "-"], env=FLOOR_ENV, capture_output=True, text=True, check=True
    )
    return done.stdout


def resampled_by_hand(path: Path, scratch: Path) -> str:
    """The person's fix for a 204x98 fax: Lanczos to 300x300 dpi grey, then plain tesseract."""
    with Image.open(path) as image:
        xdpi, ydpi = image.info["dpi"]
        size = (round(image.width * 300 / xdpi), round(image.height * 300 / ydpi))
        image.convert("L").resize(size, Image.Resampling.LANCZOS).save(
            scratch / "by_hand.png", dpi=(300, 300)
        )
    return raw_text(scratch / "by_hand.png", scratch)


def stage_text(path: Path, scratch: Path, pool: OcrPool, engine: TesseractEngine) -> str:
    work = scratch / "stage"
    shutil.rmtree(work, ignore_errors=True)
    result = recognize(incoming_copy(path, work), OcrSettings(workers=2), engine=engine, pool=pool)
    return result.pages[0].text


def main() -> None:
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
    engine = TesseractEngine(language="eng", timeout_seconds=300)
    with tempfile.TemporaryDirectory(prefix="chartfile-ocr-acc-") as tmp, OcrPool(2) as pool:
        root = Path(tmp)
        print(
            f"{'sample':<44}{'raw chars':>10}{'raw words':>10}{'chartfile chars':>16}{'chartfile words':>16}"
        )
        for name, path, truth in generated_samples(root) + shared_samples():
            scratch = root / "scratch"
            shutil.rmtree(scratch, ignore_errors=True)
            scratch.mkdir()
            rc, rw = accuracy(truth, raw_text(path, scratch))
            cc, cw = accuracy(truth, stage_text(path, scratch, pool, engine))
            print(f"{name:<44}{rc:>10.3f}{rw:>10.3f}{cc:>16.3f}{cw:>16.3f}")
            if "standard" in name:
                hc, hw = accuracy(truth, resampled_by_hand(path, scratch))
                print(f"{'  same page resampled by hand (raw)':<44}{hc:>10.3f}{hw:>10.3f}")


if __name__ == "__main__":
    main()
