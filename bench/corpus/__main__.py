"""Command line: `python -m bench.corpus OUT --docs 200 --seed 7 [--patients PATH]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from .formats import FORMAT_NAMES
from .generate import generate_corpus
from .patients import default_patients_csv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__)
    parser.add_argument("out", type=Path, help="output directory")
    parser.add_argument("--docs", type=int, default=200, help="number of documents (default 200)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--patients", type=Path, default=default_patients_csv(), help="Synthea patients.csv")
    parser.add_argument("--unlisted-fraction", type=float, default=0.25, help="share of unlisted people")
    parser.add_argument(
        "--formats",
        default=",".join(FORMAT_NAMES),
        help=f"comma-separated subset of {','.join(FORMAT_NAMES)}",
    )
    args = parser.parse_args(argv)
    manifest = generate_corpus(
        args.out,
        n_docs=args.docs,
        seed=args.seed,
        patients_csv=args.patients,
        unlisted_fraction=args.unlisted_fraction,
        formats=[f.strip() for f in args.formats.split(",") if f.strip()],
    )
    print(manifest.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
