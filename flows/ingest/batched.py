"""A CSV file too large to hold at once, read, checked and loaded in batches of rows.

Memory holds one batch (``VLPIPE_BATCH_ROWS``, default 250,000 rows) and the file's keys,
whatever the file's size, and the outcome is the one the file would have read at once:

1. the header is found in the first rows;
2. a first pass notes which number styles each number column holds, so that an ambiguous
   "1.110" in the last batch is read with the evidence of the whole file;
3. a second pass parses and validates each batch and loads its good rows and rejected rows
   inside the file's one transaction;
4. at the end, keys duplicated across batches and the grand total row are checked; the
   duplicated rows are taken back out of ``raw`` and reported, and the ledger entry is
   written, all before the transaction commits.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from flows.ingest import accounting, ledger, load
from flows.ingest.accounting import RowAccount
from flows.ingest.header import HeaderMatch, locate_header
from flows.ingest.parse import (
    Resolutions,
    check_total_row,
    column_sums,
    file_note,
    last_filled_row,
    number_styles,
    parse_grid,
    resolve_styles,
)
from flows.ingest.readers import CsvBatches, FileRejected, NotUtf8, limits, refuse_legacy_encoding
from flows.ingest.references import References
from flows.ingest.validate import (
    duplicate_keys,
    key_columns,
    mask_personal_data,
    resolve_lookups,
    validate,
)
from flows.queries import scalar
from schemas.base import Source
from schemas.messages import file_message


@dataclass
class Plan:
    """A large file's first pass, done by a parsing thread ahead of the loader."""

    csv: CsvBatches  # open: a transcoded copy lives until the file is loaded
    match: HeaderMatch
    resolutions: Resolutions
    refs: References
    last_row: int | None  # the file's last non-blank row: where the sender's rows end

    def close(self) -> None:
        self.csv.__exit__(None, None, None)


def plan(path: Path, source: Source, refs: References) -> Plan:
    """Open the file, find its header, note the number styles of its columns and count its
    rows (raises FileRejected: the file is then rejected whole, as one read at once)."""
    csv = CsvBatches(path).__enter__()
    try:
        match, resolutions, last_row = _first_pass(csv, source)
    except BaseException:
        csv.__exit__(None, None, None)
        raise
    return Plan(csv, match, resolutions, refs, last_row)


def load_in_batches(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    planned: Plan,
    rel: str,
    digest: str,
    run_id: str,
    pii_key: bytes | None,
) -> load.FileOutcome:
    """Load one large CSV file in one transaction; a file rejected as a whole on the way
    (unreadable bytes, empty) is recorded as such, with nothing of it loaded."""
    try:
        con.begin()
        try:
            outcome = _load(con, planned, source, rel, digest, run_id, pii_key)
            con.commit()
            return outcome
        except BaseException:
            con.rollback()
            raise
    except FileRejected as exc:
        return _reject(
            con, source, planned.csv.source, rel, digest, run_id, file_message(exc.rule, exc.detail)
        )
    except Unbalanced as exc:  # a bug: nothing loaded, not recorded, tried again next run
        ledger.record_event(
            con,
            run_id,
            source,
            rel,
            digest,
            "rejected",
            0,
            0,
            exc.reason,
        )
        return load.FileOutcome(source.name, rel, digest, "rejected", reason=exc.reason)
    finally:
        planned.close()


