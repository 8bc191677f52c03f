"""Independent KPI oracle: what each plan KPI should be, from the generator's Truth only.

Plain Python, written from docs/kpis.md and its in-year monitoring rules,
without sharing code with the pipeline.

In-year monitoring (as_of): only data dated on or before as_of counts — enterprise and
budget periods, khuyến công decision and disbursement dates, OCOP recognition dates, the
days labour headcounts are taken on, plan-task report dates, the quarter ends of the economic
accounts (a yearly row is dated 31/12). Flow KPIs (FLOW_KPIS, sums over the year) are then
year-to-date sums, every other KPI its latest value: shares and counts over the months so
far, headcounts on as_of, growth against the same months of the year before. A flow KPI is
projected to the year end with the previous year's seasonal pattern:
YTD(Y) × full year(Y−1) ÷ the same months of Y−1, only when those months hold at least
MIN_BASE_SHARE of the full year (a smaller base is no forecast: no projection, the year to
date is judged); a total (TOTALS) is the sum of its parts' projections, or none when a part
has none. Without as_of, as_of is the last day of the
latest enterprise-report period in the records (the contract's default), so a past year is
measured in full.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from synth import Province, Truth

ORACLE_KPIS = (
    "IND_GO_GROWTH",
    "IND_GO_CONST2010",
    "IND_GO_CURRENT",
    "TECH_ADVANCED_SHARE",
    "SUPPORT_IND_ATTRACTED",
    "CAPITAL_OWN",
    "LAB_TRAINED_RATIO",
    "LAB_NEW_JOBS",
    "LAB_AVG_INCOME",
    "KC_SUPPORTED_UNITS",
    "KC_FUNDS_TOTAL",
    "KC_FUNDS_NATIONAL",
    "KC_FUNDS_PROVINCIAL",
    "KC_FUNDS_DISTRICT",
    "IND_SHARE_ECONOMY",
    "IND_BUDGET_CONTRIB",
    "IND_BUDGET_SHARE",
    "OCOP_3_4_STAR",
    "TASKS_ON_TIME",
)
FLOW_KPIS = (
    "IND_GO_CONST2010",
    "IND_GO_CURRENT",
    "CAPITAL_OWN",
    "IND_BUDGET_CONTRIB",
    "KC_FUNDS_TOTAL",
    "KC_FUNDS_NATIONAL",
    "KC_FUNDS_PROVINCIAL",
    "KC_FUNDS_DISTRICT",
)
MIN_BASE_SHARE = 0.25  # the minimum base: same months ≥ a quarter of last year
TOTALS = {"KC_FUNDS_TOTAL": ("KC_FUNDS_DISTRICT", "KC_FUNDS_PROVINCIAL", "KC_FUNDS_NATIONAL")}
KCN_TBHX = "KCN_TBHX"
UNTRAINED = "Chưa qua đào tạo"
FUNDS = {
    "KC_FUNDS_NATIONAL": "Quốc gia",
    "KC_FUNDS_PROVINCIAL": "Tỉnh",
    "KC_FUNDS_DISTRICT": "Huyện",
}
INDUSTRY_SECTOR = "Công nghiệp"
BUDGET_TOTAL, BUDGET_INDUSTRY = "Thu ngoài quốc doanh", "Trong đó: Công nghiệp"
DONE = "Hoàn thành"


def is_industrial_vsic(vsic: str | None) -> bool:
    """VSIC sections B–E = divisions 05–39."""
    return bool(vsic) and vsic[:2].isdigit() and 5 <= int(vsic[:2]) <= 39


def _active(spell: dict, day: date) -> bool:
    end = spell["end_date"]
    return spell["start_date"] <= day and (end is None or end >= day)


def _sum(values: Iterable[float]) -> float:
    return float(sum(values))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# --- components: the numerators, denominators and sets each KPI is computed from -----------
# An area's KPIs are computed from its components; the province's from the merge of its
# areas' components (sums added, sets united, a unit's flags or-ed): the roll-up rules of
# docs/kpis.md#roll-up-to-the-province.


@dataclass
class EnterpriseParts:
    """Industrial reports of Y up to end (and the same months of Y−1); all units' capital."""

    has_this: bool = False  # an industrial report of a period of Y up to end
    const_y: float = 0.0  # Σ gross_output_const2010 (million VND)
    current_y: float = 0.0
    has_prev: bool = False  # an industrial report of the same months of Y−1
    const_prev: float = 0.0
    # industrial unit → advanced_machinery in its latest report of Y up to end
    advanced: dict[str, bool] = field(default_factory=dict)
    # industrial units flagged supporting_industry in KCN_TBHX in a report of Y up to end
    supporting: set[str] = field(default_factory=set)
    first_period: dict[str, date] = field(default_factory=dict)  # every unit, all years
    has_year_rows: bool = False  # any report (industrial or not) of Y up to end
    capital: float = 0.0  # Σ own_capital_invested of all units (million VND)


