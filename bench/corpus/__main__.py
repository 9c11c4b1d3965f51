"""Command line: write a corpus (`python -m bench.corpus OUT --docs 200 --seed 7`).

`--half B` or `--families a,b` choose the layout families, `--master-size N` pads the master list, and
`--list-families` prints every layout family with its structure, half and sender, and exits.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .families import FAMILIES, FAMILY_NAMES, HALF_OF, HALVES
from .formats import FORMAT_NAMES
from .generate import generate_corpus
from .patients import default_patients_csv


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__)
    parser.add_argument("out", type=Path, nargs="?", help="output directory")
    parser.add_argument("--docs", type=int, default=200, help="number of documents (default 200)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--patients", type=Path, default=default_patients_csv(), help="Synthea patients.csv")
    parser.add_argument("--unlisted-fraction", type=float, default=0.25, help="share of unlisted people")
    parser.add_argument(
        "--formats",
        default=",".join(FORMAT_NAMES),
        help=f"comma-separated subset of {','.join(FORMAT_NAMES)}",
    )
    parser.add_argument("--families", default="", help="comma-separated layout families (default: all)")
    parser.add_argument("--half", choices=HALVES, help="only the families of this half of the split")
    parser.add_argument(
        "--master-size", type=int, default=0, help="pad the master list with synthetic patients to this size"
    )
    parser.add_argument("--list-families", action="store_true", help="print the layout families and exit")
    return parser


def list_families() -> str:
    """One line per family: name, structure, half, sender and document types."""
    rows = [
        f"{name:<22} {FAMILIES[name].structure:<12} {HALF_OF[name]}  {FAMILIES[name].sender} "
        f"({', '.join(FAMILIES[name].doc_types)})"
        for name in FAMILY_NAMES
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.list_families:
        print(list_families())
        return 0
    if args.out is None:
        parser.error("give an output directory")
    try:
        manifest = generate_corpus(
            args.out,
            n_docs=args.docs,
            seed=args.seed,
            patients_csv=args.patients,
            unlisted_fraction=args.unlisted_fraction,
            formats=_names(args.formats),
            families=_names(args.families) or None,
            half=args.half,
            master_size=args.master_size,
        )
    except ValueError as error:
        parser.error(str(error))
    print(manifest.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
