"""The one path every declared source takes: discover → read → parse → validate → load.

Each file is loaded in one DuckDB transaction: its good rows, its rejected rows with their
reasons, and its ledger entry, all or nothing. A file that cannot be used is recorded as
rejected with its reason and the run goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import polars as pl

from flows.ingest import ledger
from flows.ingest.header import locate_header
from flows.ingest.parse import parse_grid
from flows.ingest.readers import FileRejected, read_grids
from flows.ingest.references import References
from flows.ingest.validate import mask_personal_data, resolve_lookups, validate
from schemas.base import Pii, Source, pseudonym_column
from schemas.messages import file_message, row_message

log = logging.getLogger("vlpipe.ingest")
IGNORED_PREFIXES = (".", "~$")
WORKERS_ENV = "VLPIPE_WORKERS"
PREFETCH_ENV = "VLPIPE_PREFETCH_MB"  # source bytes parsed ahead of the loader


@dataclass
class FileOutcome:
    source: str
    file_name: str
    sha256: str | None
    status: str  # loaded | skipped | rejected
    rows_loaded: int = 0
    rows_rejected: int = 0
    reason: str | None = None
    sheet: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def discover(raw_dir: Path, source: Source) -> Iterator[Path]:
    """The source's files, oldest first (modification time, then name)."""
    folder = raw_dir / source.folder
    if not folder.is_dir():
        return iter(())
    found = [
        p for p in folder.glob(source.files)
        if not p.name.startswith(IGNORED_PREFIXES) and (p.is_file() or p.is_symlink())
        and not any(part.startswith(".") for part in p.relative_to(raw_dir).parts)
    ]
    return iter(sorted(found, key=lambda p: (p.lstat().st_mtime,
                                             p.relative_to(raw_dir).as_posix())))


def workers() -> int:
    """Files parsed at once (``VLPIPE_WORKERS``, default: the machine's cores)."""
    return max(1, int(os.environ.get(WORKERS_ENV) or os.cpu_count() or 1))


def ingest_source(con: duckdb.DuckDBPyConnection, source: Source, raw_dir: Path, run_id: str,
                  refs: References, pii_key: bytes | None,
                  logger: logging.Logger | logging.LoggerAdapter = log) -> list[FileOutcome]:
    """Ingest every new file of a source, logging each outcome as it happens.

    Files are read, parsed and validated by a pool of threads (polars and calamine release
    the GIL), at most ``workers()`` files and ``VLPIPE_PREFETCH_MB`` (default 128) of source
    bytes ahead of the loader, so memory holds a bounded amount of data whatever the files'
    number; this thread alone writes to DuckDB, one transaction per file, in discovery
    order.
    """
    ledger.ensure_raw_table(con, source)
    known = ledger.known_digests(con, source.name)
    paths = list(discover(raw_dir, source))
    outcomes = []
    budget = float(os.environ.get(PREFETCH_ENV, "128")) * 1024 * 1024
    with ThreadPoolExecutor(max_workers=workers(), thread_name_prefix="parse") as pool:
        pending: deque[tuple[Future[Prepared], int]] = deque()
        queue = iter(paths)

        def refill() -> None:
            """Keep up to workers() files in flight, within the byte budget (at least one
            file): memory holds a bounded amount of data whatever the files' number or size."""
            while len(pending) < workers():
                in_flight = sum(size for _, size in pending)
                if pending and in_flight >= budget:
                    return
                path = next(queue, None)
                if path is None:
                    return
                size = path.lstat().st_size
                pending.append((pool.submit(prepare_file, source, raw_dir, path, refs, known),
                                size))

        refill()
        for i in range(1, len(paths) + 1):
            prepared = pending.popleft()[0].result()
            refill()
            outcome = load_prepared(con, source, prepared, run_id, pii_key)
            if outcome.status != "skipped":
                logger.info("[%d/%d] %s: %s — %d rows loaded, %d rejected%s", i, len(paths),
                            outcome.file_name, outcome.status, outcome.rows_loaded,
                            outcome.rows_rejected,
                            f" ({outcome.reason})" if outcome.reason else "")
            outcomes.append(outcome)
    skipped = sum(o.status == "skipped" for o in outcomes)
    if skipped:
        logger.info("%d of %d files already loaded (skipped)", skipped, len(paths))
    return outcomes


def ingest_file(con: duckdb.DuckDBPyConnection, source: Source, raw_dir: Path, path: Path,
                run_id: str, refs: References, pii_key: bytes | None) -> FileOutcome:
    """Load one file, or record why not; whatever is in the file, the run goes on."""
    prepared = prepare_file(source, raw_dir, path, refs, ledger.known_digests(con, source.name))
    return load_prepared(con, source, prepared, run_id, pii_key)


