"""Read what the report shows from the analyst DuckDB file (schema marts), read-only.

Every query goes through Reader.rows: a missing table or column gives no rows and a note in
Reader.problems, never an exception, so a first run with few data still gets a report.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

SAMPLE_ROWS = 60  # rejected rows shown in the page, at most SAMPLE_PER_FILE per file
SAMPLE_PER_FILE = 3
FILE_ROWS = 50  # files with rejected rows listed
RULE_ROWS = 30
FINDING_ROWS = 100
TASK_ROWS = 100
GRID_UNITS = 60  # units shown in the units × months grid (those with late or missing reports)
KPI_ORDER = [
    "IND_GO",
    "IND_SHARE",
    "IND_BUDGET",
    "CAPITAL",
    "TECH",
    "SUPPORT",
    "LAB",
    "KC",
    "OCOP",
    "TASKS",
]


class Reader:
    """Queries that turn any DuckDB error into no rows and a recorded problem."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.problems: list[str] = []

    def rows(self, sql: str, params: list | None = None, *, what: str = "") -> list[dict]:
        """Rows as dicts; [] (and a note in problems) when the query cannot run."""
        try:
            cur = self.con.execute(sql, params or [])
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0][:160] if str(exc) else ""
            self.problems.append(f"{what or 'query'}: {type(exc).__name__}: {first}")
            log.warning("report: %s could not be read: %s", what or "query", exc)
            return []


@dataclass
class PlanData:
    """Everything shown for one plan (one plan year)."""

    plan_id: str
    year: int | None
    as_of: date | None
    is_year_complete: bool | None
    note: str | None
    area_code: str | None = None  # the area or province the plan is for
    area_name: str | None = None
    areas: list[str] = field(default_factory=list)  # its area(s): one, or a province's
    kpis: list[dict] = field(default_factory=list)
    history: dict[str, list[dict]] = field(default_factory=dict)
    communes: list[dict] = field(default_factory=list)
    zones: list[dict] = field(default_factory=list)
    completeness: list[dict] = field(default_factory=list)
    unit_grid: list[dict] = field(default_factory=list)  # the GRID_UNITS worst units only
    unit_grid_stats: dict = field(default_factory=dict)  # units, flagged, months (all units)
    due_day: int = 12


@dataclass
class FollowUp:
    """What the office has to chase, whatever the plan: findings, tasks, rejected files."""

    findings: list[dict] = field(default_factory=list)
    findings_total: int = 0
    findings_by_check: list[dict] = field(default_factory=list)
    tasks_by_unit: list[dict] = field(default_factory=list)
    overdue_tasks: list[dict] = field(default_factory=list)
    latest_run: list[dict] = field(default_factory=list)
    rejected_files: list[dict] = field(default_factory=list)
    rejected_by_file: list[dict] = field(default_factory=list)
    rejected_by_rule: list[dict] = field(default_factory=list)
    rejected_sample: list[dict] = field(default_factory=list)
    rejected_totals: dict = field(default_factory=dict)
    counts: dict[str, int | None] = field(default_factory=dict)  # the brief's follow-up lines
    missing_latest: object = None  # the latest month with missing reports


@dataclass
class ReportData:
    """The whole report's data."""

    plans: list[PlanData]
    follow_up: FollowUp
    requested_plan: str | None
    problems: list[str]


def _kpi_key(row: dict) -> tuple[int, str]:
    code = str(row.get("kpi_code") or "")
    rank = next((i for i, p in enumerate(KPI_ORDER) if code.startswith(p)), len(KPI_ORDER))
    return rank, code


def _is_sample(note: str | None) -> bool:
    text = (note or "").lower()
    return "sample" in text or "mẫu" in text


