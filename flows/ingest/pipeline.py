"""The one path every declared source takes: discover → read → parse → validate → load.

Each file is loaded in one DuckDB transaction: its good rows, its rejected rows with their
reasons, and its ledger entry, all or nothing. A file that cannot be used is recorded as
rejected with its reason and the run goes on.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from flows.ingest import ledger
from flows.ingest.batched import Plan, load_in_batches, plan
from flows.ingest.header import locate_header
from flows.ingest.load import (
    FileOutcome,
    insert_file,
    insert_messages,
    insert_rows,
    next_file_id,
    rejected_row_count,
    render,
)
from flows.ingest.parse import parse_grid
from flows.ingest.readers import FileRejected, read_grids, read_in_batches
from flows.ingest.references import References, with_history
from flows.ingest.validate import mask_personal_data, resolve_lookups, validate
from schemas.base import Source
from schemas.messages import file_message

log = logging.getLogger("vlpipe.ingest")
IGNORED_PREFIXES = (".", "~$")
WORKERS_ENV = "VLPIPE_WORKERS"
PREFETCH_ENV = "VLPIPE_PREFETCH_MB"  # source bytes parsed ahead of the loader
REHASH_ENV = "VLPIPE_REHASH"  # "1": hash every file, even one whose size and mtime are known


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
    known = Known.of(con, source.name)
    refs = with_history(con, source, refs)  # one query: each unit's values so far
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
                # A file read in batches holds one batch at a time, not its size.
                size = 0 if read_in_batches(path) else path.lstat().st_size
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


def unchanged_files(con: duckdb.DuckDBPyConnection, source: Source,
                    raw_dir: Path) -> list[tuple[str, str]] | None:
    """(file name, SHA-256) of each of the source's files if every one is already in the
    ledger with its size and mtime unchanged, else None: nothing to read, nothing to hash."""
    ledger.ensure_raw_table(con, source)
    known = Known.of(con, source.name)
    found = []
    for path in discover(raw_dir, source):
        rel = path.relative_to(raw_dir).as_posix()
        try:
            stat = path.stat()
        except OSError:
            return None
        seen = known.stats.get(rel)
        if not (path.is_file() and seen and seen[:2] == (stat.st_size, stat.st_mtime_ns)
                and seen[2] in known.digests):
            return None
        found.append((rel, seen[2]))
    return found


def record_unchanged(con: duckdb.DuckDBPyConnection, source: Source,
                     files: list[tuple[str, str]], run_id: str) -> list[FileOutcome]:
    """Each unchanged file recorded as skipped, as :func:`load_prepared` records it."""
    outcomes = []
    for rel, digest in files:
        earlier = ledger.known_file(con, source.name, digest)
        reason = f"đã xử lý: {earlier[0]} ({earlier[1]}) / already processed"
        ledger.record_event(con, run_id, source.name, rel, digest, "skipped", 0, 0, reason)
        outcomes.append(FileOutcome(source.name, rel, digest, "skipped", reason=reason))
    return outcomes


def ingest_file(con: duckdb.DuckDBPyConnection, source: Source, raw_dir: Path, path: Path,
                run_id: str, refs: References, pii_key: bytes | None) -> FileOutcome:
    """Load one file, or record why not; whatever is in the file, the run goes on."""
    prepared = prepare_file(source, raw_dir, path, with_history(con, source, refs),
                            Known.of(con, source.name))
    return load_prepared(con, source, prepared, run_id, pii_key)


@dataclass
class Known:
    """What the ledger knows of a source when the run begins."""

    digests: set[str]  # contents already processed
    stats: dict[str, tuple[int, int, str]]  # file name → (size, mtime_ns, SHA-256) last seen

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection, source: str) -> Known:
        stats = {} if os.environ.get(REHASH_ENV) == "1" else ledger.known_stats(con, source)
        return cls(ledger.known_digests(con, source), stats)

    def digest(self, rel: str, stat: os.stat_result, path: Path) -> tuple[str, bool]:
        """The file's SHA-256 and whether it was computed now: remembered if the file's size
        and mtime are those last hashed (an unchanged file of a gigabyte is not read again
        every night)."""
        seen = self.stats.get(rel)
        if seen and seen[:2] == (stat.st_size, stat.st_mtime_ns) and seen[2] in self.digests:
            return seen[2], False
        return sha256_of(path), True


@dataclass
class Prepared:
    """A file read, parsed and validated, ready for the loader (no database touched yet)."""

    path: Path
    rel: str
    digest: str | None = None
    known: bool = False  # content already in the ledger: not parsed
    hashed: tuple[int, int] | None = None  # (size, mtime_ns) before hashing, if hashed now
    not_recorded: str | None = None  # a rejection that must not stick to the content
    reason: str | None = None  # the file is rejected as a whole
    sheet: str | None = None
    good: pl.DataFrame | None = None
    messages: pl.DataFrame | None = None
    note: str | None = None
    batched: Plan | None = None  # a large CSV: checked and loaded batch by batch


def prepare_file(source: Source, raw_dir: Path, path: Path, refs: References,
                 known: Known) -> Prepared:
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
             known: Known) -> Prepared:
    if path.is_symlink() and not path.resolve().is_relative_to(raw_dir.resolve()):
        return Prepared(path, rel, not_recorded=file_message(
            "unreadable", "liên kết ra ngoài thư mục raw / symlink outside raw"))
    if not path.is_file():
        return Prepared(path, rel, not_recorded=file_message(
            "unreadable", "không phải tệp thường / not a regular file"))
    stat = path.stat()  # before hashing: a file changed meanwhile is hashed again next run
    digest, fresh = known.digest(rel, stat, path)
    prepared = _parse(source, path, rel, refs, digest) if digest not in known.digests else \
        Prepared(path, rel, digest, known=True)
    if fresh:
        prepared.hashed = (stat.st_size, stat.st_mtime_ns)
    return prepared


def _parse(source: Source, path: Path, rel: str, refs: References, digest: str) -> Prepared:
    try:
        if read_in_batches(path):  # first pass here; checked and loaded batch by batch
            return Prepared(path, rel, digest, batched=plan(path, source, refs))
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
    messages = render(errors, source, match.written, rel, match.grid.sheet)
    return Prepared(path, rel, digest, sheet=match.grid.sheet, good=good, messages=messages,
                    note=parsed.note)


def load_prepared(con: duckdb.DuckDBPyConnection, source: Source, p: Prepared, run_id: str,
                  pii_key: bytes | None) -> FileOutcome:
    """Record a prepared file in the ledger and load its rows (the single writer)."""
    try:
        return _load_prepared(con, source, p, run_id, pii_key)
    finally:
        if p.batched is not None:
            p.batched.close()  # its temporary copy, if any, whatever happened


def _load_prepared(con: duckdb.DuckDBPyConnection, source: Source, p: Prepared, run_id: str,
                   pii_key: bytes | None) -> FileOutcome:
    if p.hashed and p.digest:
        ledger.remember_stats(con, source.name, p.rel, *p.hashed, p.digest)
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
        if p.batched is not None:
            return load_in_batches(con, source, p.batched, p.rel, p.digest, run_id, pii_key)
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




def _commit(con: duckdb.DuckDBPyConnection, source: Source, path: Path, rel: str, digest: str,
            run_id: str, sheet: str | None, good: pl.DataFrame | None,
            messages: pl.DataFrame | None, reason: str | None,
            pii_key: bytes | None, note: str | None = None) -> FileOutcome:
    """Record the file and load its rows in one transaction.

    ``reason`` rejects the whole file; ``note`` is a remark on a loaded file (e.g. optional
    columns it lacks), kept in the same place so the office sees it.
    """
    status = "rejected" if reason else "loaded"
    reason = reason or note
    rows_loaded = 0 if good is None else good.height
    rows_rejected = rejected_row_count(messages)
    con.begin()
    try:
        file_id = next_file_id(con)
        insert_file(con, file_id, source, path, rel, digest, run_id, status, sheet,
                    rows_loaded, rows_rejected, reason)
        if good is not None:
            insert_rows(con, source, good, file_id, sheet, run_id, pii_key)
        insert_messages(con, messages, file_id, run_id)
        ledger.record_event(con, run_id, source.name, rel, digest, status, rows_loaded,
                            rows_rejected, reason)
        con.commit()
    except Exception:
        con.rollback()
        raise
    return FileOutcome(source.name, rel, digest, status, rows_loaded, rows_rejected, reason,
                       sheet)