@dataclass
class Prepared:
    """A file read, parsed and validated, ready for the loader (no database touched yet)."""

    path: Path
    rel: str
    digest: str | None = None
    known: bool = False  # content already in the ledger: not parsed
    not_recorded: str | None = None  # a rejection that must not stick to the content
    reason: str | None = None  # the file is rejected as a whole
    sheet: str | None = None
    good: pl.DataFrame | None = None
    messages: pl.DataFrame | None = None
    note: str | None = None


def prepare_file(source: Source, raw_dir: Path, path: Path, refs: References,
                 known: set[str]) -> Prepared:
    """Read, parse and validate one file; never raises (an unforeseen failure is recorded
    as an internal error, by its type only: its text could quote a cell)."""
    rel = path.relative_to(raw_dir).as_posix()
    try:
        return _prepare(source, raw_dir, path, rel, refs, known)
    except Exception as exc:  # a bug or an input we did not foresee: never stop the run
        if not source.has_pii:  # the traceback helps a maintainer; it may quote a cell
            log.exception("%s: %s", rel, type(exc).__name__)
        return Prepared(path, rel, not_recorded=file_message("internal_error",
                                                             type(exc).__name__))


def _prepare(source: Source, raw_dir: Path, path: Path, rel: str, refs: References,
             known: set[str]) -> Prepared:
    if path.is_symlink() and not path.resolve().is_relative_to(raw_dir.resolve()):
        return Prepared(path, rel, not_recorded=file_message(
            "unreadable", "liên kết ra ngoài thư mục raw / symlink outside raw"))
    if not path.is_file():
        return Prepared(path, rel, not_recorded=file_message(
            "unreadable", "không phải tệp thường / not a regular file"))
    digest = sha256_of(path)
    if digest in known:
        return Prepared(path, rel, digest, known=True)
    try:
        grids = read_grids(path)
        match = locate_header(grids, source)
        parsed = parse_grid(match, source)
        frame = resolve_lookups(parsed.frame, source, refs)
        checked = validate(frame, parsed.text, source, refs, parsed.errors)
        # A cell that could not be parsed is NULL to the contract: report it once, as unparsed.
        checked = checked.join(parsed.errors.select("_row", "column").unique(),
                               on=["_row", "column"], how="anti")
        errors = pl.concat([parsed.errors, checked], how="vertical")
    except FileRejected as exc:
        return Prepared(path, rel, digest, reason=file_message(exc.rule, exc.detail))
    if frame.height == 0:
        return Prepared(path, rel, digest, reason=file_message("empty"), sheet=match.grid.sheet)
    errors = mask_personal_data(errors.unique(), source)
    good = frame.filter(~pl.col("_row").is_in(errors["_row"].implode()))
    messages = _render(errors, source, match.written, rel, match.grid.sheet)
    return Prepared(path, rel, digest, sheet=match.grid.sheet, good=good, messages=messages,
                    note=parsed.note)


def load_prepared(con: duckdb.DuckDBPyConnection, source: Source, p: Prepared, run_id: str,
                  pii_key: bytes | None) -> FileOutcome:
    """Record a prepared file in the ledger and load its rows (the single writer)."""
    if p.not_recorded:
        return _not_recorded(con, source, p.rel, p.digest, run_id, p.not_recorded)
    earlier = ledger.known_file(con, source.name, p.digest)  # also a copy loaded this run
    if earlier is not None:
        reason = f"đã xử lý: {earlier[0]} ({earlier[1]}) / already processed"
        ledger.record_event(con, run_id, source.name, p.rel, p.digest, "skipped", 0, 0, reason)
        return FileOutcome(source.name, p.rel, p.digest, "skipped", reason=reason)
    if p.known:  # in the ledger when the run began, gone since: cannot happen, but be safe
        return _not_recorded(con, source, p.rel, p.digest, run_id,
                             file_message("internal_error", "ledger changed"))
    if source.has_pii and pii_key is None:
        return _not_recorded(con, source, p.rel, p.digest, run_id, file_message("no_pii_key"))
    if source.has_pii and not ledger.pii_key_matches(con, pii_key):
        return _not_recorded(con, source, p.rel, p.digest, run_id,
                             file_message("pii_key_changed"))
    try:
        return _commit(con, source, p.path, p.rel, p.digest, run_id, p.sheet, p.good,
                       p.messages, p.reason, pii_key, note=p.note)
    except Exception as exc:  # the transaction was rolled back: retried next run
        log.error("%s: %s while loading", p.rel, type(exc).__name__)
        return _not_recorded(con, source, p.rel, p.digest, run_id,
                             file_message("internal_error", type(exc).__name__))


def _not_recorded(con: duckdb.DuckDBPyConnection, source: Source, rel: str, digest: str | None,
                  run_id: str, reason: str) -> FileOutcome:
    """A rejection that must not stick to the content (retried in a later run)."""
    ledger.record_event(con, run_id, source.name, rel, digest, "rejected", 0, 0, reason)
    return FileOutcome(source.name, rel, digest, "rejected", reason=reason)


