"""Independent KPI oracle: what each plan KPI should be, from the generator's Truth only.

Plain Python, written from plan-2022-targets.md without sharing code with the pipeline.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date

from flows.generator import Truth

ORACLE_KPIS = (
    "IND_GO_GROWTH", "IND_GO_CONST2010", "IND_GO_CURRENT", "TECH_ADVANCED_SHARE",
    "SUPPORT_IND_ATTRACTED", "CAPITAL_OWN", "LAB_TRAINED_RATIO", "LAB_NEW_JOBS",
    "LAB_AVG_INCOME", "KC_SUPPORTED_UNITS", "KC_FUNDS_TOTAL", "KC_FUNDS_NATIONAL",
    "KC_FUNDS_PROVINCIAL", "KC_FUNDS_DISTRICT",
    "IND_SHARE_ECONOMY", "IND_BUDGET_CONTRIB", "IND_BUDGET_SHARE", "OCOP_3_4_STAR",
    "TASKS_ON_TIME",
)
KCN_TBHX = "KCN_TBHX"
UNTRAINED = "Chưa qua đào tạo"
FUNDS = {"KC_FUNDS_NATIONAL": "Quốc gia", "KC_FUNDS_PROVINCIAL": "Tỉnh",
         "KC_FUNDS_DISTRICT": "Huyện"}
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


def _enterprise(reports: list[dict], year: int) -> dict[str, float | None]:
    ind = [r for r in reports if is_industrial_vsic(r["vsic_code"])]
    this = [r for r in ind if r["period"].year == year]
    prev = [r for r in ind if r["period"].year == year - 1]
    out: dict[str, float | None] = dict.fromkeys(
        ("IND_GO_GROWTH", "IND_GO_CONST2010", "IND_GO_CURRENT", "TECH_ADVANCED_SHARE",
         "SUPPORT_IND_ATTRACTED", "CAPITAL_OWN"))
    if this:
        const_y = _sum(r["gross_output_const2010"] for r in this)
        out["IND_GO_CONST2010"] = const_y / 1000
        out["IND_GO_CURRENT"] = _sum(r["gross_output_current"] for r in this) / 1000
        const_prev = _sum(r["gross_output_const2010"] for r in prev)
        if prev and const_prev > 0:
            out["IND_GO_GROWTH"] = (const_y / const_prev - 1) * 100
        latest: dict[str, dict] = {}
        for r in this:
            if r["tax_code"] not in latest or r["period"] > latest[r["tax_code"]]["period"]:
                latest[r["tax_code"]] = r
        out["TECH_ADVANCED_SHARE"] = (100 * sum(r["advanced_machinery"] for r in latest.values())
                                      / len(latest))
        first: dict[str, date] = {}
        for r in reports:      # "first report" over all loaded years and all units
            if r["tax_code"] not in first or r["period"] < first[r["tax_code"]]:
                first[r["tax_code"]] = r["period"]
        attracted = {r["tax_code"] for r in this
                     if r["supporting_industry"] and r["zone_code"] == KCN_TBHX
                     and first[r["tax_code"]].year == year}
        out["SUPPORT_IND_ATTRACTED"] = float(len(attracted))
    year_rows = [r for r in reports if r["period"].year == year]
    if year_rows:
        out["CAPITAL_OWN"] = _sum(r["own_capital_invested"] or 0.0 for r in year_rows) / 1000
    return out


def _labour(spells: list[dict], industrial: set[str], year: int) -> dict[str, float | None]:
    out: dict[str, float | None] = dict.fromkeys(
        ("LAB_TRAINED_RATIO", "LAB_NEW_JOBS", "LAB_AVG_INCOME"))
    at_ind = [s for s in spells if s["employer_tax_code"] in industrial]
    end_y, end_prev = date(year, 12, 31), date(year - 1, 12, 31)
    active = [s for s in at_ind if _active(s, end_y)]
    if active:
        trained = sum(s["training_level"] != UNTRAINED for s in active)
        out["LAB_TRAINED_RATIO"] = 100 * trained / len(active)
    if spells:
        out["LAB_NEW_JOBS"] = float(len(active) - sum(_active(s, end_prev) for s in at_ind))
    wages, months = 0.0, 0
    for m in range(1, 13):
        last_day = date(year, m, calendar.monthrange(year, m)[1])
        for s in spells:
            if _active(s, last_day):
                wages += s["monthly_wage"]
                months += 1
    if months:
        out["LAB_AVG_INCOME"] = wages / months * 12 / 1e6
    return out


def _khuyen_cong(schemes: list[dict], year: int) -> dict[str, float | None]:
    out: dict[str, float | None] = dict.fromkeys(("KC_SUPPORTED_UNITS", "KC_FUNDS_TOTAL",
                                                  *FUNDS))
    in_year = [s for s in schemes if s["decision_date"].year == year
               or (s["disbursement_date"] is not None and s["disbursement_date"].year == year)]
    if not in_year:
        return out
    paid = [s for s in schemes if s["disbursement_date"] is not None
            and s["disbursement_date"].year == year and s["disbursed_amount"] > 0]
    out["KC_SUPPORTED_UNITS"] = float(len({s["beneficiary_tax_code"] for s in paid}))
    out["KC_FUNDS_TOTAL"] = _sum(s["disbursed_amount"] for s in paid) / 1e9
    for code, fund in FUNDS.items():
        out[code] = _sum(s["disbursed_amount"] for s in paid if s["fund_source"] == fund) / 1e9
    return out


def _economy(rows: list[dict], year: int) -> float | None:
    """IND_SHARE_ECONOMY: per (year, sector) the yearly row where there is one, otherwise the
    sum of its quarters (never both); industry ÷ all sectors (product taxes included)."""
    this = [r for r in rows if r["year"] == year]
    by_sector: dict[str, float] = {}
    for sector in {r["sector"] for r in this}:
        mine = [r for r in this if r["sector"] == sector]
        yearly = [r for r in mine if r["quarter"] is None]
        by_sector[sector] = _sum(r["value_added_current"] for r in (yearly or mine))
    gross = _sum(by_sector.values())
    if not this or gross <= 0:
        return None
    return 100 * by_sector.get(INDUSTRY_SECTOR, 0.0) / gross


def _budget(rows: list[dict], year: int) -> dict[str, float | None]:
    """IND_BUDGET_CONTRIB (billion VND) and IND_BUDGET_SHARE (%), amounts in million VND."""
    this = [r for r in rows if r["period"].year == year]
    if not this:
        return {"IND_BUDGET_CONTRIB": None, "IND_BUDGET_SHARE": None}
    industry = _sum(r["amount"] for r in this if r["item"] == BUDGET_INDUSTRY)
    total = _sum(r["amount"] for r in this if r["item"] == BUDGET_TOTAL)
    return {"IND_BUDGET_CONTRIB": industry / 1000,
            "IND_BUDGET_SHARE": 100 * industry / total if total > 0 else None}


def _ocop(ratings: list[dict], year: int) -> float | None:
    """Distinct product codes recognised in the year with 3 or 4 stars."""
    this = [r for r in ratings if r["recognised_on"].year == year]
    if not this:
        return None
    return float(len({r["product_code"] for r in this if r["stars"] in (3, 4)}))


def _tasks(reports: list[dict], file_seq: dict[str, int], year: int) -> float | None:
    """Tasks due in the year whose latest report (report date, then later file, then later
    row) is 'Hoàn thành' with a done date on or before the due date ÷ tasks due × 100."""
    latest: dict[str, dict] = {}
    for r in reports:
        rank = (r["report_date"], file_seq[r["file"]], r["row_number"])
        cur = latest.get(r["task_code"])
        if cur is None or rank > (cur["report_date"], file_seq[cur["file"]],
                                  cur["row_number"]):
            latest[r["task_code"]] = r
    due = [r for r in latest.values() if r["due_date"].year == year]
    if not due:
        return None
    on_time = [r for r in due if r["status"] == DONE and r["done_date"] is not None
               and r["done_date"] <= r["due_date"]]
    return 100 * len(on_time) / len(due)


def expected_kpis(truth: Truth, year: int = 2022) -> dict[str, float | None]:
    """The 19 KPIs measurable from the generated sources; None = no data."""
    industrial = {r["tax_code"] for r in truth.enterprise_reports
                  if is_industrial_vsic(r["vsic_code"])}
    task_seq = {path: i for i, path in enumerate(truth.file_order("plan_tasks"))}
    values = {**_enterprise(truth.enterprise_reports, year),
              **_labour(truth.labour_spells, industrial, year),
              **_khuyen_cong(truth.khuyen_cong, year),
              "IND_SHARE_ECONOMY": _economy(truth.economic_accounts, year),
              **_budget(truth.budget_revenue, year),
              "OCOP_3_4_STAR": _ocop(truth.ocop_ratings, year),
              "TASKS_ON_TIME": _tasks(truth.plan_tasks, task_seq, year)}
    return {code: values[code] for code in ORACLE_KPIS}


def expected_status(value: float | None, comparator: str, low: float | None,
                    high: float | None = None) -> str:
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