def _plans(db: Reader, plan_id: str | None) -> list[PlanData]:
    rows = db.rows(
        "select plan_id, max(year) as year, max(as_of_date) as as_of,"
        " bool_and(is_year_complete) as is_year_complete, max(note) as note,"
        " any_value(area_code) as area_code, any_value(area_name) as area_name"
        " from marts.kpi_scorecard where plan_id is not null group by plan_id",
        what="marts.kpi_scorecard",
    )
    if plan_id is not None:
        rows = [r for r in rows if r["plan_id"] == plan_id]
    # adopted plans before sample ones, the most recent year first
    rows.sort(key=lambda r: (_is_sample(r["note"]), -(r["year"] or 0), str(r["plan_id"])))
    plans = [
        PlanData(
            r["plan_id"],
            r["year"],
            r["as_of"],
            r["is_year_complete"],
            r["note"],
            r["area_code"],
            r["area_name"],
        )
        for r in rows
    ]
    for plan in plans:
        plan.areas = [
            r["area_code"]
            for r in db.rows(
                "select distinct area_code from marts.kpi_by_area where area_level = 'area'"
                " and (area_code = ? or province_code = ?) order by area_code",
                [plan.area_code, plan.area_code],
                what="marts.kpi_by_area",
            )
        ] or ([plan.area_code] if plan.area_code else [])
    return plans


def _fill_plan(db: Reader, plan: PlanData) -> None:
    plan.kpis = sorted(
        db.rows(
            "select * from marts.kpi_scorecard where plan_id = ? and area_code = ?",
            [plan.plan_id, plan.area_code],
            what="marts.kpi_scorecard",
        ),
        key=_kpi_key,
    )
    for r in db.rows(
        "select * from marts.kpi_scorecard_history where plan_id = ? and area_code = ?"
        " order by kpi_code, as_of_date",
        [plan.plan_id, plan.area_code],
        what="marts.kpi_scorecard_history",
    ):
        plan.history.setdefault(r["kpi_code"], []).append(r)
    plan.communes = db.rows(
        f"select *, {_BN_VND} from marts.kpi_by_commune where year = ? and {_IN_AREAS}"
        " order by gross_output_current_bn_vnd desc nulls last, commune_name",
        [plan.year, plan.areas],
        what="marts.kpi_by_commune",
    )
    plan.zones = db.rows(
        f"select *, {_BN_VND} from marts.kpi_by_zone where year = ? and {_IN_AREAS}"
        " order by in_zone desc, gross_output_current_bn_vnd desc nulls last, zone_code",
        [plan.year, plan.areas],
        what="marts.kpi_by_zone",
    )
    end = plan.as_of or date(plan.year or 1900, 12, 31)
    plan.completeness = db.rows(
        "select rc.*, dc.commune_name, dz.zone_name from marts.reporting_completeness rc"
        " left join marts.dim_communes dc on dc.area_code = rc.area_code"
        "  and dc.commune_code = rc.commune_code"
        "  and rc.period >= dc.valid_from and (dc.valid_to is null or rc.period <= dc.valid_to)"
        " left join marts.dim_zones dz on dz.area_code = rc.area_code"
        "  and dz.zone_code = rc.zone_code"
        " where rc.year = ? and rc.period <= ? and rc.area_level = 'area'"
        " and rc.area_code in (select unnest(?::varchar[]))"
        " order by rc.breakdown_key, rc.area_code, rc.period",
        [plan.year, end, plan.areas],
        what="marts.reporting_completeness",
    )
    due = db.rows(
        "select day(due_date) as d from marts.missing_reports where due_date is not null limit 1",
        what="marts.missing_reports",
    )
    plan.due_day = int(due[0]["d"]) if due else 12
    params = [plan.year, plan.areas, plan.year, plan.areas, plan.due_day, end]
    what = "marts.fct_unit_month_submissions / missing_reports"
    plan.unit_grid = db.rows(_UNIT_GRID_SQL + _WORST_UNITS_SQL, [*params, GRID_UNITS], what=what)
    stats = db.rows(_UNIT_GRID_SQL + _UNIT_STATS_SQL, params, what=what)
    if stats:
        plan.unit_grid_stats = {
            "units": stats[0]["units"],
            "flagged": stats[0]["flagged"],
            "months": sorted(stats[0]["months"] or []),
        }


