"""Read what a run published, the way analysts and dashboards read it."""

from __future__ import annotations

from pathlib import Path

import duckdb


def query(db: Path, sql: str) -> list[dict]:
    with duckdb.connect(str(db), read_only=True) as con:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def parquet(warehouse: Path, dataset: str) -> list[dict]:
    with duckdb.connect() as con:
        cur = con.execute(
            f"select * from read_parquet('{warehouse}/parquet/{dataset}/**/*.parquet', "
            "hive_partitioning = true)"
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def snapshot(warehouse: Path) -> dict:
    """The published scorecard (DuckDB and Parquet) and the table list, for comparisons."""
    db = warehouse / "vinhlinh.duckdb"
    return {
        "scorecard": query(db, "select * from marts.kpi_scorecard order by plan_id, kpi_code"),
        "tables": sorted(
            r["table_name"]
            for r in query(
                db, "select table_name from information_schema.tables where table_schema='marts'"
            )
        ),
        "parquet_scorecard": sorted(
            parquet(warehouse, "kpi_scorecard"), key=lambda r: (r["plan_id"], r["kpi_code"])
        ),
    }
