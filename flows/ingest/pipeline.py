"""The one path every declared source takes: discover → read → parse → validate → load.

Each file is loaded in one DuckDB transaction: its good rows, its rejected rows with their
reasons, and its ledger entry, all or nothing. A file that cannot be used is recorded as
rejected with its reason and the run goes on.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from flows import settings
from flows.ingest import accounting, ledger
from flows.ingest.accounting import RowAccount
from flows.ingest.batched import Plan, load_in_batches, plan
from flows.ingest.header import HeaderMatch, locate_headers
from flows.ingest.load import (
    FileOutcome,
    insert_file,
    insert_messages,
    insert_rows,
    insert_sheets,
    next_file_id,
    rejected_row_count,
    render,
)
from flows.ingest.parse import Parsed, parse_grid
from flows.ingest.readers import FileRejected, read_grids, read_in_batches
from flows.ingest.references import References, with_history
from flows.ingest.validate import (
    duplicate_keys,
    key_columns,
    mask_personal_data,
    resolve_lookups,
    validate,
)
from flows.names import display_name, readable_alias
from schemas.base import Source
from schemas.messages import file_message

log = logging.getLogger("vlpipe.ingest")
IGNORED_PREFIXES = (".", "~$")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def discover(raw_dir: Path, source: Source) -> Iterator[Path]:
    """The source's files, oldest first (modification time, then name). A file gone between
    listing and sorting (its sender removed it) is not one of them."""
    folder = raw_dir / source.folder
    if not folder.is_dir():
        return iter(())
    found = []
    for p in folder.glob(source.files):
        if p.name.startswith(IGNORED_PREFIXES) or any(
            part.startswith(".") for part in p.relative_to(raw_dir).parts
        ):
            continue
        try:
            if p.is_file() or p.is_symlink():
                found.append((p.lstat().st_mtime, p.relative_to(raw_dir).as_posix(), p))
        except OSError:
            continue
    return iter(p for *_, p in sorted(found, key=lambda t: t[:2]))


def relative_name(raw_dir: Path, path: Path) -> str:
    """The file's name under raw/ as the ledger, logs and workbooks show it."""
    return display_name(path.relative_to(raw_dir))


UNASSIGNED = "unassigned"  # the source of a file no source reads


def unassigned_files(raw_dir: Path, sources: Sequence[Source]) -> list[Path]:
    """Files under ``raw_dir`` that no source discovers (hidden files, hidden folders and
    Office lock files apart): a folder written with other capitals, a file at raw/'s root."""
    claimed = {p for source in sources for p in discover(raw_dir, source)}
    found = []
    for root, dirs, files in os.walk(raw_dir):  # symlinked folders are not followed
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if not name.startswith(IGNORED_PREFIXES) and path not in claimed:
                found.append(path)
    return found


def expected_folders(sources: Sequence[Source]) -> str:
    """The folders the sources read, with their file patterns where not every file."""
    folders: dict[str, list[str]] = {}
    for source in sources:
        patterns = folders.setdefault(source.folder, [])
        if source.files != "**/*":
            patterns.append(source.files.removeprefix("**/"))
    return ", ".join(
        f"{folder}/" + (f" ({', '.join(patterns)})" if patterns else "")
        for folder, patterns in sorted(folders.items())
    )


def record_unassigned(
    con: duckdb.DuckDBPyConnection, raw_dir: Path, run_id: str, sources: Sequence[Source]
) -> list[FileOutcome]:
    """Each unassigned file recorded as rejected (source ``unassigned``), with the folders
    the sources read; reported again every run while it stays there."""
    reason = file_message("unassigned", expected_folders(sources))
    outcomes = []
    for path in unassigned_files(raw_dir, sources):
        rel = relative_name(raw_dir, path)
        ledger.record_event(con, run_id, UNASSIGNED, rel, None, "rejected", 0, 0, reason)
        outcomes.append(FileOutcome(UNASSIGNED, rel, None, "rejected", reason=reason))
    return outcomes


def workers() -> int:
    """Files parsed at once (``VLPIPE_WORKERS``, default: the machine's cores)."""
    return settings.current().workers