@dataclass
class LabourParts:
    """Spells at industrial employers: headcounts on end and on 31/12 of Y−1, worker-months."""

    has_spells: bool = False
    active: int = 0
    trained: int = 0
    active_prev: int = 0
    wages: float = 0.0  # VND, over the worker-months
    months: int = 0


@dataclass
class KhuyenCongParts:
    """Disbursements dated in Y up to end."""

    has_data: bool = False  # a decision or a disbursement dated in Y up to end
    paid: set[str] = field(default_factory=set)  # beneficiary tax codes paid > 0
    total: float = 0.0  # VND
    funds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(FUNDS, 0.0))


@dataclass
class Components:
    """Everything the 19 KPIs of one area (or, merged, of the province) are computed from."""

    enterprise: EnterpriseParts = field(default_factory=EnterpriseParts)
    labour: LabourParts = field(default_factory=LabourParts)
    khuyen_cong: KhuyenCongParts = field(default_factory=KhuyenCongParts)
    economy_rows: bool = False
    economy: dict[str, float] = field(default_factory=dict)  # sector → value added
    budget_rows: bool = False
    budget_industry: float = 0.0  # million VND
    budget_total: float = 0.0
    ocop_rows: bool = False
    ocop_products: set[str] = field(default_factory=set)  # 3-4 star product codes
    tasks_due: int = 0
    tasks_on_time: int = 0


def _enterprise(reports: list[dict], year: int, end: date) -> EnterpriseParts:
    """Periods of the year up to end; growth against the same months of the year before."""
    parts = EnterpriseParts()
    ind = [r for r in reports if is_industrial_vsic(r["vsic_code"])]
    this = [r for r in ind if r["period"].year == year and r["period"] <= end]
    prev = [r for r in ind if r["period"].year == year - 1 and r["period"].month <= end.month]
    if this:
        parts.has_this = True
        parts.const_y = _sum(r["gross_output_const2010"] for r in this)
        parts.current_y = _sum(r["gross_output_current"] for r in this)
        parts.has_prev = bool(prev)
        parts.const_prev = _sum(r["gross_output_const2010"] for r in prev)
        latest: dict[str, dict] = {}
        for r in this:
            if r["tax_code"] not in latest or r["period"] > latest[r["tax_code"]]["period"]:
                latest[r["tax_code"]] = r
        parts.advanced = {t: bool(r["advanced_machinery"]) for t, r in latest.items()}
        for r in reports:  # "first report" over all loaded years and all units
            if (
                r["tax_code"] not in parts.first_period
                or r["period"] < parts.first_period[r["tax_code"]]
            ):
                parts.first_period[r["tax_code"]] = r["period"]
        parts.supporting = {
            r["tax_code"] for r in this if r["supporting_industry"] and r["zone_code"] == KCN_TBHX
        }
    year_rows = [r for r in reports if r["period"].year == year and r["period"] <= end]
    if year_rows:
        parts.has_year_rows = True
        parts.capital = _sum(r["own_capital_invested"] or 0.0 for r in year_rows)
    return parts


def _labour(spells: list[dict], industrial: set[str], year: int, end: date) -> LabourParts:
    """Headcounts on end (31/12 for a whole year) against 31/12 of the year before; income
    over the worker-months of the year whose last day is on or before end; all three at
    industrial employers only."""
    at_ind = [s for s in spells if s["employer_tax_code"] in industrial]
    end_prev = date(year - 1, 12, 31)
    active = [s for s in at_ind if _active(s, end)]
    parts = LabourParts(
        has_spells=bool(spells),
        active=len(active),
        trained=sum(s["training_level"] != UNTRAINED for s in active),
        active_prev=sum(_active(s, end_prev) for s in at_ind),
    )
    for m in range(1, 13):
        last_day = _month_end(year, m)
        if last_day > end:
            break
        for s in at_ind:  # labour in industry, as the two headcount KPIs
            if _active(s, last_day):
                parts.wages += s["monthly_wage"]
                parts.months += 1
    return parts


