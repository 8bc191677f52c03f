"""One measured stage in a process of its own: ``python -m bench.stages STAGE --raw DIR
--out DIR [--profile FILE]``. Prints its result as one JSON line after ``RESULT_MARK``.

Stages: ``duckdb`` (a), ``duckdb_files`` (smallfiles (i): each CSV file by its own
``read_csv``), ``dlt`` (b), ``ingest`` (c), ``xlsx`` (f), ``prefect`` (a trivial
flow run: Prefect's own start-up, with the environment ``vlpipe run`` sets).
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

RESULT_MARK = "BENCH-RESULT "


def _prefect() -> dict:
    started = time.perf_counter()
    from flows.config import configure_prefect_environment

    configure_prefect_environment()
    from prefect import flow

    @flow(name="bench-noop")
    def noop() -> int:
        return 1

    noop()
    return {"seconds": time.perf_counter() - started}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stages")
    parser.add_argument(
        "stage", choices=("duckdb", "duckdb_files", "dlt", "ingest", "xlsx", "prefect")
    )
    parser.add_argument("--raw", type=Path)
    parser.add_argument("--out", type=Path, help="a fresh folder for the stage's outputs")
    parser.add_argument("--profile", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.out:
        shutil.rmtree(args.out, ignore_errors=True)
        args.out.mkdir(parents=True)
    if args.stage == "prefect":
        result = _prefect()
    elif args.stage == "duckdb_files":
        from bench.smallfiles import duckdb_one_by_one

        result = duckdb_one_by_one(args.raw, args.out / "files.duckdb")
    else:
        from bench.dataset import Dataset

        files = Dataset(args.raw, 0, "").files()
        if args.stage == "duckdb":
            from bench.peers import duckdb_limit

            result = duckdb_limit(files, args.out / "limit.duckdb")
        elif args.stage == "dlt":
            from bench.peers import dlt_load

            result = dlt_load(files, args.out / "dlt.duckdb", args.out / "dlt")
        elif args.stage == "ingest":
            from bench.ours import ingest

            result = ingest(args.raw, args.out / "pipeline.duckdb", args.profile)
        else:
            from bench.ours import xlsx

            result = xlsx(files)
    print(RESULT_MARK + json.dumps(result, default=str), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
