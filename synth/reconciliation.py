"""Cross-source consistency of the sample, and the discrepancies planted in it on purpose.

Enterprise reports, labour lists and the tax office's figures are written so that they agree
(within the tolerances below), except for the planted findings recorded in the Truth:
- employees_vs_labour_headcount: a few employer-months whose report gives twice the staff;
- taxes_vs_tax_office: one month where the largest taxpayers reported their taxes since
  January instead of the month's;
- khuyen_cong_beneficiary_not_in_register / ocop_producer_not_in_register: beneficiaries and
  producers with a valid tax code that never send an industrial report (listed from the
  records by planted_register_findings).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date

from .enterprises import MONTHS, Unit

EMPLOYEES_CHECK = "employees_vs_labour_headcount"
TAXES_CHECK = "taxes_vs_tax_office"
KC_CHECK = "khuyen_cong_beneficiary_not_in_register"
OCOP_CHECK = "ocop_producer_not_in_register"
# what "consistent" means in this sample (the pipeline's tolerances are configurable)
EMPLOYEES_TOLERANCE = (0.10, 5)  # share of the reported employees, or persons
TAXES_TOLERANCE = 0.15  # share of the tax office's figure


def calibrate_taxes(
    rng: random.Random, reports: list[dict], rejected: set[int], industry_revenue: dict[date, float]
) -> None:
    """Scale every report's taxes_paid so that, month by month, the sum over the reports
    that load (ids not in rejected) is within ±8 % of the tax office's industry revenue."""
    by_month: dict[date, list[dict]] = defaultdict(list)
    for rec in reports:
        by_month[rec["period"]].append(rec)
    for period in sorted(by_month):
        rows = by_month[period]
        loaded = sum(r["taxes_paid"] for r in rows if id(r) not in rejected)
        target = industry_revenue[period] * rng.uniform(0.92, 1.08)
        factor = target / loaded if loaded else 0.0
        for r in rows:
            r["taxes_paid"] = round(r["taxes_paid"] * factor, 1)


def plant_taxes_month(
    rng: random.Random,
    reports: list[dict],
    rejected: set[int],
    industry_revenue: dict[date, float],
    months: list[date],
) -> dict:
    """In one month (drawn from months), the largest taxpayers report their taxes paid since
    January: the month's sum is then at least 1.8 × the tax office's figure."""
    period = rng.choice(months)
    rows = sorted(
        (
            r
            for r in reports
            if r["period"] == period and id(r) not in rejected and r["taxes_paid"] > 0
        ),
        key=lambda r: (-r["taxes_paid"], r["tax_code"]),
    )
    ytd: dict[str, float] = defaultdict(float)
    for r in reports:
        if r["period"].year == period.year and r["period"] <= period and id(r) not in rejected:
            ytd[r["tax_code"]] += r["taxes_paid"]
    total = sum(r["taxes_paid"] for r in rows)
    wanted = 1.8 * industry_revenue[period]
    for r in rows:
        if total >= wanted:
            break
        total += round(ytd[r["tax_code"]], 1) - r["taxes_paid"]
        r["taxes_paid"] = round(ytd[r["tax_code"]], 1)
    return {
        "check_name": TAXES_CHECK,
        "period": period,
        "entity": None,
        "detail": f"enterprises {total:.1f} vs tax office {industry_revenue[period]:.1f} "
        "million VND: large taxpayers reported taxes since January",
    }


def plant_employees(
    rng: random.Random,
    reports: list[dict],
    rejected: set[int],
    covered: set[str],
    units: list[Unit],
    skip_periods: set[date],
    count: int = 4,
) -> dict[tuple[str, date], int]:
    """count employer-months (distinct units listed by the labour office, 15+ employees, one
    in 2021, the others from 2022 to May 2023 — not the last month, which the latest labour
    list may not cover) whose report gives twice the employees. Returns
    {(tax_code, period): employees before doubling}."""
    by_unit = {u.tax_code: u for u in units}
    pool = [
        r
        for r in reports
        if r["tax_code"] in covered
        and id(r) not in rejected
        and r["employees"] >= 15
        and r["period"] not in skip_periods
        and r["period"] < MONTHS[-1]
        and by_unit[r["tax_code"]].first < MONTHS.index(r["period"])
    ]
    pool.sort(key=lambda r: (r["period"], r["tax_code"]))
    planted: dict[tuple[str, date], int] = {}
    used: set[str] = set()
    for want_2021 in [True] + [False] * (count - 1):
        choices = [
            r
            for r in pool
            if (MONTHS.index(r["period"]) < 12) == want_2021 and r["tax_code"] not in used
        ]
        if not choices:
            continue
        rec = rng.choice(choices)
        used.add(rec["tax_code"])
        planted[rec["tax_code"], rec["period"]] = rec["employees"]
        rec["employees"] *= 2
    return planted


def planted_register_findings(
    enterprise_reports: list[dict], khuyen_cong: list[dict], ocop: list[dict]
) -> list[dict]:
    """Register findings as the records give them: one per (month of the decision or the
    recognition, tax code) whose tax code never appears in the enterprise reports."""
    register = {r["tax_code"] for r in enterprise_reports}
    out = set()
    for k in khuyen_cong:
        if k["beneficiary_tax_code"] not in register:
            out.add((KC_CHECK, k["decision_date"].replace(day=1), k["beneficiary_tax_code"]))
    for o in ocop:
        if o["producer_tax_code"] is not None and o["producer_tax_code"] not in register:
            out.add((OCOP_CHECK, o["recognised_on"].replace(day=1), o["producer_tax_code"]))
    return [{"check_name": c, "period": p, "entity": e} for c, p, e in sorted(out)]