def _khuyen_cong(schemes: list[dict], year: int, end: date) -> KhuyenCongParts:
    """Disbursements dated in the year up to end; no data without any decision or
    disbursement dated in the year up to end."""
    parts = KhuyenCongParts()

    def in_year(d: date | None) -> bool:
        return d is not None and d.year == year and d <= end

    if not any(in_year(s["decision_date"]) or in_year(s["disbursement_date"]) for s in schemes):
        return parts
    paid = [s for s in schemes if in_year(s["disbursement_date"]) and s["disbursed_amount"] > 0]
    parts.has_data = True
    parts.paid = {s["beneficiary_tax_code"] for s in paid}
    parts.total = _sum(s["disbursed_amount"] for s in paid)
    for code, fund in FUNDS.items():
        parts.funds[code] = _sum(s["disbursed_amount"] for s in paid if s["fund_source"] == fund)
    return parts


def _economy(rows: list[dict], year: int, end: date) -> tuple[bool, dict[str, float]]:
    """IND_SHARE_ECONOMY's parts: per (year, sector) the yearly row where there is one,
    otherwise the sum of its quarters (never both). A row is dated at the end of its quarter
    (a yearly row on 31/12): only rows up to end count."""
    this = [
        r for r in rows if r["year"] == year and _month_end(year, 3 * (r["quarter"] or 4)) <= end
    ]
    by_sector: dict[str, float] = {}
    for sector in {r["sector"] for r in this}:
        mine = [r for r in this if r["sector"] == sector]
        yearly = [r for r in mine if r["quarter"] is None]
        by_sector[sector] = _sum(r["value_added_current"] for r in (yearly or mine))
    return bool(this), by_sector


def _budget(rows: list[dict], year: int, end: date) -> tuple[bool, float, float]:
    """Industry and total amounts (million VND), months of the year up to end."""
    this = [r for r in rows if r["period"].year == year and r["period"] <= end]
    industry = _sum(r["amount"] for r in this if r["item"] == BUDGET_INDUSTRY)
    total = _sum(r["amount"] for r in this if r["item"] == BUDGET_TOTAL)
    return bool(this), industry, total


def _ocop(ratings: list[dict], year: int, end: date) -> tuple[bool, set[str]]:
    """Product codes recognised in the year (up to end) with 3 or 4 stars."""
    this = [r for r in ratings if r["recognised_on"].year == year and r["recognised_on"] <= end]
    return bool(this), {r["product_code"] for r in this if r["stars"] in (3, 4)}


def _tasks(
    reports: list[dict],
    file_seq: dict[str, int],
    year: int,
    as_of: date | None,
    due_by_as_of: bool = False,
    grace_days: int = 0,
) -> tuple[int, int]:
    """(tasks on time, tasks due). Tasks due in the year whose latest report dated on or
    before as_of (report date, then later file, then later row) is 'Hoàn thành' with a done
    date on or before the due date, and the tasks due in the year. Reports made after the
    year count (January's report is how a task due in December is known to be done), those
    after as_of do not. The other reading (the SQL's, see the report): due_by_as_of counts
    only the tasks due on or before as_of, grace_days accepts reports up to that many days
    after as_of."""
    latest: dict[str, dict] = {}
    cutoff = None if as_of is None else as_of + timedelta(days=grace_days)
    for r in reports:
        if cutoff is not None and r["report_date"] > cutoff:
            continue
        rank = (r["report_date"], file_seq[r["file"]], r["row_number"])
        cur = latest.get(r["task_code"])
        if cur is None or rank > (cur["report_date"], file_seq[cur["file"]], cur["row_number"]):
            latest[r["task_code"]] = r
    due = [
        r
        for r in latest.values()
        if r["due_date"].year == year
        and not (due_by_as_of and as_of is not None and r["due_date"] > as_of)
    ]
    on_time = [
        r
        for r in due
        if r["status"] == DONE and r["done_date"] is not None and r["done_date"] <= r["due_date"]
    ]
    return len(on_time), len(due)


