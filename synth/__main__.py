"""CLI: python -m synth --out DIR [--seed N] [--scale F] [--formats mixed|csv|xlsx]."""

from __future__ import annotations

import argparse
from pathlib import Path

from .core import generate


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, generate the dataset, print a one-line summary."""
    parser = argparse.ArgumentParser(
        prog="python -m synth", description="Write a seeded Vĩnh Linh sample dataset."
    )
    parser.add_argument("--out", type=Path, required=True, help="output (raw) directory")
    parser.add_argument("--seed", type=int, default=2022, help="random seed (default 2022)")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiplies units, spells and schemes (default 1.0)",
    )
    parser.add_argument(
        "--formats",
        choices=("mixed", "csv", "xlsx"),
        default="mixed",
        help="mixed: as the office receives them (default); csv or xlsx: "
        "every table in that format",
    )
    args = parser.parse_args(argv)
    truth = generate(args.out, seed=args.seed, scale=args.scale, formats=args.formats)
    print(truth.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
