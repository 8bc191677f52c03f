"""CLI: python -m synth --out DIR [--seed N] [--scale F] [--formats mixed|csv|xlsx]
[--areas N]."""

from __future__ import annotations

import argparse
from pathlib import Path

from .province import generate_province


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, generate the dataset, print a one-line summary."""
    parser = argparse.ArgumentParser(
        prog="python -m synth",
        description="Write a seeded sample dataset: Vĩnh Linh, or a province of N areas.",
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
    parser.add_argument(
        "--areas",
        type=int,
        default=1,
        help="areas of the province (default 1: Vĩnh Linh in DIR itself; from 2 on each "
        "area in its folder, listed in DIR/reference/areas.csv)",
    )
    args = parser.parse_args(argv)
    if args.areas < 1:
        parser.error("--areas must be at least 1")
    province = generate_province(
        args.out, seed=args.seed, scale=args.scale, areas=args.areas, formats=args.formats
    )
    print(province.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