def default_as_of(truth: Truth) -> date | None:
    """The last day of the latest enterprise-report period in the records (None if none)."""
    if not truth.enterprise_reports:
        return None
    p = max(r["period"] for r in truth.enterprise_reports)
    return _month_end(p.year, p.month)


def _year_end(year: int, as_of: date | None) -> date:
    return date(year, 12, 31) if as_of is None else min(as_of, date(year, 12, 31))


def kpi_components(
    truth: Truth,
    year: int,
    as_of: date | None,
    *,
    tasks_due_by_as_of: bool = True,
    task_grace_days: int = 0,
) -> Components:
    """One area's components for year Y as of a date (None: the year in full); the year
    must have begun by as_of."""
    end = _year_end(year, as_of)
    industrial = {
        r["tax_code"] for r in truth.enterprise_reports if is_industrial_vsic(r["vsic_code"])
    }
    task_seq = {path: i for i, path in enumerate(truth.file_order("plan_tasks"))}
    c = Components(
        enterprise=_enterprise(truth.enterprise_reports, year, end),
        labour=_labour(truth.labour_spells, industrial, year, end),
        khuyen_cong=_khuyen_cong(truth.khuyen_cong, year, end),
    )
    c.economy_rows, c.economy = _economy(truth.economic_accounts, year, end)
    c.budget_rows, c.budget_industry, c.budget_total = _budget(truth.budget_revenue, year, end)
    c.ocop_rows, c.ocop_products = _ocop(truth.ocop_ratings, year, end)
    c.tasks_on_time, c.tasks_due = _tasks(
        truth.plan_tasks, task_seq, year, as_of, tasks_due_by_as_of, task_grace_days
    )
    return c


def _merge_enterprise(parts: list[EnterpriseParts]) -> EnterpriseParts:
    out = EnterpriseParts(
        has_this=any(p.has_this for p in parts),
        const_y=_sum(p.const_y for p in parts),
        current_y=_sum(p.current_y for p in parts),
        has_prev=any(p.has_prev for p in parts),
        const_prev=_sum(p.const_prev for p in parts),
        has_year_rows=any(p.has_year_rows for p in parts),
        capital=_sum(p.capital for p in parts),
    )
    for p in parts:
        for tax, advanced in p.advanced.items():  # a unit once: advanced in any area
            out.advanced[tax] = out.advanced.get(tax, False) or advanced
        out.supporting |= p.supporting
        for tax, first in p.first_period.items():  # first period in any area
            out.first_period[tax] = min(first, out.first_period.get(tax, first))
    return out


def merge_components(parts: list[Components]) -> Components:
    """The province's components from its areas': numerators and denominators added, sets
    of units / beneficiaries / products united (a unit of two areas counts once)."""
    labour = LabourParts(
        has_spells=any(p.labour.has_spells for p in parts),
        active=sum(p.labour.active for p in parts),
        trained=sum(p.labour.trained for p in parts),
        active_prev=sum(p.labour.active_prev for p in parts),
        wages=_sum(p.labour.wages for p in parts),
        months=sum(p.labour.months for p in parts),
    )
    kc = KhuyenCongParts(
        has_data=any(p.khuyen_cong.has_data for p in parts),
        paid=set().union(*(p.khuyen_cong.paid for p in parts)),
        total=_sum(p.khuyen_cong.total for p in parts),
        funds={code: _sum(p.khuyen_cong.funds[code] for p in parts) for code in FUNDS},
    )
    economy: dict[str, float] = {}
    for p in parts:
        for sector, value in p.economy.items():
            economy[sector] = economy.get(sector, 0.0) + value
    return Components(
        enterprise=_merge_enterprise([p.enterprise for p in parts]),
        labour=labour,
        khuyen_cong=kc,
        economy_rows=any(p.economy_rows for p in parts),
        economy=economy,
        budget_rows=any(p.budget_rows for p in parts),
        budget_industry=_sum(p.budget_industry for p in parts),
        budget_total=_sum(p.budget_total for p in parts),
        ocop_rows=any(p.ocop_rows for p in parts),
        ocop_products=set().union(*(p.ocop_products for p in parts)),
        tasks_due=sum(p.tasks_due for p in parts),
        tasks_on_time=sum(p.tasks_on_time for p in parts),
    )


