"""Reporting completeness and reconciliation marts, checked against the generator's records."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from tests.support.published import query

DUE_DAY = 12
SILENT_MONTHS_BEFORE_CLOSED = 3


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _expected_completeness(truth) -> dict[dt.date, tuple[int, int, int]]:
    """(expected, received, on time) per month, from every valid submission in the records."""
    first_report: dict[tuple[str, dt.date], dt.date] = {}
    for r in truth.enterprise_history:
        key = (r["tax_code"], r["period"])
        first_report[key] = min(first_report.get(key, r["report_date"]), r["report_date"])
    periods = defaultdict(list)
    for tax_code, period in first_report:
        periods[tax_code].append(period)
    last_month = max(p for _, p in first_report)
    counts: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for tax_code, months in periods.items():
        month = min(months)
        until = min(last_month, _add_months(max(months), SILENT_MONTHS_BEFORE_CLOSED))
        while month <= until:
            c = counts[month]
            c[0] += 1
            if (tax_code, month) in first_report:
                c[1] += 1
                due = _add_months(month, 1).replace(day=DUE_DAY)
                c[2] += first_report[(tax_code, month)] <= due
            month = _add_months(month, 1)
    return {m: tuple(c) for m, c in counts.items()}


def test_district_completeness_matches_the_records(e2e):
    expected = _expected_completeness(e2e["truth"])
    rows = query(
        e2e["warehouse"] / "vinhlinh.duckdb",
        "select period, expected_reports, received_reports, on_time_reports "
        "from marts.reporting_completeness where breakdown = 'district'",
    )
    got = {
        r["period"]: (r["expected_reports"], r["received_reports"], r["on_time_reports"])
        for r in rows
    }
    assert got == expected


def test_commune_and_zone_breakdowns_add_up_to_the_district(e2e):
    rows = query(
        e2e["warehouse"] / "vinhlinh.duckdb",
        "select breakdown, period, sum(expected_reports) as n "
        "from marts.reporting_completeness group by all",
    )
    by = defaultdict(dict)
    for r in rows:
        by[r["breakdown"]][r["period"]] = r["n"]
    assert by["commune"] == by["district"] == by["zone"]


def test_missing_reports_list_the_gaps(e2e):
    db = e2e["warehouse"] / "vinhlinh.duckdb"
    missing = query(db, "select count(*) as n from marts.missing_reports")[0]["n"]
    gaps = query(
        db,
        "select sum(missing_reports) as n from marts.reporting_completeness "
        "where breakdown = 'district'",
    )[0]["n"]
    assert missing == gaps


def test_communes_roll_up_to_the_2025_units(e2e):
    """2022 data keep their 2022 communes; the 2025 mart sums them under today's units."""
    db = e2e["warehouse"] / "vinhlinh.duckdb"
    current = {
        r["commune_code"]
        for r in query(db, "select commune_code from marts.dim_communes where valid_to is null")
    }
    by_year_2025 = query(
        db,
        "select year, commune_code, gross_output_current_mvnd::double as go "
        "from marts.kpi_by_commune_2025 where commune_code is not null",
    )
    assert {r["commune_code"] for r in by_year_2025} <= current
    old = query(
        db,
        "select year, sum(gross_output_current_mvnd)::double as go "
        "from marts.kpi_by_commune group by year",
    )
    rolled = defaultdict(float)
    for r in query(
        db, "select year, gross_output_current_mvnd::double as go from marts.kpi_by_commune_2025"
    ):
        rolled[r["year"]] += r["go"] or 0
    for r in old:
        assert abs(rolled[r["year"]] - (r["go"] or 0)) < 1e-6
    # The 2022 breakdown itself uses the communes valid in 2022 only.
    codes_2022 = {
        r["commune_code"]
        for r in query(
            db,
            "select distinct k.commune_code from marts.kpi_by_commune k join marts.dim_communes "
            "d on k.commune_code = d.commune_code and k.commune_valid_from = d.valid_from "
            "where k.year = 2022 and d.valid_from < date '2025-07-01'",
        )
    }
    assert codes_2022 and "19363" in codes_2022


def test_reconciliation_finds_exactly_the_planted_discrepancies(e2e):
    from tests.support.kpi_oracle import expected_findings

    expected = expected_findings(e2e["truth"])
    assert expected, "the sample plants findings"
    rows = query(
        e2e["warehouse"] / "vinhlinh.duckdb",
        "select check_name, period, entity, severity from marts.reconciliation_findings",
    )
    assert {(r["check_name"], r["period"], r["entity"]) for r in rows} == expected
    assert {r["severity"] for r in rows} <= {"high", "medium", "low"}
    assert e2e["first"].findings, "the run summary carries the findings"


def test_plan_task_status_overdue_and_days_late(e2e):
    """Each task's latest report, overdue flag and days late, from the records."""
    latest: dict[str, dict] = {}
    seq = {path: i for i, path in enumerate(e2e["truth"].file_order("plan_tasks"))}
    for r in e2e["truth"].plan_tasks:
        key = (r["report_date"], seq[r["file"]], r["row_number"])
        if r["task_code"] not in latest or key > latest[r["task_code"]]["_key"]:
            latest[r["task_code"]] = {**r, "_key": key}
    as_of = max(r["report_date"] for r in e2e["truth"].plan_tasks)
    expected = {}
    for code, r in latest.items():
        done = r["status"] == "Hoàn thành"
        if done:
            late = max((r["done_date"] - r["due_date"]).days, 0)
        else:
            late = max((as_of - r["due_date"]).days, 0)
        expected[code] = (r["status"], late > 0, late)
    rows = query(
        e2e["warehouse"] / "vinhlinh.duckdb",
        "select task_code, status, is_overdue, days_late from marts.plan_task_status",
    )
    assert {
        r["task_code"]: (r["status"], r["is_overdue"], r["days_late"]) for r in rows
    } == expected
    by_unit = query(
        e2e["warehouse"] / "vinhlinh.duckdb",
        "select sum(tasks) as n, sum(tasks_overdue) as late from marts.plan_tasks_by_lead_unit",
    )[0]
    assert (by_unit["n"], by_unit["late"]) == (
        len(expected),
        sum(1 for v in expected.values() if v[1]),
    )