def ingest_source(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    raw_dir: Path,
    run_id: str,
    refs: References,
    pii_key: bytes | None,
    logger: logging.Logger | logging.LoggerAdapter = log,
) -> list[FileOutcome]:
    """Ingest every new file of a source, logging each outcome as it happens.

    Files are read, parsed and validated by a pool of threads (polars and calamine release
    the GIL), at most ``workers()`` files and ``VLPIPE_PREFETCH_MB`` (default 128) of source
    bytes ahead of the loader, so memory holds a bounded amount of data whatever the files'
    number; this thread alone writes to DuckDB, one transaction per file, in discovery
    order.
    """
    ledger.ensure_raw_table(con, source)
    known = Known.of(con, source)
    refs = with_history(con, source, refs)  # one query: each unit's values so far
    # A retry of this source in the same run (Prefect retries a failed task) keeps what the
    # first attempt recorded: each file has one outcome per run.
    recorded = ledger.run_outcomes(con, run_id, source.name, source.area_code)
    paths = [p for p in discover(raw_dir, source) if relative_name(raw_dir, p) not in recorded]
    outcomes = list(recorded.values())
    budget = settings.current().prefetch_mb * 1024 * 1024
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
                try:
                    size = 0 if read_in_batches(path) else path.lstat().st_size
                except OSError:  # gone meanwhile: prepare_file reports it
                    size = 0
                pending.append(
                    (pool.submit(prepare_file, source, raw_dir, path, refs, known), size)
                )

        refill()
        for i in range(1, len(paths) + 1):
            prepared = pending.popleft()[0].result()
            refill()
            outcome = load_prepared(con, source, prepared, run_id, pii_key)
            if outcome.status != "skipped":
                aside = f", {outcome.rows_set_aside} set aside" if outcome.rows_set_aside else ""
                logger.info(
                    "[%d/%d] %s: %s — %d rows loaded, %d rejected%s%s",
                    i,
                    len(paths),
                    outcome.file_name,
                    outcome.status,
                    outcome.rows_loaded,
                    outcome.rows_rejected,
                    aside,
                    f" ({outcome.reason})" if outcome.reason else "",
                )
            outcomes.append(outcome)
    skipped = sum(o.status == "skipped" for o in outcomes)
    if skipped:
        logger.info("%d of %d files already loaded (skipped)", skipped, len(paths))
    return outcomes


def unchanged_files(
    con: duckdb.DuckDBPyConnection, source: Source, raw_dir: Path
) -> list[tuple[str, str]] | None:
    """(file name, SHA-256) of each of the source's files if every one is already in the
    ledger with its size and mtime unchanged, else None: nothing to read, nothing to hash."""
    ledger.ensure_raw_table(con, source)
    known = Known.of(con, source)
    found = []
    for path in discover(raw_dir, source):
        rel = relative_name(raw_dir, path)
        try:
            stat = path.stat()
        except OSError:
            return None
        seen = known.stats.get(rel)
        if not (
            path.is_file()
            and seen
            and seen[:2] == (stat.st_size, stat.st_mtime_ns)
            and seen[2] in known.digests
        ):
            return None
        found.append((rel, seen[2]))
    return found


def record_unchanged(
    con: duckdb.DuckDBPyConnection, source: Source, files: list[tuple[str, str]], run_id: str
) -> list[FileOutcome]:
    """Each unchanged file recorded as skipped, as :func:`load_prepared` records it."""
    outcomes = []
    for rel, digest in files:
        earlier = ledger.known_file(con, source, digest)
        assert earlier is not None  # unchanged: in the ledger when the run began
        reason = f"đã xử lý: {earlier[0]} ({earlier[1]}) / already processed"
        ledger.record_event(
            con,
            run_id,
            source,
            rel,
            digest,
            "skipped",
            0,
            0,
            reason,
        )
        outcomes.append(FileOutcome(source.name, rel, digest, "skipped", reason=reason))
    return outcomes


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    raw_dir: Path,
    path: Path,
    run_id: str,
    refs: References,
    pii_key: bytes | None,
) -> FileOutcome:
    """Load one file, or record why not; whatever is in the file, the run goes on."""
    prepared = prepare_file(
        source, raw_dir, path, with_history(con, source, refs), Known.of(con, source)
    )
    return load_prepared(con, source, prepared, run_id, pii_key)


