"""The whole nightly flow on a generated dataset, run for real under a Prefect test server.

Expected KPI values come from the generator's own records (tests/support/kpi_oracle.py), never from
the pipeline's tables. A second run over the same files must load nothing and publish the
same results.
"""

from __future__ import annotations

import math

import duckdb
import pytest

from tests.support.kpi_oracle import ORACLE_KPIS, expected_kpis, expected_status
from tests.support.published import parquet, query

SOURCE_NAMES = {"labour": "labour_spells"}  # the generator's folder names → source names


def _scorecard(e2e) -> dict[str, dict]:
    return {
        r["kpi_code"]: r for r in e2e["first_snapshot"]["scorecard"] if r["plan_id"] == "VL-2022"
    }


def test_first_run_completes_and_publishes(e2e):
    assert e2e["first"].status == "completed"
    assert (e2e["warehouse"] / "vinhlinh.duckdb").is_file()
    assert (e2e["warehouse"] / "parquet").is_symlink()


@pytest.mark.parametrize("kpi", ORACLE_KPIS)
def test_kpi_matches_the_generators_records(e2e, kpi):
    expected = expected_kpis(e2e["truth"], 2022)[kpi]
    row = _scorecard(e2e)[kpi]
    if expected is None:
        assert row["actual"] is None and row["status"] == "no_data"
        return
    assert row["actual"] is not None, f"{kpi}: no value, expected {expected}"
    assert math.isclose(row["actual"], expected, rel_tol=1e-9, abs_tol=1e-6), (
        f"{kpi}: pipeline {row['actual']} != records {expected}"
    )
    assert row["status"] == expected_status(
        expected, row["comparator"], row["target_low"], row["target_high"]
    )


def test_every_plan_kpi_has_a_row_and_targets_come_from_reference(e2e):
    targets = {t["kpi_code"]: t for t in e2e["truth"].targets if t["plan_id"] == "VL-2022"}
    card = _scorecard(e2e)
    assert set(card) == set(targets) and len(card) == 19
    for code, t in targets.items():
        assert card[code]["target_low"] == pytest.approx(float(t["target_low"]))
        assert card[code]["comparator"] == t["comparator"]
    assert set(ORACLE_KPIS) == set(targets), "every KPI of the plan is checked against records"


def test_parquet_dataset_holds_the_same_rows_as_the_mart(e2e):
    snap = e2e["first_snapshot"]
    assert len(snap["parquet_scorecard"]) == len(snap["scorecard"])
    for a, b in zip(snap["parquet_scorecard"], snap["scorecard"], strict=True):
        assert {k: a[k] for k in b} == b


def test_bad_rows_rejected_with_reasons_and_the_rest_loaded(e2e):
    db = e2e["warehouse"] / "vinhlinh.duckdb"
    rejected = query(db, "select * from marts.rejected_rows")
    found = {(r["source"], r["file_name"], r["row_number"]) for r in rejected}
    for bad in e2e["truth"].bad_rows:
        source = SOURCE_NAMES.get(bad.source, bad.source)
        assert (source, bad.file, bad.row_number) in found, bad
    assert all(r["message_vi"] and r["message_en"] and r["rule"] for r in rejected)


def test_unreadable_file_recorded_as_rejected(e2e):
    db = e2e["warehouse"] / "vinhlinh.duckdb"
    outcomes = {
        r["file_name"]: r
        for r in query(
            db, f"select * from marts.file_outcomes where run_id = '{e2e['first'].run_id}'"
        )
    }
    for name in e2e["truth"].unreadable_files:
        assert outcomes[name]["status"] == "rejected" and outcomes[name]["reason"]
    for info in e2e["truth"].files:
        assert info.path in outcomes, f"{info.path} has no recorded outcome"


def test_second_run_loads_nothing_and_publishes_the_same(e2e):
    second = e2e["second"]
    assert second.status == "completed"
    assert {o["status"] for o in second.outcomes} == {"skipped"}
    # Nothing new: no rebuild, the first publication stands.
    assert second.published["unchanged"] and not second.dbt
    assert second.published["version"] == e2e["first"].published["version"]
    assert e2e["second_snapshot"] == e2e["first_snapshot"]
    # A forced rebuild of the same data publishes a new version with identical tables.
    rebuilt = e2e["rebuilt"]
    assert rebuilt.status == "completed" and rebuilt.dbt["success"]
    assert rebuilt.published["version"] != second.published["version"]
    assert e2e["rebuilt_snapshot"]["scorecard"] == e2e["first_snapshot"]["scorecard"]
    assert e2e["rebuilt_snapshot"]["tables"] == e2e["first_snapshot"]["tables"]
    db = e2e["warehouse"] / "private" / "pipeline.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        files = con.execute("select count(*), count(distinct sha256) from ops.files").fetchone()
        loaded = con.execute("select count(*) from raw.enterprise_reports").fetchone()[0]
    assert files[0] == files[1]
    submitted = len(e2e["truth"].enterprise_history)
    assert loaded == submitted