def _render(errors: pl.DataFrame, source: Source, written: dict[str, str], file_name: str,
            sheet: str | None) -> pl.DataFrame:
    """Rejection rows with their Vietnamese and English messages."""
    rows = []
    for e in errors.sort("_row", "column").iter_rows(named=True):
        header = written.get(e["column"]) or source.field(e["column"]).header
        vi, en = row_message(e["rule"], header, e["value"], e["detail"] or "")
        rows.append({"source": source.name, "file_name": file_name, "sheet": sheet,
                     "row_number": e["_row"], "column_name": e["column"], "value": e["value"],
                     "rule": e["rule"], "message_vi": vi, "message_en": en})
    return pl.DataFrame(rows, schema={
        "source": pl.Utf8, "file_name": pl.Utf8, "sheet": pl.Utf8, "row_number": pl.Int32,
        "column_name": pl.Utf8, "value": pl.Utf8, "rule": pl.Utf8, "message_vi": pl.Utf8,
        "message_en": pl.Utf8})


def _insert_rows(con: duckdb.DuckDBPyConnection, source: Source, good: pl.DataFrame,
                 file_id: int, sheet: str | None, run_id: str, pii_key: bytes | None) -> None:
    """Insert typed rows; personal data is pseudonymised or dropped inside DuckDB."""
    selects = []
    for f in source.fields:
        if f.pii is Pii.DROP:
            continue
        if f.pii is Pii.PSEUDONYMISE:
            selects.append(f"{_hmac_sql(f.name)} as {pseudonym_column(f.name)}")
            continue
        selects.append(f.name)
        if f.resolved_as:
            selects.append(f.resolved_as)
    if source.keep_extra_columns:
        selects.append("_extra" if "_extra" in good.columns else "null::varchar as _extra")
    selects += ["$file_id as _file_id", "$file_id as _file_seq", "_row as _source_row",
                "$sheet as _sheet", "$run_id as _run_id"]
    params: dict[str, object] = {"file_id": file_id, "sheet": sheet, "run_id": run_id}
    if source.has_pii:
        block = pii_key.ljust(64, b"\0") if len(pii_key) <= 64 else hashlib.sha256(
            pii_key).digest().ljust(64, b"\0")
        params["ipad"] = bytes(b ^ 0x36 for b in block)
        params["opad"] = bytes(b ^ 0x5C for b in block)
    batch = good.to_arrow()  # noqa: F841  (read by DuckDB's replacement scan)
    con.execute(f"insert into raw.{source.table} by name select {', '.join(selects)} "
                "from batch", params)


def _hmac_sql(column: str) -> str:
    """HMAC-SHA-256 of a text column, computed in bulk by DuckDB (RFC 2104 construction)."""
    return f"sha256($opad || unhex(sha256($ipad || encode({column}))))"


def _commit(con: duckdb.DuckDBPyConnection, source: Source, path: Path, rel: str, digest: str,
            run_id: str, sheet: str | None, good: pl.DataFrame | None,
            messages: pl.DataFrame | None, reason: str | None,
            pii_key: bytes | None, note: str | None = None) -> FileOutcome:
    """Record the file and load its rows in one transaction.

    ``reason`` rejects the whole file; ``note`` is a remark on a loaded file (e.g. optional
    columns it lacks), kept in the same place so the office sees it.
    """
    stat = path.stat()
    status = "rejected" if reason else "loaded"
    reason = reason or note
    rows_loaded = 0 if good is None else good.height
    rows_rejected = 0 if messages is None else messages.filter(
        pl.col("rule") != "total_mismatch")["row_number"].n_unique()
    con.begin()
    try:
        file_id = con.execute("select nextval('ops.file_id_seq')").fetchone()[0]
        con.execute(
            "insert into ops.files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [file_id, file_id, source.name, rel, digest, stat.st_size,
             dt.datetime.fromtimestamp(stat.st_mtime), run_id, status, sheet, rows_loaded,
             rows_rejected, reason])
        if good is not None and good.height:
            _insert_rows(con, source, good, file_id, sheet, run_id, pii_key)
        if messages is not None and messages.height:
            rejected = messages.to_arrow()  # noqa: F841
            con.execute(
                "insert into ops.rejections select $run_id, $file_id, source, file_name, sheet, "
                "row_number, column_name, value, rule, message_vi, message_en from rejected",
                {"run_id": run_id, "file_id": file_id})
        ledger.record_event(con, run_id, source.name, rel, digest, status, rows_loaded,
                            rows_rejected, reason)
        con.commit()
    except Exception:
        con.rollback()
        raise
    return FileOutcome(source.name, rel, digest, status, rows_loaded, rows_rejected, reason,
                       sheet)
