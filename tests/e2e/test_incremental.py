"""Incremental work: files arriving over two nights give the same warehouse as one night
with all of them, and the second night's build touches only what the new files touch."""

from __future__ import annotations

import shutil

import duckdb

from flows.nightly import nightly
from tests.support.harness.crash import half_of
from tests.support.sample import PII_KEY

COMPARED = [
    "fct_unit_month_submissions",
    "fct_unit_months",
    "fct_employment_spells",
    "kpi_scorecard",
    "kpi_scorecard_history",
    "kpi_by_commune",
    "reporting_completeness",
]


LINEAGE = {"file_id", "file_seq", "source_row", "source_sheet", "run_id"}


def _checksums(db) -> dict[str, tuple]:
    """Row count and an order-free hash of every table, lineage columns aside (file ids
    and run ids differ between warehouses; the data must not)."""
    sums = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for table in COMPARED:
            columns = [
                r[0]
                for r in con.execute(
                    "select column_name from duckdb_columns() where schema_name = 'marts' "
                    "and table_name = ? order by column_index",
                    [table],
                ).fetchall()
                if r[0] not in LINEAGE
            ]
            sums[table] = con.execute(
                f"select count(*), coalesce(bit_xor(hash({', '.join(columns)})), 0) "
                f"from marts.{table}"
            ).fetchone()
    return sums


def test_two_nights_equal_one_and_the_second_is_incremental(e2e, tmp_path, monkeypatch):
    monkeypatch.setenv("VLPIPE_PII_KEY", PII_KEY)
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    assert half_of(e2e["raw"], raw) > 10  # every source's earlier files, all references
    first = nightly(raw_dir=str(raw), warehouse_dir=str(warehouse), plan_id="VL-2022")
    assert first.status == "completed" and first.dbt["full_refresh"]
    versions = warehouse / "private" / "pipeline.duckdb"
    with duckdb.connect(str(versions), read_only=True) as con:
        before = con.execute(
            "select count(*) from intermediate.int_enterprise_reports__versions"
        ).fetchone()[0]

    shutil.rmtree(raw)
    shutil.copytree(e2e["raw"], raw)  # the rest of the files arrive
    second = nightly(raw_dir=str(raw), warehouse_dir=str(warehouse), plan_id="VL-2022")
    assert second.status == "completed"
    assert not second.dbt["full_refresh"], "same code: the incremental models are kept"
    executed = (
        warehouse
        / "private"
        / "dbt"
        / "target"
        / "run"
        / "vlpipe"
        / "models"
        / "intermediate"
        / "int_enterprise_reports__versions.sql"
    ).read_text("utf-8")
    assert "delete from" in executed.lower(), "the second build replaced only touched groups"
    with duckdb.connect(str(versions), read_only=True) as con:
        after = con.execute(
            "select count(*) from intermediate.int_enterprise_reports__versions"
        ).fetchone()[0]
    assert after > before

    # The same warehouse as the e2e run, which loaded every file in one night.
    assert _checksums(warehouse / "vinhlinh.duckdb") == _checksums(
        e2e["warehouse"] / "vinhlinh.duckdb"
    )