def _enterprise_values(e: EnterpriseParts, year: int) -> dict[str, float | None]:
    out: dict[str, float | None] = dict.fromkeys(
        (
            "IND_GO_GROWTH",
            "IND_GO_CONST2010",
            "IND_GO_CURRENT",
            "TECH_ADVANCED_SHARE",
            "SUPPORT_IND_ATTRACTED",
            "CAPITAL_OWN",
        )
    )
    if e.has_this:
        out["IND_GO_CONST2010"] = e.const_y / 1000
        out["IND_GO_CURRENT"] = e.current_y / 1000
        if e.has_prev and e.const_prev > 0:
            out["IND_GO_GROWTH"] = (e.const_y / e.const_prev - 1) * 100
        out["TECH_ADVANCED_SHARE"] = 100 * sum(e.advanced.values()) / len(e.advanced)
        attracted = {t for t in e.supporting if e.first_period[t].year == year}
        out["SUPPORT_IND_ATTRACTED"] = float(len(attracted))
    if e.has_year_rows:
        out["CAPITAL_OWN"] = e.capital / 1000
    return out


def _labour_values(p: LabourParts) -> dict[str, float | None]:
    out: dict[str, float | None] = dict.fromkeys(
        ("LAB_TRAINED_RATIO", "LAB_NEW_JOBS", "LAB_AVG_INCOME")
    )
    if p.active:
        out["LAB_TRAINED_RATIO"] = 100 * p.trained / p.active
    if p.has_spells:
        out["LAB_NEW_JOBS"] = float(p.active - p.active_prev)
    if p.months:
        out["LAB_AVG_INCOME"] = p.wages / p.months * 12 / 1e6
    return out


def _khuyen_cong_values(p: KhuyenCongParts) -> dict[str, float | None]:
    if not p.has_data:
        return dict.fromkeys(("KC_SUPPORTED_UNITS", "KC_FUNDS_TOTAL", *FUNDS))
    return {
        "KC_SUPPORTED_UNITS": float(len(p.paid)),
        "KC_FUNDS_TOTAL": p.total / 1e9,
        **{code: p.funds[code] / 1e9 for code in FUNDS},
    }


def kpi_values(c: Components, year: int) -> dict[str, float | None]:
    """The 19 KPIs from components (an area's, or the province's merged ones)."""
    gross = _sum(c.economy.values())
    values = {
        **_enterprise_values(c.enterprise, year),
        **_labour_values(c.labour),
        **_khuyen_cong_values(c.khuyen_cong),
        "IND_SHARE_ECONOMY": (
            100 * c.economy.get(INDUSTRY_SECTOR, 0.0) / gross
            if c.economy_rows and gross > 0
            else None
        ),
        "IND_BUDGET_CONTRIB": c.budget_industry / 1000 if c.budget_rows else None,
        "IND_BUDGET_SHARE": (
            100 * c.budget_industry / c.budget_total
            if c.budget_rows and c.budget_total > 0
            else None
        ),
        "OCOP_3_4_STAR": float(len(c.ocop_products)) if c.ocop_rows else None,
        "TASKS_ON_TIME": 100 * c.tasks_on_time / c.tasks_due if c.tasks_due else None,
    }
    return {code: values[code] for code in ORACLE_KPIS}


def expected_kpis(
    truth: Truth,
    year: int = 2022,
    as_of: date | None = None,
    *,
    tasks_due_by_as_of: bool = True,
    task_grace_days: int = 0,
) -> dict[str, float | None]:
    """The 19 KPIs measurable from the generated sources, as of a date (default:
    default_as_of); None = no data. Flow KPIs are sums from January to as_of. In a year in
    progress TASKS_ON_TIME counts the tasks due by as_of (the project's chosen reading: a
    task due in December cannot be late in June); tasks_due_by_as_of=False counts every
    task due in the year (see _tasks). Both readings agree for a complete year."""
    as_of = as_of or default_as_of(truth)
    if _year_end(year, as_of) < date(year, 1, 1):
        return dict.fromkeys(ORACLE_KPIS)
    parts = kpi_components(
        truth,
        year,
        as_of,
        tasks_due_by_as_of=tasks_due_by_as_of,
        task_grace_days=task_grace_days,
    )
    return kpi_values(parts, year)