@dataclass
class Known:
    """What the ledger knows of a source when the run begins."""

    digests: set[str]  # contents already processed
    stats: dict[str, tuple[int, int, str]]  # file name → (size, mtime_ns, SHA-256) last seen

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection, source: Source) -> Known:
        stats = {} if settings.current().rehash else ledger.known_stats(con, source.name)
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
    sheets: list[Sheet] = field(default_factory=list)  # the sheets read, in order
    messages: pl.DataFrame | None = None
    note: str | None = None
    batched: Plan | None = None  # a large CSV: checked and loaded batch by batch
    alias: tempfile.TemporaryDirectory | None = None  # a UTF-8 link to a non-UTF-8 name


@dataclass
class Sheet:
    """The good rows of one sheet (or of a CSV file), and the account of all its rows."""

    good: pl.DataFrame
    account: RowAccount

    @property
    def name(self) -> str | None:
        return self.account.sheet


def prepare_file(
    source: Source, raw_dir: Path, path: Path, refs: References, known: Known
) -> Prepared:
    """Read, parse and validate one file; never raises (an unforeseen failure is recorded
    as an internal error, by its type only: its text could quote a cell)."""
    rel = relative_name(raw_dir, path)
    try:
        return _prepare(source, raw_dir, path, rel, refs, known)
    except Exception as exc:  # a bug or an input we did not foresee: never stop the run
        if not source.has_pii:  # the traceback helps a maintainer; it may quote a cell
            log.exception("%s: %s", rel, type(exc).__name__)
        return Prepared(path, rel, not_recorded=file_message("internal_error", type(exc).__name__))


def _prepare(
    source: Source, raw_dir: Path, path: Path, rel: str, refs: References, known: Known
) -> Prepared:
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # a loop (ELOOP, or Python's RuntimeError), or broken
            return Prepared(
                path,
                rel,
                not_recorded=file_message(
                    "unreadable", "liên kết hỏng hoặc vòng lặp / broken or looping symlink"
                ),
            )
        if not target.is_relative_to(raw_dir.resolve()):
            return Prepared(
                path,
                rel,
                not_recorded=file_message(
                    "unreadable", "liên kết ra ngoài thư mục raw / symlink outside raw"
                ),
            )
    try:
        if not path.exists():
            return Prepared(
                path,
                rel,
                not_recorded=file_message(
                    "unreadable", "tệp đã bị xoá trong khi chạy / the file vanished during the run"
                ),
            )
        if not path.is_file():
            return Prepared(
                path,
                rel,
                not_recorded=file_message(
                    "unreadable", "không phải tệp thường / not a regular file"
                ),
            )
        stat = path.stat()  # before hashing: a file changed meanwhile is hashed again next run
        digest, fresh = known.digest(rel, stat, path)
    except OSError as exc:  # vanished, or not readable by us: this file's outcome only
        return Prepared(
            path,
            rel,
            not_recorded=file_message(
                "unreadable", os.strerror(exc.errno) if exc.errno else type(exc).__name__
            ),
        )
    prepared = (
        _parse(source, path, rel, refs, digest)
        if digest not in known.digests
        else Prepared(path, rel, digest, known=True)
    )
    if fresh:
        prepared.hashed = (stat.st_size, stat.st_mtime_ns)
    return prepared


def _parse(source: Source, path: Path, rel: str, refs: References, digest: str) -> Prepared:
    """Parse and validate; a name that is not UTF-8 is read through a UTF-8 link to it."""
    alias, folder = readable_alias(path)
    try:
        prepared = _parse_file(source, alias, rel, refs, digest)
    except BaseException:
        if folder is not None:
            folder.cleanup()
        raise
    prepared.path = path
    if prepared.batched is not None and folder is not None:
        prepared.alias = folder  # read batch by batch at load time: kept until then
    elif folder is not None:
        folder.cleanup()
    return prepared