# One row per expected (unit, month) of the year: the unit's first submission for the month
# on time (by the due day of the next month), late, or missing (marts.missing_reports) — the
# same rule as marts.reporting_completeness, whose totals it reproduces. Only the worst
# units' rows leave DuckDB (a province has hundreds of thousands of unit-months), with the
# counts over all units.
_UNIT_GRID_SQL = """
with sub as (
    select area_code, tax_code, period, min(report_date) as first_report_date
    from marts.fct_unit_month_submissions
    where year = ? and area_code in (select unnest(?::varchar[]))
    group by area_code, tax_code, period
), miss as (
    select area_code, tax_code, period from marts.missing_reports
    where year(period) = ? and area_code in (select unnest(?::varchar[]))
), grid as (
    select coalesce(s.area_code, m.area_code) as area_code,
        coalesce(s.tax_code, m.tax_code) as tax_code, coalesce(s.period, m.period) as period,
        case when s.tax_code is null then 'missing'
             when s.first_report_date <= cast(s.period + interval 1 month
                                               + to_days(cast(? as integer) - 1) as date)
             then 'on_time' else 'late' end as state
    from sub s full join miss m
        on s.area_code = m.area_code and s.tax_code = m.tax_code and s.period = m.period
)
, shown as (
    select * from grid where period <= ?
), per_unit as (
    select area_code, tax_code, count(*) filter (where state = 'late') as late,
        count(*) filter (where state = 'missing') as missing
    from shown group by area_code, tax_code
)
"""
_WORST_UNITS_SQL = """
, worst as (
    select area_code, tax_code from per_unit where late + missing > 0
    order by missing desc, late desc, tax_code, area_code limit ?
)
select shown.*, u.unit_name, u.commune_code from shown
join worst using (area_code, tax_code)
left join marts.dim_units u on u.area_code = shown.area_code and u.tax_code = shown.tax_code
order by shown.tax_code, shown.area_code, shown.period
"""
_UNIT_STATS_SQL = """
select (select count(*) from per_unit) as units,
    (select count(*) from per_unit where late + missing > 0) as flagged,
    (select list(distinct period) from shown) as months
"""

# the rows of the plan's area(s): one area, or every area of a province
_IN_AREAS = "area_code in (select unnest(?::varchar[]))"

# the marts' money is million VND (docs/dashboards.md); the report shows billions
_BN_VND = ", ".join(
    f"{c}_mvnd / 1000 as {c}_bn_vnd"
    for c in ("gross_output_current", "gross_output_const2010", "own_capital", "kc_disbursed")
)
_REJECTED = (
    "(select distinct source, file_name, sheet, row_number, column_name, rule,"
    " message_vi, message_en from marts.rejected_rows)"
)


# The brief's follow-up lines: each count on its own, so one missing table costs one line.
_COUNTS = {
    "tasks_overdue": (
        "select count(*) as n from marts.plan_task_status where is_overdue"
        " and not coalesce(is_done, false)",
        "marts.plan_task_status",
    ),
    "tasks_done_late": (
        "select count(*) as n from marts.plan_task_status where is_overdue"
        " and coalesce(is_done, false)",
        "marts.plan_task_status",
    ),
    "missing_latest": (
        "select count(*) as n from marts.missing_reports"
        " where period = (select max(period) from marts.missing_reports)",
        "marts.missing_reports",
    ),
    "missing_total": ("select count(*) as n from marts.missing_reports", "marts.missing_reports"),
    "rejected_files": (
        "select count(*) as n from (select status, row_number() over (partition"
        " by source, file_name order by recorded_at desc nulls last) as k"
        " from marts.file_outcomes) where k = 1 and status = 'rejected'",
        "marts.file_outcomes",
    ),
}


def _counts(db: Reader, f: FollowUp) -> None:
    for key, (sql, what) in _COUNTS.items():
        rows = db.rows(sql, what=what)
        f.counts[key] = int(rows[0]["n"]) if rows else None
    latest = db.rows(
        "select max(period) as p from marts.missing_reports", what="marts.missing_reports"
    )
    f.missing_latest = latest[0]["p"] if latest else None