class Unbalanced(Exception):
    """The file's rows do not add up (seen ≠ loaded + rejected + set aside)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _first_pass(csv: CsvBatches, source: Source) -> tuple[HeaderMatch, Resolutions, int | None]:
    """The header, how each number column reads ambiguous cells, the last non-blank row;
    the row limit."""
    try:
        return _styles_pass(csv, source)
    except NotUtf8:
        # A UTF-8 start, then bytes that are not UTF-8: a few stray ones are marked (their
        # rows rejected), else the file is read as Windows-1258 (see readers.utf8_copy).
        csv.transcode("cp1258")
        return _styles_pass(csv, source)


def _styles_pass(csv: CsvBatches, source: Source) -> tuple[HeaderMatch, Resolutions, int | None]:
    head = csv.head()
    refuse_legacy_encoding([head])
    match = locate_header([head], source)
    _, max_rows = limits()
    styles: dict[str, set[str]] = defaultdict(set)
    rows, last_row = 0, None
    for batch in _batches(csv, match):
        rows += batch.grid.frame.height
        if rows > max_rows:
            raise FileRejected("too_large", f"> {max_rows:,} dòng / rows")
        for name, found in number_styles(batch, source).items():
            styles[name] |= found
        last_row = last_filled_row(batch.grid.frame) or last_row
    return match, resolve_styles(styles, source), last_row


def _batches(csv: CsvBatches, match: HeaderMatch) -> Iterator[HeaderMatch]:
    """Each batch of rows below the header, as a header match of its own."""
    first_data_row = match.data_start + 1  # _row counts from 1
    for grid in csv.batches():
        frame = grid.frame.filter(pl.col("_row") >= first_data_row)
        yield dataclasses.replace(
            match, grid=dataclasses.replace(grid, frame=frame), header_index=0, header_rows=0
        )


@dataclass
class Checked:
    """One batch parsed and validated, ready to insert."""

    good: pl.DataFrame
    messages: pl.DataFrame
    keys: pl.DataFrame
    sums: dict[str, float]
    total: pl.DataFrame | None
    account: RowAccount  # seen and set aside (loaded and rejected: counted in the DB)
    missing: list[str]
    rows: int


def _check(batch: HeaderMatch, planned: Plan, source: Source, rel: str) -> Checked:
    parsed = parse_grid(
        batch, source, planned.resolutions, check_totals=False, last_row=planned.last_row or 0
    )
    frame = resolve_lookups(parsed.frame, source, planned.refs)
    checked = validate(
        frame, parsed.text, source, planned.refs, parsed.errors, check_duplicates=False
    )
    checked = checked.join(
        parsed.errors.select("_row", "column").unique(), on=["_row", "column"], how="anti"
    )
    errors = mask_personal_data(pl.concat([parsed.errors, checked]).unique(), source)
    good = frame.filter(~pl.col("_row").is_in(errors["_row"].implode()))
    return Checked(
        good,
        load.render(errors, source, planned.match.written, rel, None),
        key_columns(frame, source, parsed.errors),
        column_sums(parsed.frame, source),
        parsed.total,
        parsed.account,
        parsed.missing,
        frame.height,
    )


def _load(
    con: duckdb.DuckDBPyConnection,
    planned: Plan,
    source: Source,
    rel: str,
    digest: str,
    run_id: str,
    pii_key: bytes | None,
) -> load.FileOutcome:
    """Insert batch after batch while the next one is checked by another thread (polars
    and DuckDB both release the GIL); then the file-wide checks and the ledger entry."""
    file_id = load.next_file_id(con)
    keys, total, missing, rows = [], None, [], 0
    sums: defaultdict[str, float] = defaultdict(float)
    account = RowAccount(None)
    batches = _batches(planned.csv, planned.match)

    def next_checked() -> Checked | None:
        batch = next(batches, None)
        return None if batch is None else _check(batch, planned, source, rel)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="batch") as ahead:
        pending = ahead.submit(next_checked)
        while (done := pending.result()) is not None:
            pending = ahead.submit(next_checked)
            load.insert_rows(con, source, done.good, file_id, None, run_id, pii_key)
            load.insert_messages(con, done.messages, file_id, run_id)
            keys.append(done.keys)
            for name, value in done.sums.items():
                sums[name] += value
            total = done.total if total is None else total
            account = account + done.account
            missing = done.missing
            rows += done.rows
    if rows == 0:
        raise FileRejected("empty")
    final = [duplicate_keys(pl.concat(keys), source)]
    if total is not None:
        final.append(check_total_row(total, dict(sums), planned.match, source))
    errors = mask_personal_data(pl.concat(final), source)
    if errors.height:
        taken_back = errors.select(pl.col("_row").unique())  # noqa: F841
        con.execute(
            f"delete from raw.{source.table} where _file_id = ? and _source_row in "
            "(select _row from taken_back)",
            [file_id],
        )
        load.insert_messages(
            con, load.render(errors, source, planned.match.written, rel, None), file_id, run_id
        )
    loaded = scalar(con, f"select count(*) from raw.{source.table} where _file_id = ?", [file_id])
    rejected = scalar(
        con,
        "select count(distinct row_number) from ops.rejections where file_id = ? "
        "and rule <> 'total_mismatch'",
        [file_id],
    )
    account.loaded, account.rejected = loaded, rejected
    if (wrong := accounting.unbalanced([account])) is not None:
        raise Unbalanced(wrong)
    note = file_note(missing, account.subtotals)
    load.insert_file(
        con, file_id, source, planned.csv.source, rel, digest, run_id, "loaded", None, account, note
    )
    load.insert_sheets(con, file_id, [account])
    ledger.record_event(
        con,
        run_id,
        source,
        rel,
        digest,
        "loaded",
        loaded,
        rejected,
        note,
        account,
    )
    return load.FileOutcome(
        source.name,
        rel,
        digest,
        "loaded",
        loaded,
        rejected,
        note,
        None,
        account.seen,
        account.set_aside,
    )


def _reject(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    path: Path,
    rel: str,
    digest: str,
    run_id: str,
    reason: str,
) -> load.FileOutcome:
    con.begin()
    try:
        file_id = load.next_file_id(con)
        load.insert_file(
            con,
            file_id,
            source,
            path,
            rel,
            digest,
            run_id,
            "rejected",
            None,
            RowAccount(None),
            reason,
        )
        ledger.record_event(
            con,
            run_id,
            source,
            rel,
            digest,
            "rejected",
            0,
            0,
            reason,
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return load.FileOutcome(source.name, rel, digest, "rejected", reason=reason)