def _parse_file(source: Source, path: Path, rel: str, refs: References, digest: str) -> Prepared:
    try:
        if read_in_batches(path):  # first pass here; checked and loaded batch by batch
            return Prepared(path, rel, digest, batched=plan(path, source, refs))
        located = locate_headers(read_grids(path), source)
        checked = [_check_sheet(match, source, refs) for match in located.matches]
    except FileRejected as exc:  # its detail may quote the file's name (or suffix): shown safe
        return Prepared(
            path, rel, digest, reason=file_message(exc.rule, display_name(exc.detail or ""))
        )
    if sum(c.frame.height for c in checked) == 0:
        return Prepared(path, rel, digest, reason=file_message("empty"))
    across = _duplicates_across_sheets(checked, source)
    sheets, messages = [], []
    for i, c in enumerate(checked):
        errors = mask_personal_data(pl.concat([c.errors, across[i]]).unique(), source)
        good = c.frame.filter(~pl.col("_row").is_in(errors["_row"].implode()))
        rendered = render(errors, source, c.match.written, rel, c.match.grid.sheet)
        c.parsed.account.loaded = good.height
        c.parsed.account.rejected = rejected_row_count(rendered)
        sheets.append(Sheet(good, c.parsed.account))
        messages.append(rendered)
    accounts = [s.account for s in sheets]
    if (wrong := accounting.unbalanced(accounts)) is not None:
        log.error("%s: %s", rel, wrong)
        return Prepared(path, rel, digest, not_recorded=wrong)
    notes = [n for n in (*(c.parsed.note for c in checked[:1]), _unread_note(located.unread)) if n]
    return Prepared(
        path, rel, digest, sheets=sheets, messages=pl.concat(messages), note=" ".join(notes) or None
    )


@dataclass
class _Checked:
    match: HeaderMatch
    parsed: Parsed
    frame: pl.DataFrame  # typed rows with their lookups resolved
    errors: pl.DataFrame  # ERROR_SCHEMA, every rule broken in this sheet


def _check_sheet(match: HeaderMatch, source: Source, refs: References) -> _Checked:
    """Parse and validate one sheet; keys are checked across all the file's sheets."""
    parsed = parse_grid(match, source)
    frame = resolve_lookups(parsed.frame, source, refs)
    checked = validate(frame, parsed.text, source, refs, parsed.errors, check_duplicates=False)
    # A cell that could not be parsed is NULL to the contract: report it once, as unparsed.
    checked = checked.join(
        parsed.errors.select("_row", "column").unique(), on=["_row", "column"], how="anti"
    )
    return _Checked(match, parsed, frame, pl.concat([parsed.errors, checked], how="vertical"))


SHEET_STRIDE = 1 << 21  # above any sheet's row count (1,048,576): row ids across sheets


def _duplicates_across_sheets(checked: list[_Checked], source: Source) -> list[pl.DataFrame]:
    """Each sheet's rows sharing a natural key with another row of the file, on any sheet
    (no silent choice: all are rejected)."""
    keys = pl.concat(
        [
            key_columns(c.frame, source, c.parsed.errors).with_columns(
                (pl.col("_row").cast(pl.Int64) + i * SHEET_STRIDE).alias("_row")
            )
            for i, c in enumerate(checked)
        ],
        how="vertical_relaxed",
    )
    found = duplicate_keys(keys, source)
    return [
        found.filter(pl.col("_row") // SHEET_STRIDE == i).with_columns(
            (pl.col("_row") % SHEET_STRIDE).cast(pl.Int32).alias("_row")
        )
        for i in range(len(checked))
    ]


def _unread_note(unread: list[tuple[str | None, str]]) -> str | None:
    """The sheets of a workbook left unread, named with the reason (the sender may have
    put data where it is not read)."""
    if not unread:
        return None
    return file_message("sheets_not_read", "; ".join(f"'{sheet}' ({why})" for sheet, why in unread))


def load_prepared(
    con: duckdb.DuckDBPyConnection, source: Source, p: Prepared, run_id: str, pii_key: bytes | None
) -> FileOutcome:
    """Record a prepared file in the ledger and load its rows (the single writer)."""
    try:
        return _load_prepared(con, source, p, run_id, pii_key)
    finally:
        if p.batched is not None:
            p.batched.close()  # its temporary copy, if any, whatever happened
        if p.alias is not None:
            p.alias.cleanup()


