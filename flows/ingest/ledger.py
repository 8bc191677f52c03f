"""The private warehouse's bookkeeping: which file was loaded, when, and with what outcome.

``ops.files`` holds one row per distinct file content (SHA-256) per source ever accepted for
processing, loaded or rejected, so that the same bytes are never loaded twice whatever the
file is called. ``ops.file_events`` records what happened to every file seen in every run,
``ops.rejections`` every rejected row with its reasons, ``ops.runs`` the runs themselves.
"""

from __future__ import annotations

import hashlib
import hmac

import duckdb

from flows.ingest.accounting import RowAccount
from flows.ingest.load import FileOutcome
from schemas.base import Kind, Source

SQL_TYPES = {
    Kind.TEXT: "VARCHAR",
    Kind.CODE: "VARCHAR",
    Kind.CATEGORY: "VARCHAR",
    Kind.NUMBER: "DOUBLE",
    Kind.INTEGER: "BIGINT",
    Kind.DATE: "DATE",
    Kind.MONTH: "DATE",
    Kind.BOOL: "BOOLEAN",
}
LINEAGE_COLUMNS = (
    ("_file_id", "BIGINT"),
    ("_file_seq", "BIGINT"),
    ("_source_row", "INTEGER"),
    ("_sheet", "VARCHAR"),
    ("_run_id", "VARCHAR"),
    ("_area_code", "VARCHAR"),
)

OPS_DDL = """
create schema if not exists raw;
create schema if not exists ops;
create sequence if not exists ops.file_id_seq start 1;
create table if not exists ops.runs (
    run_id varchar primary key, started_at timestamp, finished_at timestamp,
    status varchar, plan_id varchar, message varchar);
create table if not exists ops.files (
    file_id bigint primary key, file_seq bigint, source varchar, file_name varchar,
    sha256 varchar, size_bytes bigint, mtime timestamp, first_run_id varchar, status varchar,
    sheet varchar, rows_loaded bigint, rows_rejected bigint, reason varchar,
    rows_seen bigint, rows_set_aside bigint, area_code varchar,
    unique (area_code, source, sha256));
create table if not exists ops.file_events (
    run_id varchar, source varchar, file_name varchar, sha256 varchar, status varchar,
    rows_loaded bigint, rows_rejected bigint, reason varchar, recorded_at timestamp);
create table if not exists ops.file_stats (
    source varchar, file_name varchar, size_bytes bigint, mtime_ns bigint, sha256 varchar,
    primary key (source, file_name));
create table if not exists ops.pii_key (
    fingerprint varchar, first_used_at timestamp);
create table if not exists ops.file_sheets (
    file_id bigint, sheet_no integer, sheet varchar, rows_seen bigint, rows_loaded bigint,
    rows_rejected bigint, rows_blank bigint, rows_total bigint, rows_subtotal bigint,
    rows_repeated_header bigint, primary key (file_id, sheet_no));
alter table ops.files add column if not exists rows_seen bigint;
alter table ops.files add column if not exists rows_set_aside bigint;
alter table ops.file_events add column if not exists rows_seen bigint;
alter table ops.file_events add column if not exists rows_set_aside bigint;
alter table ops.file_events add column if not exists area_code varchar;
create table if not exists ops.areas (
    area_code varchar, area_name varchar, level varchar, province_code varchar,
    province_name varchar, folder varchar);
create table if not exists ops.held_files (
    file_id bigint, area_code varchar, run_id varchar, held_at timestamp);
create table if not exists ops.rejections (
    run_id varchar, file_id bigint, source varchar, file_name varchar, sheet varchar,
    row_number integer, column_name varchar, value varchar, rule varchar,
    message_vi varchar, message_en varchar);
"""


def ensure_ops(con: duckdb.DuckDBPyConnection) -> None:
    _key_files_by_area(con)
    con.execute(OPS_DDL)


def _key_files_by_area(con: duckdb.DuckDBPyConnection) -> None:
    """A ledger from before areas (unique on source and SHA-256) becomes one unique on area,
    source and SHA-256: the same bytes may be one file of each area (a shared list). Its
    files were all the default area's (``backfill_areas`` names it)."""
    columns = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'ops' and table_name = 'files'"
        ).fetchall()
    }
    if not columns or "area_code" in columns:
        return
    con.execute("alter table ops.files rename to files_before_areas")
    con.execute(OPS_DDL)
    con.execute("insert into ops.files by name select * from ops.files_before_areas")
    con.execute("drop table ops.files_before_areas")


def retag_area_list(con: duckdb.DuckDBPyConnection, code: str) -> None:
    """The list of areas belongs to raw/'s own scope, which only the list itself says: it
    was read before it was known whether raw/ is an area or the province."""
    con.execute("update ops.files set area_code = ? where source = 'areas'", [code])
    con.execute("update ops.file_events set area_code = ? where source = 'areas'", [code])
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'raw' and table_name = 'areas'"
    ).fetchone()
    if exists and exists[0]:
        con.execute("update raw.areas set _area_code = ? where _area_code <> ?", [code, code])


def backfill_areas(con: duckdb.DuckDBPyConnection, code: str, sources: list[Source]) -> None:
    """Rows and ledger entries written before areas existed belong to raw/'s own area."""
    for table in ("ops.files", "ops.file_events"):
        con.execute(f"update {table} set area_code = ? where area_code is null", [code])
    for source in sources:
        exists = con.execute(
            "select count(*) from information_schema.columns where table_schema = 'raw' "
            "and table_name = ? and column_name = '_area_code'",
            [source.table],
        ).fetchone()
        if exists and exists[0]:
            con.execute(
                f"update raw.{source.table} set _area_code = ? where _area_code is null", [code]
            )


