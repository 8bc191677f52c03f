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
from pathlib import Path

import duckdb
import polars as pl

from flows.ingest import ledger, load
from flows.ingest.header import HeaderMatch, locate_header
from flows.ingest.parse import (
    check_total_row,
    column_sums,
    file_note,
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
from schemas.base import Source
from schemas.messages import file_message


def load_in_batches(con: duckdb.DuckDBPyConnection, source: Source, path: Path, rel: str,
                    digest: str, run_id: str, refs: References,
                    pii_key: bytes | None) -> load.FileOutcome:
    """Load one large CSV file in one transaction; a file rejected as a whole (unreadable,
    no header, empty, too many rows) is recorded as such, with nothing of it loaded."""
    try:
        with CsvBatches(path) as csv:
            match, resolutions = _first_pass(csv, source)
            con.begin()
            try:
                outcome = _load(con, csv, match, resolutions, source, rel, digest, run_id,
                                refs, pii_key)
                con.commit()
                return outcome
            except BaseException:
                con.rollback()
                raise
    except FileRejected as exc:
        return _reject(con, source, path, rel, digest, run_id,
                       file_message(exc.rule, exc.detail))


def _first_pass(csv: CsvBatches, source: Source) -> tuple[HeaderMatch, dict]:
    """The header, and how each number column reads ambiguous cells; the row limit."""
    try:
        return _styles_pass(csv, source)
    except NotUtf8:
        csv.transcode("cp1258")  # a UTF-8 start, then legacy bytes: read it as Windows-1258
        return _styles_pass(csv, source)


def _styles_pass(csv: CsvBatches, source: Source) -> tuple[HeaderMatch, dict]:
    head = csv.head()
    refuse_legacy_encoding([head])
    match = locate_header([head], source)
    _, max_rows = limits()
    styles: dict[str, set[str]] = defaultdict(set)
    rows = 0
    for batch in _batches(csv, match):
        rows += batch.grid.frame.height
        if rows > max_rows:
            raise FileRejected("too_large", f"> {max_rows:,} dòng / rows")
        for name, found in number_styles(batch, source).items():
            styles[name] |= found
    return match, resolve_styles(styles, source)


def _batches(csv: CsvBatches, match: HeaderMatch):  # noqa: ANN202  (an iterator of matches)
    """Each batch of rows below the header, as a header match of its own."""
    first_data_row = match.data_start + 1  # _row counts from 1
    for grid in csv.batches():
        frame = grid.frame.filter(pl.col("_row") >= first_data_row)
        yield dataclasses.replace(match, grid=dataclasses.replace(grid, frame=frame),
                                  header_index=0, header_rows=0)


def _load(con: duckdb.DuckDBPyConnection, csv: CsvBatches, match: HeaderMatch,
          resolutions: dict, source: Source, rel: str, digest: str, run_id: str,
          refs: References, pii_key: bytes | None) -> load.FileOutcome:
    file_id = load.next_file_id(con)
    keys, sums, total, subtotals, missing, rows = [], defaultdict(float), None, 0, [], 0
    for batch in _batches(csv, match):
        parsed = parse_grid(batch, source, resolutions, check_totals=False)
        frame = resolve_lookups(parsed.frame, source, refs)
        checked = validate(frame, parsed.text, source, refs, parsed.errors,
                           check_duplicates=False)
        checked = checked.join(parsed.errors.select("_row", "column").unique(),
                               on=["_row", "column"], how="anti")
        errors = mask_personal_data(pl.concat([parsed.errors, checked]).unique(), source)
        keys.append(key_columns(frame, source, parsed.errors))
        for name, value in column_sums(parsed.frame, source).items():
            sums[name] += value
        if total is None:
            total = parsed.total
        subtotals += parsed.subtotals
        missing = parsed.missing
        rows += frame.height
        good = frame.filter(~pl.col("_row").is_in(errors["_row"].implode()))
        load.insert_rows(con, source, good, file_id, None, run_id, pii_key)
        load.insert_messages(con, load.render(errors, source, match.written, rel, None),
                             file_id, run_id)
    if rows == 0:
        raise FileRejected("empty")
    final = [duplicate_keys(pl.concat(keys), source)]
    if total is not None:
        final.append(check_total_row(total, dict(sums), match, source))
    errors = mask_personal_data(pl.concat(final), source)
    if errors.height:
        taken_back = errors.select(pl.col("_row").unique())  # noqa: F841
        con.execute(f"delete from raw.{source.table} where _file_id = ? and _source_row in "
                    "(select _row from taken_back)", [file_id])
        load.insert_messages(con, load.render(errors, source, match.written, rel, None),
                             file_id, run_id)
    loaded = con.execute(f"select count(*) from raw.{source.table} where _file_id = ?",
                         [file_id]).fetchone()[0]
    rejected = con.execute(
        "select count(distinct row_number) from ops.rejections where file_id = ? "
        "and rule <> 'total_mismatch'", [file_id]).fetchone()[0]
    note = file_note(missing, subtotals)
    load.insert_file(con, file_id, source, csv.source, rel, digest, run_id, "loaded", None,
                     loaded, rejected, note)
    ledger.record_event(con, run_id, source.name, rel, digest, "loaded", loaded, rejected,
                        note)
    return load.FileOutcome(source.name, rel, digest, "loaded", loaded, rejected, note)


def _reject(con: duckdb.DuckDBPyConnection, source: Source, path: Path, rel: str, digest: str,
            run_id: str, reason: str) -> load.FileOutcome:
    con.begin()
    try:
        file_id = load.next_file_id(con)
        load.insert_file(con, file_id, source, path, rel, digest, run_id, "rejected", None,
                         0, 0, reason)
        ledger.record_event(con, run_id, source.name, rel, digest, "rejected", 0, 0, reason)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return load.FileOutcome(source.name, rel, digest, "rejected", reason=reason)
