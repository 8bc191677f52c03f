"""Publish an audited build: the analysts' DuckDB file, the dashboards' Parquet datasets,
the KPI report and the data docs.

Readers never see a half-written file. Each publication is built whole in
``warehouse/.versions/<version>/`` (DuckDB file, ``parquet/``, ``reports/``, ``docs/``,
``manifest.json``) and then switched in by two atomic renames:
1. ``warehouse/vinhlinh.duckdb`` is replaced by ``os.replace`` with a copy of the version's
   file (a reader holding the old file keeps reading it; the next open gets the new one; an
   analyst who opens it read-write changes only that copy);
2. ``warehouse/current``, a symbolic link to the version folder, is replaced by renaming a
   new link over it. ``parquet``, ``reports``, ``docs`` and ``published.json`` are fixed
   links through ``current``, so they all switch at that one instant.
A kill between 1 and 2 leaves the analyst file one version ahead of the rest, each complete;
the next run publishes again.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows.config import Paths, connect
from flows.contract import SCHEMA_VERSION, dataset_columns, write_parquet
from flows.queries import scalar

log = logging.getLogger(__name__)

KEEP_VERSIONS = 3
LAYOUT = (
    "every dataset a folder parquet/<dataset>/ of part files part-NNNNN.parquet, not partitioned"
)


@dataclass
class Publication:
    version: str
    tables: dict[str, int]  # table → row count
    analyst_db: Path
    parquet_dir: Path
    report: dict  # report files below the warehouse, or why there is none


def _fsync_tree(path: Path) -> None:
    for p in [path, *path.rglob("*")]:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def publish(
    paths: Paths,
    run_id: str,
    descriptions: dict[str, dict],
    plan_id: str | None = None,
    build_key: str | None = None,
) -> Publication:
    version = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + run_id[:8]
    stage = paths.versions_dir / version
    stage.mkdir(parents=True)
    staged_db = stage / paths.analyst_db.name
    tables: dict[str, int] = {}
    checksums: dict[str, str] = {}
    datasets: dict[str, dict] = {}
    with connect() as con:
        con.execute(f"attach {_quote(str(paths.private_db))} as src (read_only)")
        con.execute(f"attach {_quote(str(staged_db))} as pub")
        names = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where database_name = 'src' "
                "and schema_name = 'marts' order by table_name"
            ).fetchall()
        ]
        con.execute("create schema pub.marts")
        for name in names:
            con.execute(f"create table pub.marts.{name} as select * from src.marts.{name}")
            tables[name] = scalar(con, f"select count(*) from pub.marts.{name}")
            _comment(con, name, descriptions.get(name))
            columns = dataset_columns(con, "pub", name, descriptions.get(name))
            doc = descriptions.get(name) or {}
            files = write_parquet(
                con,
                f"pub.marts.{name}",
                stage / "parquet" / name,
                name,
                doc.get("description") or "",
                columns,
            )
            datasets[name] = {
                "path": f"parquet/{name}/",
                "files": files,
                "rows": tables[name],
                "description": doc.get("description") or "",
                "columns": columns,
            }
            checksums[name] = scalar(
                con, f"select coalesce(bit_xor(hash(t)), 0)::varchar from pub.marts.{name} t"
            )
        con.execute("detach pub")
        con.execute("detach src")
    report = _write_report(staged_db, stage / "reports", plan_id)
    _copy_docs(paths.docs_staging_dir, stage / "docs")
    _fsync_tree(stage)
    manifest = {
        "version": version,
        "run_id": run_id,
        "tables": tables,
        "checksums": checksums,
        "published_at": dt.datetime.now(dt.UTC).isoformat(),
        "report": report,
        "build_key": build_key,
        "schema_version": SCHEMA_VERSION,
        "layout": LAYOUT,
        "datasets": datasets,
    }
    (stage / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    _switch(paths, stage, staged_db, manifest)
    _prune(paths)
    return Publication(version, tables, paths.analyst_db, paths.parquet_dir, report)


def _comment(con: duckdb.DuckDBPyConnection, table: str, doc: dict | None) -> None:
    """Carry dbt's descriptions into the analysts' file, so duckdb_columns() explains them."""
    if not doc:
        return
    if doc.get("description"):
        con.execute(f"comment on table pub.marts.{table} is {_quote(doc['description'])}")
    existing = {
        r[0]
        for r in con.execute(
            "select column_name from duckdb_columns() where database_name = 'pub' "
            "and schema_name = 'marts' and table_name = ?",
            [table],
        ).fetchall()
    }
    for column, text in doc.get("columns", {}).items():
        if text and column in existing:
            con.execute(f"comment on column pub.marts.{table}.{column} is {_quote(text)}")


REPORT_FILES = ("html", "pdf", "annex_html", "annex_pdf")  # the manifest's report paths


def _write_report(staged_db: Path, out_dir: Path, plan_id: str | None) -> dict:
    """The leaders' brief (html, pdf) and its detailed annex (annex_html, annex_pdf). Its
    failure is logged and recorded; the data still go."""
    from flows.report import write_report

    try:
        files = write_report(staged_db, out_dir, plan_id=plan_id)
    except Exception as exc:  # a report bug must not hold back audited data
        log.exception("KPI report not written")
        out_dir.mkdir(parents=True, exist_ok=True)
        return {"html": None, "pdf": None, "error": f"{type(exc).__name__}: {exc}"[:500]}
    return {
        "html": f"reports/{files.html.name}",
        "pdf": f"reports/{files.pdf.name}" if files.pdf else None,
        "pdf_skipped": files.pdf_skipped_reason,
        "annex_html": f"reports/{files.annex_html.name}" if files.annex_html else None,
        "annex_pdf": f"reports/{files.annex_pdf.name}" if files.annex_pdf else None,
        "annex_pdf_skipped": files.annex_pdf_skipped_reason,
    }


def _copy_docs(built: Path, out_dir: Path) -> None:
    if built.is_dir():
        shutil.copytree(built, out_dir)
    else:
        out_dir.mkdir(parents=True)


def _replace_link(link: Path, target: Path, tmp_name: str) -> None:
    """Point ``link`` at ``target`` in one rename (a plain file or folder there is replaced)."""
    tmp = link.parent / tmp_name
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(target)
    if link.exists() and not link.is_symlink() and link.is_dir():
        shutil.rmtree(link)  # a plain folder from an older layout: replaced once
    os.replace(tmp, link)


FIXED_LINKS = {
    "parquet": Path("current/parquet"),
    "reports": Path("current/reports"),
    "docs": Path("current/docs"),
    "published.json": Path("current/manifest.json"),
}


def _switch(paths: Paths, stage: Path, staged_db: Path, manifest: dict) -> None:
    """The only moments readers can notice: two atomic renames."""
    _fix_links(paths, only_missing=True)  # first publication: links wait, dangling, for current
    analyst_copy = stage / (staged_db.name + ".publish")
    shutil.copyfile(staged_db, analyst_copy)  # the version folder keeps its own copy
    os.replace(analyst_copy, paths.analyst_db)
    _replace_link(
        paths.current_link, Path(".versions") / stage.name, f".current-{manifest['version']}"
    )
    _fix_links(paths, only_missing=False)  # a warehouse of an older layout, once


def _fix_links(paths: Paths, only_missing: bool) -> None:
    for name, target in FIXED_LINKS.items():
        link = paths.warehouse_dir / name
        if link.is_symlink() and Path(os.readlink(link)) == target:
            continue
        if only_missing and (link.is_symlink() or link.exists()):
            continue
        _replace_link(link, target, f".{name}-link")


def _prune(paths: Paths) -> None:
    current = os.readlink(paths.current_link) if paths.current_link.is_symlink() else ""
    versions = sorted(p for p in paths.versions_dir.iterdir() if p.is_dir())
    for old in versions[:-KEEP_VERSIONS]:
        if old.name not in current:
            shutil.rmtree(old, ignore_errors=True)