def _load_prepared(
    con: duckdb.DuckDBPyConnection, source: Source, p: Prepared, run_id: str, pii_key: bytes | None
) -> FileOutcome:
    # The file's stats (if hashed now) are remembered whatever its outcome; a file loaded
    # remembers them inside its own transaction (one commit a file).
    if p.not_recorded:
        _remember(con, source, p)
        return _not_recorded(con, source, p.rel, p.digest, run_id, p.not_recorded)
    assert p.digest is not None  # a file read (not refused before reading) has its digest
    earlier = ledger.known_file(con, source, p.digest)  # also a copy loaded this run
    if earlier is not None:
        _remember(con, source, p)
        reason = f"đã xử lý: {earlier[0]} ({earlier[1]}) / already processed"
        ledger.record_event(
            con,
            run_id,
            source,
            p.rel,
            p.digest,
            "skipped",
            0,
            0,
            reason,
        )
        return FileOutcome(source.name, p.rel, p.digest, "skipped", reason=reason)
    if p.known:  # in the ledger when the run began, gone since: cannot happen, but be safe
        _remember(con, source, p)
        return _not_recorded(
            con, source, p.rel, p.digest, run_id, file_message("internal_error", "ledger changed")
        )
    if source.has_pii and (refused := _pii_refusal(con, pii_key)):
        _remember(con, source, p)
        return _not_recorded(con, source, p.rel, p.digest, run_id, refused)
    try:
        if p.batched is not None:
            _remember(con, source, p)
            return load_in_batches(con, source, p.batched, p.rel, p.digest, run_id, pii_key)
        return _commit(con, source, p, run_id, pii_key)
    except Exception as exc:  # the transaction was rolled back: retried next run
        log.error("%s: %s while loading", p.rel, type(exc).__name__)
        if p.batched is None:  # rolled back with the file's transaction
            _remember(con, source, p)
        return _not_recorded(
            con, source, p.rel, p.digest, run_id, file_message("internal_error", type(exc).__name__)
        )


def _pii_refusal(con: duckdb.DuckDBPyConnection, pii_key: bytes | None) -> str | None:
    """Why a personal-data file cannot be loaded with this key, or None."""
    if pii_key is None:
        return file_message("no_pii_key")
    if not ledger.pii_key_matches(con, pii_key):
        return file_message("pii_key_changed")
    return None


def _remember(con: duckdb.DuckDBPyConnection, source: Source, p: Prepared) -> None:
    """The file's size and mtime with the SHA-256 just computed (``p.hashed``), if any."""
    if p.hashed and p.digest:
        ledger.remember_stats(con, source.name, p.rel, *p.hashed, p.digest)


def _not_recorded(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    rel: str,
    digest: str | None,
    run_id: str,
    reason: str,
) -> FileOutcome:
    """A rejection that must not stick to the content (retried in a later run)."""
    ledger.record_event(con, run_id, source, rel, digest, "rejected", 0, 0, reason)
    return FileOutcome(source.name, rel, digest, "rejected", reason=reason)


def _commit(
    con: duckdb.DuckDBPyConnection, source: Source, p: Prepared, run_id: str, pii_key: bytes | None
) -> FileOutcome:
    """Record the file and load its rows in one transaction.

    ``p.reason`` rejects the whole file; ``p.note`` is a remark on a loaded file (e.g.
    optional columns it lacks, sheets not read), kept in the same place so the office sees
    it. The rows' account is kept per sheet.
    """
    assert p.digest is not None  # committed only after the ledger was asked about it
    status = "rejected" if p.reason else "loaded"
    reason = p.reason or p.note
    sheet = ", ".join(s.name for s in p.sheets if s.name) or None
    account = accounting.total([s.account for s in p.sheets])
    con.begin()
    try:
        _remember(con, source, p)
        file_id = next_file_id(con)
        insert_file(
            con, file_id, source, p.path, p.rel, p.digest, run_id, status, sheet, account, reason
        )
        for part in p.sheets:
            insert_rows(con, source, part.good, file_id, part.name, run_id, pii_key)
        insert_sheets(con, file_id, [s.account for s in p.sheets])
        insert_messages(con, p.messages, file_id, run_id)
        ledger.record_event(
            con,
            run_id,
            source,
            p.rel,
            p.digest,
            status,
            account.loaded,
            account.rejected,
            reason,
            account if p.sheets else None,
        )
        con.commit()
    except Exception:
        con.rollback()
        raise
    read = bool(p.sheets)
    return FileOutcome(
        source.name,
        p.rel,
        p.digest,
        status,
        account.loaded,
        account.rejected,
        reason,
        sheet,
        account.seen if read else None,
        account.set_aside if read else None,
    )
