"""The DuckLake catalog of the scale-out mode: one lake on PostgreSQL that every worker
appends to, and that the single writer publishes into.

Designed around DuckLake as shipped for DuckDB 1.5.5: concurrent INSERTs into one table
commit, but a DELETE conflicts with any concurrent write and every INSERT writes a Parquet
file. So an area run writes once, at its end, one transaction that only inserts, every row
tagged with its load id (``_load_id``); a load counts once the shared ledger
(:mod:`flows.scale.claims`) records it. Deletes, merges and snapshot expiry happen only in
the writer's step, when no area run is writing.

Extensions come from their PyPI wheels (``duckdb-extension-ducklake``,
``duckdb-extension-postgres-scanner``), installed into ``.duckdb/extensions`` of the project;
automatic downloads are off, so an ATTACH never tries the network.
"""

from __future__ import annotations

import fcntl
import importlib
from pathlib import Path

import duckdb

from flows.config import PROJECT_ROOT, connect
from flows.ingest import ledger
from flows.settings import Settings
from schemas.registry import SOURCES

ALIAS = "lake"
EXTENSIONS = ("ducklake", "postgres_scanner")
EXTENSION_DIR = PROJECT_ROOT / ".duckdb" / "extensions"
LOAD_ID = "_load_id"
# The ledger tables an area run appends to (the rest of ops.* is the writer's own).
AREA_OPS_TABLES = ("files", "file_events", "file_sheets", "rejections", "pii_key")
LOADS_DDL = (
    "create table if not exists {db}ops.loads (load_id varchar, area_code varchar, "
    "run_id varchar, files bigint, rows bigint, committed_at timestamp)"
)


def _wheel_extension(name: str) -> Path:
    """The extension file inside its PyPI wheel (the version DuckDB 1.5.5 loads)."""
    module = importlib.import_module(f"duckdb_extension_{name}")
    assert module.__file__ is not None
    found = sorted(Path(module.__file__).parent.glob(f"extensions/*/{name}.duckdb_extension"))
    if not found:
        raise RuntimeError(f"{name}: no extension file in its wheel ({module.__file__})")
    return found[-1]


def load_extensions(con: duckdb.DuckDBPyConnection, extra: tuple[str, ...] = ()) -> None:
    """Install (once, from the wheels) and load ducklake and postgres (and ``extra``, e.g.
    httpfs for a lake on S3), never downloading."""
    EXTENSION_DIR.mkdir(parents=True, exist_ok=True)
    con.execute(f"set extension_directory = {quote(str(EXTENSION_DIR))}")
    con.execute("set autoinstall_known_extensions = false")
    # one process at a time installs and loads (workers and tests start together): never a
    # load of a file another process is still writing
    with (EXTENSION_DIR / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for name in _missing(con, EXTENSIONS + extra):
            con.execute(f"install {quote(str(_wheel_extension(name)))}")
        for name in EXTENSIONS + extra:
            con.execute(f"load {name}")


def _missing(con: duckdb.DuckDBPyConnection, names: tuple[str, ...]) -> list[str]:
    installed = {
        r[0]
        for r in con.execute(
            "select extension_name from duckdb_extensions() where installed"
        ).fetchall()
    }
    return [name for name in names if name not in installed]


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def attach(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    read_only: bool = False,
    snapshot: int | None = None,
    alias: str = ALIAS,
) -> None:
    """ATTACH the lake as ``alias`` (read-only at ``snapshot``, for a published version)."""
    if not settings.scale_out:
        raise RuntimeError("VLPIPE_LAKE_CATALOG and VLPIPE_LAKE_DATA are not both set")
    remote = str(settings.lake_data).startswith(("s3://", "gs://", "r2://", "https://"))
    # S3 credentials: DuckDB's secrets (CREATE PERSISTENT SECRET) or the AWS_* variables
    load_extensions(con, ("httpfs",) if remote else ())
    options = [f"data_path {quote(str(settings.lake_data))}"]
    if read_only:
        options.append("read_only")
    if snapshot is not None:
        options.append(f"snapshot_version {int(snapshot)}")
    con.execute(
        f"attach if not exists {quote('ducklake:postgres:' + str(settings.lake_catalog))} "
        f"as {alias} ({', '.join(options)})"
    )


def open_lake(settings: Settings, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake attached and in use (``raw.x`` is the lake's)."""
    con = connect()
    attach(con, settings, read_only=read_only)
    con.execute(f"use {ALIAS}")
    return con


def ensure_tables(settings: Settings) -> None:
    """The lake's raw.* and area ledger tables, created (or given new columns) by the
    writer before any area run starts: DDL never runs beside the workers' inserts.

    The shapes are those of the single-file warehouse (built in memory from the same
    declarations), without its keys (DuckLake has none; the shared ledger is the key), plus
    ``_load_id``."""
    with connect() as con:
        ledger.ensure_ops(con)
        for source in SOURCES:
            ledger.ensure_raw_table(con, source)
        attach(con, settings)
        con.execute(f"create schema if not exists {ALIAS}.raw")
        con.execute(f"create schema if not exists {ALIAS}.ops")
        con.execute(f"create schema if not exists {ALIAS}.marts")
        con.execute(LOADS_DDL.format(db=f"{ALIAS}."))
        for schema, table in area_tables():
            _mirror(con, schema, table)


def _mirror(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> None:
    """``lake.schema.table`` with the columns of memory's ``schema.table`` and ``_load_id``."""
    target = f"{ALIAS}.{schema}.{table}"
    con.execute(
        f"create table if not exists {target} as "
        f"select *, null::varchar as {LOAD_ID} from memory.{schema}.{table} limit 0"
    )
    have = set(columns(con, ALIAS, schema, table))
    for name, sql_type in con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = 'memory' and table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [schema, table],
    ).fetchall():
        if name not in have:
            con.execute(f"alter table {target} add column {name} {sql_type}")


def columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_catalog = ? "
            "and table_schema = ? and table_name = ? order by ordinal_position",
            [catalog, schema, table],
        ).fetchall()
    ]


def area_tables() -> list[tuple[str, str]]:
    """(schema, table) of every lake table an area run appends to."""
    return [("raw", s.table) for s in SOURCES] + [("ops", t) for t in AREA_OPS_TABLES]