def _follow_up(db: Reader) -> FollowUp:
    f = FollowUp()
    _counts(db, f)
    f.findings = db.rows(
        "select * from marts.reconciliation_findings order by case severity when 'high' then 0"
        " when 'medium' then 1 else 2 end, period desc nulls last, check_name, entity"
        f" limit {FINDING_ROWS}",
        what="marts.reconciliation_findings",
    )
    f.findings_by_check = db.rows(
        "select check_name, severity, count(*) as n from marts.reconciliation_findings"
        " group by all order by check_name, severity",
        what="marts.reconciliation_findings",
    )
    f.findings_total = sum(int(r["n"]) for r in f.findings_by_check)
    f.tasks_by_unit = db.rows(
        "select * from marts.plan_tasks_by_lead_unit"
        " order by tasks_overdue desc, tasks desc, lead_unit_code",
        what="marts.plan_tasks_by_lead_unit",
    )
    f.overdue_tasks = db.rows(
        "select * from marts.plan_task_status where is_overdue"
        " order by is_done, days_late desc, task_code"
        f" limit {TASK_ROWS}",
        what="marts.plan_task_status",
    )
    f.latest_run = db.rows(
        "select run_id, status, count(*) as files, sum(rows_loaded) as rows_loaded,"
        " sum(rows_rejected) as rows_rejected, max(recorded_at) as recorded_at"
        " from marts.file_outcomes where run_id = (select run_id from marts.file_outcomes"
        " order by recorded_at desc nulls last limit 1) group by run_id, status order by status",
        what="marts.file_outcomes",
    )
    f.rejected_files = db.rows(
        "select * from (select *, row_number() over (partition by source, file_name"
        " order by recorded_at desc nulls last) as k from marts.file_outcomes)"
        " where k = 1 and status = 'rejected' order by recorded_at desc, file_name limit 100",
        what="marts.file_outcomes",
    )
    f.rejected_by_file = db.rows(
        "select source, file_name, count(distinct (coalesce(sheet, ''), row_number)) as rows,"
        " count(*) as reasons, string_agg(distinct rule, ', ' order by rule) as rules"
        f" from {_REJECTED} group by source, file_name order by rows desc, file_name"
        f" limit {FILE_ROWS}",
        what="marts.rejected_rows",
    )
    f.rejected_by_rule = db.rows(
        "select rule, count(*) as reasons, count(distinct file_name) as files,"
        " min(message_en) as example_en"
        f" from {_REJECTED} group by rule order by reasons desc, rule limit {RULE_ROWS}",
        what="marts.rejected_rows",
    )
    f.rejected_sample = db.rows(
        "select source, file_name, sheet, row_number, column_name, rule, message_vi, message_en"
        f" from (select *, row_number() over (partition by file_name order by row_number,"
        f" column_name, rule) as k from {_REJECTED}) where k <= {SAMPLE_PER_FILE}"
        f" order by source, file_name, row_number, column_name limit {SAMPLE_ROWS}",
        what="marts.rejected_rows",
    )
    totals = db.rows(
        "select count(distinct file_name) as files,"
        " count(distinct (file_name, coalesce(sheet, ''), row_number)) as rows,"
        f" count(*) as reasons from {_REJECTED}",
        what="marts.rejected_rows",
    )
    f.rejected_totals = totals[0] if totals else {}
    return f


def load(analyst_db: Path, plan_id: str | None = None) -> ReportData:
    """Open the analyst file read-only and read every section's rows."""
    from flows.config import connect  # the one place DuckDB is opened

    con = connect(analyst_db, read_only=True)
    try:
        db = Reader(con)
        plans = _plans(db, plan_id)
        for plan in plans:
            _fill_plan(db, plan)
        follow_up = _follow_up(db)
        return ReportData(plans, follow_up, plan_id, list(dict.fromkeys(db.problems)))
    finally:
        con.close()
