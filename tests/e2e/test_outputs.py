"""What people see besides the warehouse: the publication layout, data docs, Prefect
artifacts and `vlpipe status` — on the real runs of the e2e fixture."""

from __future__ import annotations

import json
import os

import duckdb

from flows.cli import main
from flows.config import Paths
from flows.lock import run_lock


def test_one_pointer_switches_parquet_reports_docs_and_record(e2e):
    warehouse = e2e["warehouse"]
    current = warehouse / "current"
    assert current.is_symlink()
    version = json.loads((warehouse / "published.json").read_text("utf-8"))["version"]
    assert os.readlink(current).endswith(version)
    for name, target in (
        ("parquet", "current/parquet"),
        ("reports", "current/reports"),
        ("docs", "current/docs"),
        ("published.json", "current/manifest.json"),
    ):
        assert os.readlink(warehouse / name) == target
    assert (warehouse / "reports" / "index.html").is_file()


def test_data_docs_built_and_published(e2e):
    docs = e2e["warehouse"] / "docs"
    index = (docs / "index.html").read_text("utf-8")
    assert 'href="dbt/index.html"' in index and 'href="audit/index.html"' in index
    dbt = (docs / "dbt" / "index.html").read_text("utf-8")
    # dbt's static page embeds the manifest: models and their column descriptions.
    assert "kpi_scorecard" in dbt and "fct_unit_months" in dbt
    assert "Input completeness" in dbt or "input_completeness" in dbt
    audit = (docs / "audit" / "index.html").read_text("utf-8")
    assert audit.count('class="suite"') >= 6  # one checkpoint per audited mart
    assert not (docs / "gx").exists()  # GX's Data Docs need internet (test_published_docs)


def test_every_published_column_is_described(e2e):
    with duckdb.connect(str(e2e["warehouse"] / "vinhlinh.duckdb"), read_only=True) as con:
        undescribed = con.execute(
            "select table_name, column_name from duckdb_columns() where schema_name = 'marts' "
            "and (comment is null or comment = '') order by all"
        ).fetchall()
        tables = con.execute(
            "select table_name from duckdb_tables() where schema_name = "
            "'marts' and (comment is null or comment = '')"
        ).fetchall()
    assert not tables, f"tables without a description: {tables}"
    assert not undescribed, f"{len(undescribed)} columns without a description: {undescribed[:8]}"


def test_artifacts_tell_the_nights_story(e2e):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        summary = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["nightly-summary"])),
            limit=50,
        )
        tables = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["kpi-scorecard"])), limit=50
        )
    first_run = [a for a in summary if "Rows rejected by rule" in str(a.data)]
    assert first_run, "the first run's summary lists rejected rows by rule"
    text = str(first_run[0].data)
    for part in (
        "Files to follow up",
        "Audit (great-expectations): passed",
        "dbt build: passed",
        "Reconciliation findings",
        "KPI report",
        "reports/index.html",
        "Data docs",
    ):
        assert part in text, part
    table = json.loads(tables[0].data) if isinstance(tables[0].data, str) else tables[0].data
    assert {r["kpi_code"] for r in table} >= {"IND_GO_CURRENT", "TASKS_ON_TIME"}


def test_status_prints_last_run_scorecard_and_follow_ups(e2e, capsys):
    assert main(["status", "--warehouse-dir", str(e2e["warehouse"]), "--plan", "VL-2022"]) == 0
    out = capsys.readouterr().out
    assert e2e["rebuilt"].run_id in out and "completed" in out
    assert "Scorecard VL-2022" in out and "IND_GO_CURRENT" in out
    assert "Needs follow-up" in out
    assert "Rejected files" in out and "Overdue tasks" in out
    assert "reports/index.html" in out


def test_status_of_an_empty_warehouse_and_during_a_run(tmp_path, capsys):
    assert main(["status", "--warehouse-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "no run yet" in out and "Nothing published yet" in out
    with run_lock(Paths.of(tmp_path, tmp_path)):
        main(["status", "--warehouse-dir", str(tmp_path)])
    assert "in progress" in capsys.readouterr().out
