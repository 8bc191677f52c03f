"""Write the whole corpus: ``python -m tests.support.corpus.make_corpus --out DIR``.

DIR/raw/ receives the reference tables, every case's file and one known-good CSV (so DIR/raw
can be ingested as it is); DIR/outside_raw/ the target of the symlink case; DIR/CASES.md the
list of cases with their expected outcome.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tests.support.corpus.cases import CASES, Case, write_case
from tests.support.helpers import ENTERPRISE_HEADERS, enterprise_row, write_csv, write_reference

GOOD_FILE = "enterprise_reports/zz_known_good.csv"


def write_good(raw: Path) -> Path:
    """One file every run must load, whatever sits next to it: 2 rows."""
    return write_csv(raw / GOOD_FILE, ENTERPRISE_HEADERS, [enterprise_row(1), enterprise_row(2)])


def expected(c: Case) -> str:
    if c.status == "rejected":
        text = f"rejected, reason has {', '.join(repr(r) for r in c.reason)}"
    elif c.rules:
        text = "rows rejected: " + ", ".join(
            f"{r}/{col}/{rule}" for r, col, rule in sorted(c.rules)
        )
    elif c.cells:
        text = "rows rejected: " + ", ".join(f"{r}/{col}" for r, col in sorted(c.cells))
    else:
        text = "loaded" + "".join(f", {k} = {v!r:.60}" for k, v in c.values.items())
    return text + (f" — XFAIL today: {c.xfail}" if c.xfail else "")


def make_corpus(out: Path) -> list[Path]:
    raw = out / "raw"
    write_reference(raw)
    write_good(raw)
    written = [write_case(raw, c) for c in CASES]
    lines = ["# Corpus of broken inputs", ""]
    lines += [f"- `{c.id}` (`{c.file}`): {c.description} → {expected(c)}" for c in CASES]
    (out / "CASES.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    written = make_corpus(args.out)
    print(f"{len(written)} cases written to {args.out / 'raw'}")


if __name__ == "__main__":
    main()
