"""Publish an audited build: the analysts' DuckDB file and the dashboards' Parquet datasets.

Readers never see a half-written file. Each publication is built aside in
``warehouse/.versions/<version>/`` and then switched in with atomic renames, one per output
(a reader may see the new DuckDB file a moment before the new Parquet link, each complete):
- ``warehouse/vinhlinh.duckdb`` is replaced by ``os.replace`` (a reader holding the old file
  keeps reading it; the next open gets the new one);
- ``warehouse/parquet`` is a symbolic link to the version's ``parquet/`` folder, replaced
  by renaming a new link over it, so every dataset switches at once.
``warehouse/published.json`` records what was published (row counts, checksums).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows.config import Paths

KEEP_VERSIONS = 3
PARTITIONS = {"kpi_scorecard": "plan_id", "kpi_scorecard_history": "plan_id"}


@dataclass
class Publication:
    version: str
    tables: dict[str, int]  # table → row count
    analyst_db: Path
    parquet_dir: Path


def _fsync_tree(path: Path) -> None:
    for p in [path, *path.rglob("*")]:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def publish(paths: Paths, run_id: str, descriptions: dict[str, dict]) -> Publication:
    version = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + run_id[:8]
    stage = paths.versions_dir / version
    stage.mkdir(parents=True)
    staged_db = stage / paths.analyst_db.name
    tables: dict[str, int] = {}
    checksums: dict[str, str] = {}
    with duckdb.connect() as con:
        con.execute(f"attach {_quote(str(paths.private_db))} as src (read_only)")
        con.execute(f"attach {_quote(str(staged_db))} as pub")
        names = [r[0] for r in con.execute(
            "select table_name from duckdb_tables() where database_name = 'src' "
            "and schema_name = 'marts' order by table_name").fetchall()]
        con.execute("create schema pub.marts")
        for name in names:
            con.execute(f"create table pub.marts.{name} as select * from src.marts.{name}")
            tables[name] = con.execute(f"select count(*) from pub.marts.{name}").fetchone()[0]
            _comment(con, name, descriptions.get(name))
            out = stage / "parquet" / name
            partition = PARTITIONS.get(name)
            if partition:
                con.execute(f"copy pub.marts.{name} to {_quote(str(out))} "
                            f"(format parquet, partition_by ({partition}))")
            else:
                out.mkdir(parents=True)
                con.execute(f"copy pub.marts.{name} to {_quote(str(out / (name + '.parquet')))} "
                            "(format parquet)")
            checksums[name] = con.execute(
                f"select coalesce(bit_xor(hash(t)), 0)::varchar from pub.marts.{name} t"
            ).fetchone()[0]
        con.execute("detach pub")
        con.execute("detach src")
    _fsync_tree(stage)
    manifest = {"version": version, "run_id": run_id, "tables": tables, "checksums": checksums,
                "published_at": dt.datetime.now(dt.UTC).isoformat()}
    (stage / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    _switch(paths, stage, staged_db, manifest)
    _prune(paths)
    return Publication(version, tables, paths.analyst_db, paths.parquet_dir)


def _comment(con: duckdb.DuckDBPyConnection, table: str, doc: dict | None) -> None:
    """Carry dbt's descriptions into the analysts' file, so duckdb_columns() explains them."""
    if not doc:
        return
    if doc.get("description"):
        con.execute(f"comment on table pub.marts.{table} is {_quote(doc['description'])}")
    existing = {r[0] for r in con.execute(
        "select column_name from duckdb_columns() where database_name = 'pub' "
        "and schema_name = 'marts' and table_name = ?", [table]).fetchall()}
    for column, text in doc.get("columns", {}).items():
        if text and column in existing:
            con.execute(f"comment on column pub.marts.{table}.{column} is {_quote(text)}")


def _switch(paths: Paths, stage: Path, staged_db: Path, manifest: dict) -> None:
    """The only moments readers can notice: three atomic renames."""
    analyst_copy = stage / (staged_db.name + ".publish")
    shutil.copyfile(staged_db, analyst_copy)  # the version folder keeps its own copy
    os.replace(analyst_copy, paths.analyst_db)
    link_tmp = paths.warehouse_dir / f".parquet-{manifest['version']}"
    link_tmp.symlink_to(Path(".versions") / stage.name / "parquet", target_is_directory=True)
    if paths.parquet_dir.exists() and not paths.parquet_dir.is_symlink():
        shutil.rmtree(paths.parquet_dir)  # a plain folder left by hand: replace it once
    os.replace(link_tmp, paths.parquet_dir)
    record = paths.warehouse_dir / ".published.json.tmp"
    record.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    os.replace(record, paths.warehouse_dir / "published.json")


def _prune(paths: Paths) -> None:
    current = os.readlink(paths.parquet_dir) if paths.parquet_dir.is_symlink() else ""
    versions = sorted(p for p in paths.versions_dir.iterdir() if p.is_dir())
    for old in versions[:-KEEP_VERSIONS]:
        if old.name not in current:
            shutil.rmtree(old, ignore_errors=True)
