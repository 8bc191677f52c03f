"""vlpipe's own stages, called directly (no Prefect): ingestion, and reading workbooks.

(c) ``ingest``: every declared source, in the flow's order, into a fresh private DuckDB,
    references reloaded before each source and one connection per source (with the flow's
    DuckDB memory ceiling, `VLPIPE_DUCKDB_MEMORY`), each source once per area of a
    province (``flows.areas.bound``), as the flow's ingest task does; the PII key comes
    from ``VLPIPE_PII_KEY``.
(f) ``xlsx``: each workbook read bare (python-calamine ``to_python``; fastexcel to Arrow)
    and by our reader alone, then read + header + parse.
"""

from __future__ import annotations

import cProfile
import os
import time
import uuid
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path


class _InlineExecutor:
    """A stand-in for ThreadPoolExecutor running each task at once in the calling thread,
    so that cProfile (which sees one thread) sees every file's work."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def __enter__(self) -> _InlineExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, fn, *args, **kwargs) -> Future:  # noqa: ANN001
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001  (handed back as the pool would)
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True) -> None:
        return None


@contextmanager
def _inline_pool():  # noqa: ANN202
    from flows.ingest import pipeline

    saved = getattr(pipeline, "ThreadPoolExecutor", None)
    if saved is not None:
        pipeline.ThreadPoolExecutor = _InlineExecutor
    try:
        yield
    finally:
        if saved is not None:
            pipeline.ThreadPoolExecutor = saved


def ingest(raw: Path, db: Path, profile: Path | None = None) -> dict:
    """(c): ingest every source of ``raw`` into ``db``; seconds, rows and file outcomes.

    With ``profile``, the run is profiled (cProfile, files parsed in the main thread) and
    the stats written there: a profiled run is slower, its time is not the measurement.
    """
    from flows import areas
    from flows.config import connect, pii_key
    from flows.ingest import ledger
    from flows.ingest.pipeline import ingest_source
    from flows.ingest.references import load_references
    from schemas.reference import AREAS
    from schemas.registry import SOURCES

    run_id = str(uuid.uuid4())
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    with _inline_pool() if profile else _nothing():
        if profiler:
            profiler.enable()
        with connect(db) as con:
            ledger.ensure_ops(con)
            ledger.start_run(con, run_id, "VL-2022")
        outcomes = []
        for source in SOURCES:
            key = pii_key() if source.has_pii else None
            with connect(db) as con:
                refs = load_references(con)
                for in_area in areas.bound(source, areas.declared(con)):
                    outcomes += ingest_source(con, in_area, raw, run_id, refs, key)
                if source.name == AREAS.name:
                    ledger.retag_area_list(con, areas.root(areas.declared(con)).code)
        if profiler:
            profiler.disable()
    seconds = time.perf_counter() - started
    if profiler:
        profiler.dump_stats(str(profile))
    status: dict[str, int] = {}
    for o in outcomes:
        status[o.status] = status.get(o.status, 0) + 1
    return {
        "seconds": seconds,
        "files": len(outcomes),
        "status": status,
        "rows": sum(o.rows_loaded for o in outcomes),
        "rows_rejected": sum(o.rows_rejected for o in outcomes),
        "workers": os.environ.get("VLPIPE_WORKERS") or os.cpu_count(),
    }


@contextmanager
def _nothing():  # noqa: ANN202
    yield


def xlsx(files: dict[str, list[Path]]) -> dict:
    """(f): the workbooks of every source read bare and by our reader; seconds per way."""
    import fastexcel
    import python_calamine

    from flows.ingest.header import locate_header
    from flows.ingest.parse import parse_grid
    from flows.ingest.readers import FileRejected, read_grids
    from schemas.registry import get_source

    books = [
        (name, p)
        for name, paths in files.items()
        for p in paths
        if p.suffix.lower() == ".xlsx" and p.read_bytes()[:4] == b"PK\x03\x04"
    ]
    result: dict[str, float | int] = {
        "workbooks": len(books),
        "mb": sum(p.stat().st_size for _, p in books) / 1e6,
    }
    started, cells = time.perf_counter(), 0
    for _, path in books:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            cells += sum(len(r) for r in rows)
    result["calamine_seconds"], result["cells"] = time.perf_counter() - started, cells
    started = time.perf_counter()
    for _, path in books:
        reader = fastexcel.read_excel(str(path))
        for name in reader.sheet_names:
            reader.load_sheet(name, header_row=None).to_arrow()
    result["fastexcel_seconds"] = time.perf_counter() - started
    started, rows = time.perf_counter(), 0
    for _, path in books:
        rows += sum(g.frame.height for g in read_grids(path))
    result["read_seconds"], result["grid_rows"] = time.perf_counter() - started, rows
    started, parsed = time.perf_counter(), 0
    for name, path in books:
        try:
            match = locate_header(read_grids(path), get_source(name))
            parsed += parse_grid(match, get_source(name)).frame.height
        except FileRejected:
            continue
    result["parse_seconds"], result["parsed_rows"] = time.perf_counter() - started, parsed
    return result
