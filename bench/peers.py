"""The references ingestion is measured against, on the same CSV files.

(a) the limit: DuckDB's ``read_csv`` into a table, no checks. Files of a source that share
    title-line count, delimiter and encoding are read by one ``read_csv`` call (``skip`` = the
    title lines, ``header``, ``all_varchar``, ``union_by_name``, ``null_padding``) into one
    table. Windows-1258 files are read as ``latin-1`` (DuckDB has no Windows-1258 decoder
    without the ``encodings`` extension; a single-byte decode either way: same work, some
    letters wrong).
(b) the peer: dlt, one resource per source yielding one pyarrow Table per file (read with
    ``pyarrow.csv``: same skip, delimiter and encoding, every column as text), loaded by
    ``pipeline.run`` into the duckdb destination — dlt's fast path for tabular data (arrow
    tables are written to Parquet and copied into DuckDB; no row-by-row normalisation).
"""

from __future__ import annotations

import csv
import os
import time
from collections import defaultdict
from pathlib import Path

import duckdb

from bench.dataset import CsvLayout, csv_layout

DUCKDB_ENCODING = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "cp1258": "latin-1"}


def csv_files(files: dict[str, list[Path]]) -> dict[str, list[tuple[Path, CsvLayout]]]:
    """Each source's CSV files with their layout (workbooks and other files left out)."""
    return {
        name: [(p, csv_layout(p)) for p in paths if p.suffix.lower() == ".csv"]
        for name, paths in files.items()
    }


def duckdb_limit(files: dict[str, list[Path]], db: Path) -> dict:
    """(a): read_csv of every CSV file into tables; returns seconds and rows."""
    groups: dict[tuple, list[str]] = defaultdict(list)
    for name, items in csv_files(files).items():
        for path, lay in items:
            groups[name, lay.skip, lay.delimiter, DUCKDB_ENCODING[lay.encoding]].append(str(path))
    started = time.perf_counter()
    rows, by_source = 0, {}
    with duckdb.connect(str(db)) as con:
        for i, ((name, skip, delim, encoding), paths) in enumerate(sorted(groups.items())):
            table = f"{name}_{i}"
            con.execute(
                f"create table {table} as select * from read_csv($files, skip = {skip}, "
                f"header = true, delim = '{delim}', quote = '\"', encoding = '{encoding}', "
                "all_varchar = true, union_by_name = true, null_padding = true)",
                {"files": paths},
            )
            n = con.execute(f"select count(*) from {table}").fetchone()[0]
            rows += n
            by_source[name] = by_source.get(name, 0) + n
        con.execute("checkpoint")
    return {
        "seconds": time.perf_counter() - started,
        "rows": rows,
        "calls": len(groups),
        "files": sum(len(p) for p in groups.values()),
        "by_source": by_source,
    }


def _arrow_table(path: Path, lay: CsvLayout):  # noqa: ANN202  (pyarrow.Table)
    import pyarrow as pa
    from pyarrow import csv as pacsv

    encoding = "utf-8" if lay.encoding == "utf-8-sig" else lay.encoding
    with path.open(encoding=lay.encoding, newline="") as fh:
        for _ in range(lay.skip):
            fh.readline()
        names = next(csv.reader(fh, delimiter=lay.delimiter))  # a header may span lines
    names = [n.strip() or f"column_{i}" for i, n in enumerate(names)]
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(
            skip_rows=lay.skip, column_names=names, skip_rows_after_names=1, encoding=encoding
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=lay.delimiter, newlines_in_values=True, invalid_row_handler=lambda row: "skip"
        ),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
    )


def dlt_load(files: dict[str, list[Path]], db: Path, work: Path) -> dict:
    """(b): a dlt pipeline loading every CSV file into DuckDB; returns seconds and rows."""
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    import dlt

    started = time.perf_counter()

    def resource(name: str, items: list[tuple[Path, CsvLayout]]):  # noqa: ANN202
        @dlt.resource(name=name, write_disposition="append")
        def read():  # noqa: ANN202
            for path, lay in items:
                yield _arrow_table(path, lay)

        return read

    resources = [resource(n, items) for n, items in csv_files(files).items() if items]
    pipeline = dlt.pipeline(
        pipeline_name="vlpipe_bench",
        pipelines_dir=str(work),
        destination=dlt.destinations.duckdb(str(db)),
        dataset_name="raw",
    )
    pipeline.run(resources)
    seconds = time.perf_counter() - started
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'raw' "
                "and table_name not like '\\_dlt%' escape '\\'"
            ).fetchall()
        ]
        rows = sum(con.execute(f'select count(*) from raw."{t}"').fetchone()[0] for t in tables)
    return {"seconds": seconds, "rows": rows, "tables": len(tables)}
