"""In-year monitoring: `--as-of` a month, projections to year end, history, another plan.

Expected values come from the generator's records (tests/support/kpi_oracle.py), computed from the
issue's wording: flow KPIs = year to date and projected with last year's seasonal pattern,
stock KPIs = their latest value.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil

import pytest

from tests.support.kpi_oracle import (
    MIN_BASE_SHARE,
    TOTALS,
    expected_kpis,
    expected_projection,
    expected_status,
    projection_base,
)
from tests.support.published import query

AS_OF = dt.date(2022, 6, 30)


@pytest.fixture(scope="module")
def as_of_june(e2e, tmp_path_factory):
    """The e2e warehouse re-run as of June 2022 (no new files: dbt, audit, publish)."""
    from flows.nightly import nightly

    warehouse = tmp_path_factory.mktemp("as-of") / "warehouse"
    shutil.copytree(e2e["warehouse"], warehouse, symlinks=True)
    result = nightly(
        raw_dir=str(e2e["raw"]), warehouse_dir=str(warehouse), plan_id="VL-2022", as_of="2022-06"
    )
    rows = query(
        warehouse / "vinhlinh.duckdb", "select * from marts.kpi_scorecard where plan_id = 'VL-2022'"
    )
    return result, {r["kpi_code"]: r for r in rows}, warehouse


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def test_as_of_june_actuals_use_data_up_to_june(e2e, as_of_june):
    _, card, _ = as_of_june
    expected = expected_kpis(e2e["truth"], 2022, as_of=AS_OF)
    wrong = {
        k: (card[k]["actual"], v) for k, v in expected.items() if not _close(card[k]["actual"], v)
    }
    assert not wrong, wrong


def test_as_of_june_flow_kpis_projected_with_last_years_pattern(e2e, as_of_june):
    _, card, _ = as_of_june
    projected = expected_projection(e2e["truth"], 2022, as_of=AS_OF)
    assert any(v is not None for v in projected.values()), "the oracle projects flow KPIs"
    wrong = {
        k: (card[k]["projected"], v)
        for k, v in projected.items()
        if not _close(card[k]["projected"], v)
    }
    assert not wrong, wrong


def test_as_of_june_statuses_are_in_year_statuses(as_of_june):
    _, card, _ = as_of_june
    assert {r["status"] for r in card.values()} <= {"on_track", "at_risk", "no_data"}
    assert {r["status"] for r in card.values()} & {"on_track", "at_risk"}
    assert all(r["is_year_complete"] is False for r in card.values())


def test_history_has_a_row_per_month_end(as_of_june, e2e):
    for warehouse, months in ((as_of_june[2], 6), (e2e["warehouse"], 12)):
        rows = query(
            warehouse / "vinhlinh.duckdb",
            "select kpi_code, count(*) as n, max(as_of_date) as last "
            "from marts.kpi_scorecard_history where plan_id = 'VL-2022' group by 1",
        )
        assert {r["n"] for r in rows} == {months}
    history = query(
        e2e["warehouse"] / "vinhlinh.duckdb",
        "select kpi_code, actual, status from marts.kpi_scorecard_history "
        "where plan_id = 'VL-2022' and as_of_date = date '2022-12-31'",
    )
    final = {
        r["kpi_code"]: r for r in e2e["first_snapshot"]["scorecard"] if r["plan_id"] == "VL-2022"
    }
    for r in history:
        assert _close(r["actual"], final[r["kpi_code"]]["actual"]) and (
            r["status"] == final[r["kpi_code"]]["status"]
        )


def test_another_plan_needs_no_code_vl_2023_projected(e2e):
    """The 2023 sample plan is rows in the targets file; its year is in progress (data to
    June 2023), so flow KPIs are projected and statuses are in-year ones."""
    truth = e2e["truth"]
    rows = {
        r["kpi_code"]: r for r in e2e["first_snapshot"]["scorecard"] if r["plan_id"] == "VL-2023"
    }
    assert len(rows) == 19
    actual = expected_kpis(truth, 2023)
    projected = expected_projection(truth, 2023)
    for code, row in rows.items():
        assert _close(row["actual"], actual[code]), (code, row["actual"], actual[code])
        if code in projected:
            assert _close(row["projected"], projected[code]), code
        assert row["status"] in {"on_track", "at_risk", "no_data"}


def _in_year(status: str) -> str:
    return {"met": "on_track", "not_met": "at_risk"}.get(status, status)


def test_projection_needs_a_minimum_base(e2e):
    """VL-2023, as of June: a flow KPI whose January–June 2022 held less than a quarter of
    2022 is not projected (×18 from 4 % of a year is no forecast); it says why and is judged
    on its year to date. Which KPIs those are comes from the generator's records."""
    truth = e2e["truth"]
    rows = {
        r["kpi_code"]: r for r in e2e["first_snapshot"]["scorecard"] if r["plan_id"] == "VL-2023"
    }
    actual = expected_kpis(truth, 2023)
    thin = sorted(
        code
        for code, (same, full) in projection_base(truth, 2023).items()
        if actual[code] is not None and full and full > 0 and (same or 0) < MIN_BASE_SHARE * full
    )
    assert thin, "the sample has flow KPIs with too thin a base in 2022"
    unguarded = expected_projection(truth, 2023, min_base_share=0)
    assert any(unguarded[c] is not None for c in thin), "the rule, not a lack of data"
    for code in thin:
        row = rows[code]
        assert row["projected"] is None, (code, row["projected"])
        assert "not enough history to project" in row["projection_note"], code
        judged = expected_status(
            actual[code], row["comparator"], row["target_low"], row["target_high"]
        )
        assert row["status"] == _in_year(judged), (code, row["status"], judged)
    projected = {c for c, r in rows.items() if r["projected"] is not None}
    assert all(rows[c]["projection_note"] is None for c in projected)


@pytest.mark.parametrize("which", ["VL-2023", "as-of June 2022"])
def test_a_total_is_projected_as_the_sum_of_its_parts(e2e, as_of_june, which):
    """KC_FUNDS_TOTAL's projection is district + provincial + national projections (none
    when a part has none), so the total never disagrees with its fund sources."""
    if which == "VL-2023":
        rows = {
            r["kpi_code"]: r
            for r in e2e["first_snapshot"]["scorecard"]
            if r["plan_id"] == "VL-2023"
        }
        oracle = expected_projection(e2e["truth"], 2023)
    else:
        rows = as_of_june[1]
        oracle = expected_projection(e2e["truth"], 2022, as_of=AS_OF)
    for total, parts in TOTALS.items():
        expected = None if any(oracle[p] is None for p in parts) else sum(oracle[p] for p in parts)
        assert _close(rows[total]["projected"], expected), (total, rows[total]["projected"])
        shown = [rows[p]["projected"] for p in parts]
        if None in shown:
            assert rows[total]["projected"] is None
        else:
            assert _close(rows[total]["projected"], sum(shown))