def province_default_as_of(province: Province) -> date | None:
    """The latest of the areas' default as-of dates (None if no area has a report)."""
    dates = [d for t in province.truths.values() if (d := default_as_of(t)) is not None]
    return max(dates, default=None)


def expected_province_kpis(
    province: Province,
    year: int = 2022,
    as_of: date | None = None,
    *,
    tasks_due_by_as_of: bool = True,
    task_grace_days: int = 0,
) -> dict[str, dict[str, float | None]]:
    """{area code: its 19 KPIs, …, province code: the province's}, every area as of the same
    date (default: province_default_as_of). An area's values are expected_kpis' at that
    date; the province's come from the merged components (docs/kpis.md, "Roll-up to the
    province")."""
    as_of = as_of or province_default_as_of(province)
    codes = [*province.truths, province.code]
    if _year_end(year, as_of) < date(year, 1, 1):
        return {code: dict.fromkeys(ORACLE_KPIS) for code in codes}
    parts = {
        code: kpi_components(
            truth,
            year,
            as_of,
            tasks_due_by_as_of=tasks_due_by_as_of,
            task_grace_days=task_grace_days,
        )
        for code, truth in province.truths.items()
    }
    out = {code: kpi_values(p, year) for code, p in parts.items()}
    out[province.code] = kpi_values(merge_components(list(parts.values())), year)
    return out


def shared_units(province: Province) -> set[str]:
    """Tax codes in the (effective) enterprise reports of two or more areas: the units the
    pipeline reports as `unit_in_two_areas`."""
    seen = Counter(
        tax
        for truth in province.truths.values()
        for tax in {r["tax_code"] for r in truth.enterprise_reports}
    )
    return {tax for tax, n in seen.items() if n >= 2}


def projection_base(
    truth: Truth, year: int, as_of: date | None = None
) -> dict[str, tuple[float | None, float | None]]:
    """Each flow KPI's (same months of Y−1, full year Y−1): the base a projection rests on."""
    as_of = as_of or default_as_of(truth)
    end = _year_end(year, as_of)
    full_prev = expected_kpis(truth, year - 1, as_of)
    same_prev = expected_kpis(truth, year - 1, _month_end(year - 1, max(end.month, 1)))
    return {code: (same_prev[code], full_prev[code]) for code in FLOW_KPIS}


def _project(
    ytd: dict[str, float | None],
    base: dict[str, tuple[float | None, float | None]],
    min_base_share: float,
) -> dict[str, float | None]:
    """YTD × full year Y−1 ÷ same months of Y−1 where the base is usable; totals summed."""
    out: dict[str, float | None] = {}
    for code in FLOW_KPIS:
        a, (same, full) = ytd[code], base[code]
        usable = (
            full is not None
            and full > 0
            and same is not None
            and same > 0
            and same >= min_base_share * full
        )
        out[code] = a * full / same if a is not None and usable else None
    for total, parts in TOTALS.items():
        values = [out[p] for p in parts]
        out[total] = None if ytd[total] is None or None in values else sum(values)
    return out


def expected_projection(
    truth: Truth, year: int, as_of: date | None = None, *, min_base_share: float = MIN_BASE_SHARE
) -> dict[str, float | None]:
    """Year-end projection of each flow KPI: YTD(Y) × full year(Y−1) ÷ the same months of
    Y−1 (January to as_of's month). None where Y has no data so far, Y−1 has no data or a
    full year ≤ 0, or the same months hold less than min_base_share of the full year. A
    total (TOTALS) is the sum of its parts' projections, None when any part is None. For a
    year complete by as_of it is the actual value."""
    as_of = as_of or default_as_of(truth)
    end = _year_end(year, as_of)
    if end < date(year, 1, 1):
        return dict.fromkeys(FLOW_KPIS)
    ytd = expected_kpis(truth, year, as_of)
    if end.month == 12:
        return {code: ytd[code] for code in FLOW_KPIS}
    return _project(ytd, projection_base(truth, year, as_of), min_base_share)


