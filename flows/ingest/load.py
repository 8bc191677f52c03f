"""Writing a file's outcome into the private warehouse (the single writer's part).

A file's typed rows go to ``raw.<table>`` (personal data pseudonymised or dropped inside
DuckDB), its rejected rows with their Vietnamese and English messages to
``ops.rejections``, and its ledger entry to ``ops.files``; the caller holds the transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import polars as pl

from flows.ingest.accounting import RowAccount
from flows.queries import scalar
from schemas.base import Pii, Source, pseudonym_column
from schemas.messages import row_message


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
    rows_seen: int | None = None  # data rows the sender sees (None: file not read)
    rows_set_aside: int | None = None  # blank, total, subtotal and repeated header rows

    def as_dict(self) -> dict:
        return asdict(self)


MESSAGE_SCHEMA = {
    "source": pl.Utf8,
    "file_name": pl.Utf8,
    "sheet": pl.Utf8,
    "row_number": pl.Int32,
    "column_name": pl.Utf8,
    "value": pl.Utf8,
    "rule": pl.Utf8,
    "message_vi": pl.Utf8,
    "message_en": pl.Utf8,
}


def render(
    errors: pl.DataFrame, source: Source, written: dict[str, str], file_name: str, sheet: str | None
) -> pl.DataFrame:
    """Rejection rows with their Vietnamese and English messages."""
    rows = []
    for e in errors.sort("_row", "column").iter_rows(named=True):
        header = written.get(e["column"]) or source.field(e["column"]).header
        vi, en = row_message(e["rule"], header, e["value"], e["detail"] or "")
        rows.append(
            {
                "source": source.name,
                "file_name": file_name,
                "sheet": sheet,
                "row_number": e["_row"],
                "column_name": e["column"],
                "value": e["value"],
                "rule": e["rule"],
                "message_vi": vi,
                "message_en": en,
            }
        )
    return pl.DataFrame(rows, schema=MESSAGE_SCHEMA)


def next_file_id(con: duckdb.DuckDBPyConnection) -> int:
    return scalar(con, "select nextval('ops.file_id_seq')")


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    good: pl.DataFrame,
    file_id: int,
    sheet: str | None,
    run_id: str,
    pii_key: bytes | None,
) -> None:
    """Insert typed rows; personal data is pseudonymised or dropped inside DuckDB."""
    if good.height == 0:
        return
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
    selects += [
        "$file_id as _file_id",
        "$file_id as _file_seq",
        "_row as _source_row",
        "$sheet as _sheet",
        "$run_id as _run_id",
        "$area_code as _area_code",
    ]
    params: dict[str, object] = {
        "file_id": file_id,
        "sheet": sheet,
        "run_id": run_id,
        "area_code": source.area_code,
    }
    if source.has_pii:
        assert pii_key is not None, "the caller refuses a personal-data source without a key"
        block = (
            pii_key.ljust(64, b"\0")
            if len(pii_key) <= 64
            else hashlib.sha256(pii_key).digest().ljust(64, b"\0")
        )
        params["ipad"] = bytes(b ^ 0x36 for b in block)
        params["opad"] = bytes(b ^ 0x5C for b in block)
    batch = good.to_arrow()  # noqa: F841  (read by DuckDB's replacement scan)
    con.execute(
        f"insert into raw.{source.table} by name select {', '.join(selects)} from batch", params
    )


def _hmac_sql(column: str) -> str:
    """HMAC-SHA-256 of a text column, computed in bulk by DuckDB (RFC 2104 construction)."""
    return f"sha256($opad || unhex(sha256($ipad || encode({column}))))"


def insert_messages(
    con: duckdb.DuckDBPyConnection, messages: pl.DataFrame | None, file_id: int, run_id: str
) -> None:
    if messages is None or messages.height == 0:
        return
    rejected = messages.to_arrow()  # noqa: F841
    con.execute(
        "insert into ops.rejections select $run_id, $file_id, source, file_name, sheet, "
        "row_number, column_name, value, rule, message_vi, message_en from rejected",
        {"run_id": run_id, "file_id": file_id},
    )


def rejected_row_count(messages: pl.DataFrame | None) -> int:
    """Rows rejected (a total row that does not add up rejects no data row)."""
    if messages is None:
        return 0
    return messages.filter(pl.col("rule") != "total_mismatch")["row_number"].n_unique()


def insert_file(
    con: duckdb.DuckDBPyConnection,
    file_id: int,
    source: Source,
    path: Path,
    rel: str,
    digest: str,
    run_id: str,
    status: str,
    sheet: str | None,
    account: RowAccount,
    reason: str | None,
) -> None:
    stat = path.stat()
    read = status == "loaded"
    con.execute(
        "insert into ops.files (file_id, file_seq, source, file_name, sha256, size_bytes, "
        "mtime, first_run_id, status, sheet, rows_loaded, rows_rejected, reason, rows_seen, "
        "rows_set_aside, area_code) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            file_id,
            file_id,
            source.name,
            rel,
            digest,
            stat.st_size,
            dt.datetime.fromtimestamp(stat.st_mtime),
            run_id,
            status,
            sheet,
            account.loaded,
            account.rejected,
            reason,
            account.seen if read else None,
            account.set_aside if read else None,
            source.area_code,
        ],
    )


def insert_sheets(con: duckdb.DuckDBPyConnection, file_id: int, accounts: list[RowAccount]) -> None:
    """The account of each sheet read (``ops.file_sheets``)."""
    if not accounts:
        return
    con.executemany(
        "insert into ops.file_sheets values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                file_id,
                i + 1,
                a.sheet,
                a.seen,
                a.loaded,
                a.rejected,
                a.blank,
                a.totals,
                a.subtotals,
                a.headers,
            ]
            for i, a in enumerate(accounts)
        ],
    )