def raw_table_ddl(source: Source) -> str:
    cols = [f"{name} {SQL_TYPES[kind]}" for name, kind in source.output_columns]
    if source.keep_extra_columns:
        cols.append("_extra VARCHAR")
    cols += [f"{name} {sql_type}" for name, sql_type in LINEAGE_COLUMNS]
    return f"create table if not exists raw.{source.table} (\n    " + ",\n    ".join(cols) + ")"


def ensure_raw_table(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    """Create the source's raw table, or add the columns a newer declaration has."""
    con.execute(raw_table_ddl(source))
    for name, sql_type in [(n, SQL_TYPES[k]) for n, k in source.output_columns] + list(
        LINEAGE_COLUMNS
    ):
        con.execute(f"alter table raw.{source.table} add column if not exists {name} {sql_type}")


def pii_key_matches(con: duckdb.DuckDBPyConnection, key: bytes) -> bool:
    """True if ``key`` is the key this warehouse's pseudonyms were made with (or the first).

    Only an HMAC fingerprint of the key is stored. Loading with another key would give the
    same person a second pseudonym, and every spell would count twice.
    """
    fingerprint = hmac.new(key, b"vlpipe pseudonym key check", hashlib.sha256).hexdigest()
    stored = con.execute("select fingerprint from ops.pii_key").fetchone()
    if stored is None:
        con.execute("insert into ops.pii_key values (?, current_timestamp)", [fingerprint])
        return True
    return hmac.compare_digest(stored[0], fingerprint)


def known_file(con: duckdb.DuckDBPyConnection, source: Source, sha256: str) -> tuple | None:
    """(file_name, status) of an earlier file of the area with the same content, if any."""
    return con.execute(
        "select file_name, status from ops.files where area_code = ? and source = ? and sha256 = ?",
        [source.area_code, source.name, sha256],
    ).fetchone()


def known_digests(con: duckdb.DuckDBPyConnection, source: Source) -> set[str]:
    """The contents (SHA-256) of the area's files of the source already in the ledger."""
    return {
        r[0]
        for r in con.execute(
            "select sha256 from ops.files where area_code = ? and source = ?",
            [source.area_code, source.name],
        ).fetchall()
    }


def known_stats(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, tuple[int, int, str]]:
    """file name → (size, mtime in ns, SHA-256) when the file was last hashed.

    A cache, like make's or rsync's: a file whose size and modification time are unchanged
    is not read again to learn that its content is known (``VLPIPE_REHASH=1`` reads all).
    """
    return {
        r[0]: (r[1], r[2], r[3])
        for r in con.execute(
            "select file_name, size_bytes, mtime_ns, sha256 from ops.file_stats where source = ?",
            [source],
        ).fetchall()
    }


def remember_stats(
    con: duckdb.DuckDBPyConnection,
    source: str,
    file_name: str,
    size: int,
    mtime_ns: int,
    sha256: str,
) -> None:
    con.execute(
        "insert or replace into ops.file_stats values (?, ?, ?, ?, ?)",
        [source, file_name, size, mtime_ns, sha256],
    )


def record_event(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    source: Source | str,
    file_name: str,
    sha256: str | None,
    status: str,
    rows_loaded: int,
    rows_rejected: int,
    reason: str | None,
    account: RowAccount | None = None,
) -> None:
    """What happened to a file in a run (``account``: its rows, when it was read now); once
    per (run, source, file): a retried task keeps the first outcome (``marts.file_outcomes``
    is unique on that key). ``source``: the declared source bound to its area, or the name
    of a file no source reads (no area)."""
    name, area_code = (source, None) if isinstance(source, str) else (source.name, source.area_code)
    con.execute(
        "insert into ops.file_events (run_id, source, file_name, sha256, status, rows_loaded, "
        "rows_rejected, reason, recorded_at, rows_seen, rows_set_aside, area_code) "
        "select $1, $2, $3, $4, $5, $6, $7, $8, current_timestamp, $9, $10, $11 "
        "where not exists (select 1 from ops.file_events "
        "where run_id = $1 and source = $2 and file_name = $3)",
        [
            run_id,
            name,
            file_name,
            sha256,
            status,
            rows_loaded,
            rows_rejected,
            reason,
            account.seen if account else None,
            account.set_aside if account else None,
            area_code,
        ],
    )


def run_outcomes(
    con: duckdb.DuckDBPyConnection, run_id: str, source: str, area_code: str | None = None
) -> dict[str, FileOutcome]:
    """file name → its outcome already recorded in this run (by an earlier attempt), for the
    files of one area."""
    rows = con.execute(
        "select file_name, sha256, status, rows_loaded, rows_rejected, reason, "
        "(select max(sheet) from ops.files f where f.source = e.source and f.sha256 = e.sha256 "
        " and f.area_code is not distinct from e.area_code and f.first_run_id = e.run_id), "
        "rows_seen, rows_set_aside from ops.file_events e "
        "where run_id = ? and source = ? and area_code is not distinct from ? "
        "qualify row_number() over (partition by file_name order by recorded_at) = 1 "
        "order by recorded_at, file_name",
        [run_id, source, area_code],
    ).fetchall()
    return {
        r[0]: FileOutcome(source, r[0], r[1], r[2], r[3] or 0, r[4] or 0, r[5], r[6], r[7], r[8])
        for r in rows
    }


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, plan_id: str) -> None:
    con.execute(
        "insert into ops.runs values (?, current_timestamp, null, 'running', ?, null)",
        [run_id, plan_id],
    )


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: str, status: str, message: str | None = None
) -> None:
    con.execute(
        "update ops.runs set finished_at = current_timestamp, status = ?, message = ? "
        "where run_id = ?",
        [status, message, run_id],
    )