def expected_province_projection(
    province: Province,
    year: int,
    as_of: date | None = None,
    *,
    min_base_share: float = MIN_BASE_SHARE,
) -> dict[str, dict[str, float | None]]:
    """expected_projection for every area and the province (from the province's rolled-up
    year to date and base, never a sum of the areas' projections)."""
    as_of = as_of or province_default_as_of(province)
    end = _year_end(year, as_of)
    codes = [*province.truths, province.code]
    if end < date(year, 1, 1):
        return {code: dict.fromkeys(FLOW_KPIS) for code in codes}
    ytd = expected_province_kpis(province, year, as_of)
    if end.month == 12:
        return {code: {k: ytd[code][k] for k in FLOW_KPIS} for code in codes}
    full_prev = expected_province_kpis(province, year - 1, as_of)
    same_prev = expected_province_kpis(province, year - 1, _month_end(year - 1, end.month))
    return {
        code: _project(
            ytd[code],
            {k: (same_prev[code][k], full_prev[code][k]) for k in FLOW_KPIS},
            min_base_share,
        )
        for code in codes
    }


def expected_findings(
    truth: Truth, employees_tolerance: tuple[float, float] = (10, 5), taxes_tolerance: float = 15
) -> set[tuple[str, date, str | None]]:
    """Cross-source findings as (check_name, period, entity) from the records:
    - employees_vs_labour_headcount: an employer in both sources whose reported employees
      differ from its labour headcount at the month end by more than max(pct % of the
      reported, persons) — months up to the date of the latest labour list;
    - taxes_vs_tax_office (entity None): taxes paid in all reports of a month against the
      tax office's industry revenue of the month, beyond ±pct %;
    - khuyen_cong_beneficiary_not_in_register (month of the decision) and
      ocop_producer_not_in_register (month of the recognition): a tax code that never
      appears in the enterprise reports."""
    pct, persons = employees_tolerance
    out: set[tuple[str, date, str | None]] = set()
    lists = [f.path for f in truth.files if f.source == "labour"]
    stamps = [m[1] for p in lists if (m := re.search(r"(\d{8})\.\w+$", p))]
    covered = max(date(int(d[:4]), int(d[4:6]), int(d[6:])) for d in stamps) if stamps else None
    by_employer: dict[str, list[dict]] = {}
    for sp in truth.labour_spells:
        by_employer.setdefault(sp["employer_tax_code"], []).append(sp)
    for r in truth.enterprise_reports:
        spells = by_employer.get(r["tax_code"])
        month_end = _month_end(r["period"].year, r["period"].month)
        if spells is None or covered is None or month_end > covered:
            continue
        headcount = sum(_active(sp, month_end) for sp in spells)
        if abs(r["employees"] - headcount) > max(persons, pct / 100 * r["employees"]):
            out.add(("employees_vs_labour_headcount", r["period"], r["tax_code"]))
    taxes: dict[date, float] = {}
    for r in truth.enterprise_reports:
        taxes[r["period"]] = taxes.get(r["period"], 0.0) + r["taxes_paid"]
    for b in truth.budget_revenue:
        if (
            b["item"] == BUDGET_INDUSTRY
            and b["period"] in taxes
            and abs(taxes[b["period"]] - b["amount"]) > taxes_tolerance / 100 * b["amount"]
        ):
            out.add(("taxes_vs_tax_office", b["period"], None))
    register = {r["tax_code"] for r in truth.enterprise_reports}
    for k in truth.khuyen_cong:
        if k["beneficiary_tax_code"] not in register:
            out.add(
                (
                    "khuyen_cong_beneficiary_not_in_register",
                    k["decision_date"].replace(day=1),
                    k["beneficiary_tax_code"],
                )
            )
    for o in truth.ocop_ratings:
        if o["producer_tax_code"] is not None and o["producer_tax_code"] not in register:
            out.add(
                (
                    "ocop_producer_not_in_register",
                    o["recognised_on"].replace(day=1),
                    o["producer_tax_code"],
                )
            )
    return out


def expected_status(
    value: float | None, comparator: str, low: float | None, high: float | None = None
) -> str:
    """'met' / 'not_met' / 'no_data', comparing at two decimals (above high still met)."""
    if value is None or low is None:
        return "no_data"
    v, lo = round(value, 2), round(low, 2)
    if comparator == "gt":
        return "met" if v > lo else "not_met"
    if comparator == "gte":
        return "met" if v >= lo else "not_met"
    if comparator == "between":
        return "met" if v >= lo else "not_met"
    raise ValueError(f"unknown comparator {comparator!r}")