def test_no_personal_data_in_any_output(e2e):
    """Every text value of both DuckDB files, every Parquet file, the KPI report and the data
    docs, against the input's citizen IDs and names."""
    pii = {v for v in e2e["truth"].pii_values if v}
    assert pii, "the sample must contain personal data for this test to mean anything"
    warehouse = e2e["warehouse"]
    seen: set[str] = set()
    for db in (warehouse / "vinhlinh.duckdb", warehouse / "private" / "pipeline.duckdb"):
        with duckdb.connect(str(db), read_only=True) as con:
            columns = con.execute(
                "select schema_name, table_name, column_name from duckdb_columns() "
                "where data_type = 'VARCHAR' and not internal"
            ).fetchall()
            for schema, table, column in columns:
                seen.update(
                    v
                    for (v,) in con.execute(
                        f'select distinct "{column}" from {schema}.{table}'
                    ).fetchall()
                    if v
                )
    with duckdb.connect() as con:
        files = list((warehouse / "parquet").glob("**/*.parquet"))
        for f in files:
            rel = con.execute(f"select * from read_parquet('{f}')")
            for row in rel.fetchall():
                seen.update(str(v) for v in row if isinstance(v, str))
    pages = [
        *(warehouse / "reports").rglob("*.html"),
        *(warehouse / "docs").rglob("*.html"),
        *(warehouse / "docs").rglob("*.json"),
        warehouse / "private" / "last_run.json",
    ]
    assert len(pages) > 5, "the report and data docs were published"
    seen.update(p.read_text("utf-8", errors="replace") for p in pages)
    text = "\n".join(seen)
    leaked = [v for v in pii if v in text]
    assert not leaked, f"{len(leaked)} personal values found, e.g. {leaked[:1]}"


def test_breakdown_marts_published(e2e):
    tables = set(e2e["first_snapshot"]["tables"])
    assert {
        "kpi_scorecard",
        "kpi_by_commune",
        "kpi_by_zone",
        "kpi_by_month",
        "dim_units",
        "dim_communes",
        "dim_periods",
        "fct_unit_months",
        "fct_employment_spells",
        "fct_kc_disbursements",
        "rejected_rows",
        "file_outcomes",
    } <= tables
    rows = parquet(e2e["warehouse"], "kpi_by_month")
    assert rows


def test_published_columns_are_described(e2e):
    db = e2e["warehouse"] / "vinhlinh.duckdb"
    undocumented = query(
        db,
        "select table_name, column_name from duckdb_columns() "
        "where schema_name = 'marts' and comment is null",
    )
    assert undocumented == []


def test_a_build_failing_its_audit_publishes_nothing(e2e, tmp_path):
    """A bad value that slipped past validation (simulated by writing straight into the
    private warehouse) must stop the run before anything is published."""
    import shutil

    from flows.nightly import nightly

    warehouse = tmp_path / "warehouse"
    shutil.copytree(e2e["warehouse"], warehouse, symlinks=True)
    before = (warehouse / "published.json").read_text()
    analyst_before = (warehouse / "vinhlinh.duckdb").read_bytes()
    with duckdb.connect(str(warehouse / "private" / "pipeline.duckdb")) as con:
        con.execute("""
            insert into raw.enterprise_reports by name
            -- within the marts' money range (DECIMAL(18,6): ±10^12 million VND)
            select * replace (-1e11 as gross_output_current, 999999 as _source_row,
                              _file_seq + 100000 as _file_seq)  -- as if from a newer file
            from raw.enterprise_reports
            where period >= date '2022-01-01' limit 1""")
    # The ledger did not change (the row bypassed ingestion): force the build.
    state = nightly(
        raw_dir=str(e2e["raw"]),
        warehouse_dir=str(warehouse),
        plan_id="VL-2022",
        rebuild=True,
        return_state=True,
    )
    assert state.is_failed()
    result = state.result(raise_on_failure=False)
    assert "audit failed" in result.message and "money_actual" in result.message
    # ... naming the file and row behind the refusal, and how to unblock it.
    assert "row 999999 (enterprise_reports), column gross_output_current = -1e+11" in result.message
    assert "send a corrected file: it replaces the old one" in result.message
    # The failed audit's page (private, offline) shows the failure and the culprit row.
    page = (warehouse / "private" / "docs" / "audit" / "index.html").read_text("utf-8")
    assert 'id="verdict">✗' in page and 'data-failed="0"' not in page
    assert 'class="check" data-ok="false"' in page and "row 999999" in page
    assert (warehouse / "published.json").read_text() == before
    assert (warehouse / "vinhlinh.duckdb").read_bytes() == analyst_before


def test_response_workbooks_for_files_with_rejections(e2e):
    first = e2e["first"]
    with_problems = {
        o["file_name"] for o in first.outcomes if o["status"] == "rejected" or o["rows_rejected"]
    }
    assert first.feedback and len(first.feedback) <= len(with_problems)
    assert all(p.endswith(".xlsx") for p in first.feedback)
    assert e2e["second"].feedback == []


def test_no_personal_data_in_prefect_logs_or_artifacts(e2e):
    """Everything the Prefect UI shows of the two runs: logs, artifacts, task parameters."""
    from prefect.client.orchestration import get_client

    pii = {v for v in e2e["truth"].pii_values if v}
    shown: list[str] = []
    with get_client(sync_client=True) as client:
        offset = 0
        while batch := client.read_logs(limit=200, offset=offset):
            shown += [log.message for log in batch]
            offset += len(batch)
        shown += [str(a.data) + str(a.description) for a in client.read_artifacts(limit=200)]
        shown += [str(t.task_inputs) + t.name for t in client.read_task_runs(limit=200)]
        shown += [str(f.parameters) for f in client.read_flow_runs(limit=50)]
    assert len(shown) > 20, "the runs' logs were read"
    text = "\n".join(shown)
    assert not [v for v in pii if v in text]
