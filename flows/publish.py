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
from flows.queries import first_row

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
    previous = _previous(paths)
    tables: dict[str, int] = {}
    checksums: dict[str, str] = {}
    datasets: dict[str, dict] = {}
    with connect() as con:
        con.execute(f"attach {_quote(str(paths.private_db))} as src (read_only)")
        names = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where database_name = 'src' "
                "and schema_name = 'marts' order by table_name"
            ).fetchall()
        ]
        unchanged = set()
        for name in names:
            doc = descriptions.get(name) or {}
            rows, checksums[name], content = _fingerprint(con, f"src.marts.{name}")
            datasets[name] = {
                "path": f"parquet/{name}/",
                "rows": rows,
                "description": doc.get("description") or "",
                "columns": dataset_columns(con, "src", name, descriptions.get(name)),
                "content": content,
            }
            tables[name] = datasets[name]["rows"]
            if previous and _same_dataset(previous, name, datasets[name]):
                unchanged.add(name)
        _stage_analyst_db(con, staged_db, previous, names, unchanged, descriptions)
        for name in names:
            entry = datasets[name]
            if name in unchanged:  # the same bytes as the last version: hard links
                entry["files"] = _link_parquet(previous, name, stage / "parquet" / name)
                entry["reused_from"] = previous.manifest["version"] if previous else None
            else:
                entry["files"] = write_parquet(
                    con,
                    f"src.marts.{name}",
                    stage / "parquet" / name,
                    name,
                    entry["description"],
                    entry["columns"],
                )
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


@dataclass
class _Previous:
    """The publication in place before this one: the source of unchanged tables and files."""

    manifest: dict
    folder: Path


def _previous(paths: Paths) -> _Previous | None:
    """The current version, if it is intact and of this layout and schema version."""
    link = paths.current_link
    if not link.is_symlink():
        return None
    folder = paths.warehouse_dir / os.readlink(link)
    manifest_file = folder / "manifest.json"
    if not manifest_file.exists() or not (folder / paths.analyst_db.name).exists():
        return None
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    if manifest.get("schema_version") != SCHEMA_VERSION or manifest.get("layout") != LAYOUT:
        return None
    return _Previous(manifest, folder)


def _fingerprint(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[int, str, str]:
    """Row count; the manifest's checksum (an order-free XOR of row hashes, which readers
    verify); and the content key deciding reuse, which adds the sum of the row hashes (in an
    XOR two equal rows cancel out, in a sum they do not)."""
    rows, xor, total = first_row(
        con,
        f"select count(*), coalesce(bit_xor(hash(t)), 0)::varchar, "
        f"coalesce(sum(hash(t)::hugeint), 0)::varchar from {relation} t",
    )
    return rows, xor, f"{xor}:{total}"


def _same_dataset(previous: _Previous, name: str, entry: dict) -> bool:
    """The table's rows, columns and descriptions are those already published, and its
    Parquet files are all there."""
    before = previous.manifest.get("datasets", {}).get(name)
    if not before or any(
        before.get(k) != entry[k] for k in ("content", "rows", "description", "columns")
    ):
        return False
    return all((previous.folder / before["path"] / f).is_file() for f in before["files"])


def _free_share(con: duckdb.DuckDBPyConnection, db: Path) -> float:
    """The share of a DuckDB file's blocks that are free."""
    con.execute(f"attach {_quote(str(db))} as sized (read_only)")
    try:
        total, free = first_row(
            con,
            "select total_blocks, free_blocks from pragma_database_size() "
            "where database_name = 'sized'",
        )
    finally:
        con.execute("detach sized")
    return free / total if total else 0.0


def _link_parquet(previous: _Previous | None, name: str, out_dir: Path) -> list[str]:
    """The previous version's files of an unchanged dataset, hard-linked (no copy, no space;
    published files are never written again, so sharing them is safe)."""
    assert previous is not None
    before = previous.manifest["datasets"][name]
    out_dir.mkdir(parents=True)
    for file in before["files"]:
        os.link(previous.folder / before["path"] / file, out_dir / file)
    return list(before["files"])


def _stage_analyst_db(
    con: duckdb.DuckDBPyConnection,
    staged_db: Path,
    previous: _Previous | None,
    names: list[str],
    unchanged: set[str],
    descriptions: dict[str, dict],
) -> None:
    """The version's analyst file: a copy of the previous version's file in which only the
    changed tables are written again (a night with one new month rewrites a few small marts,
    not the big fact tables); from scratch when nothing is published yet, or when the copy
    would be more than a third free space (dropped tables leave free blocks behind)."""
    copy = bool(previous and unchanged)
    if copy:
        assert previous is not None
        shutil.copyfile(previous.folder / staged_db.name, staged_db)
        if _free_share(con, staged_db) > 1 / 3:
            staged_db.unlink()
            copy = False
    con.execute(f"attach {_quote(str(staged_db))} as pub")
    con.execute("create schema if not exists pub.marts")
    kept = {
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where database_name = 'pub' "
            "and schema_name = 'marts'"
        ).fetchall()
    }
    for name in sorted(kept - (unchanged if copy else set())):
        con.execute(f"drop table pub.marts.{name}")
    for name in names:
        if not copy or name not in unchanged or name not in kept:
            con.execute(f"create table pub.marts.{name} as select * from src.marts.{name}")
            _comment(con, name, descriptions.get(name))
    con.execute("checkpoint pub")
    con.execute("detach pub")


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
