"""Budget revenue (district tax office): non-state revenue and, of which, industry, by month."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .enterprise_files import header
from .formats import fmt_number, fmt_period, resolve_column
from .output import Output

SOURCE = "budget_revenue"
FOLDER = "budget"
TOTAL = "Thu ngoài quốc doanh"
INDUSTRY = "Trong đó: Công nghiệp"
COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("period", "Kỳ", None),
    ("item", "Chỉ tiêu", None),
    ("amount", "Số thu", "triệu đồng"),
)
BAD_RULE = ("amount", "industry revenue above total non-state revenue of the same month")
OFFICE = "CHI CỤC THUẾ KHU VỰC VĨNH LINH - GIO LINH"
MONTHS = [date(y, m, 1) for y in (2021, 2022) for m in range(1, 13)]
# 2022 monthly CSV exports: (encoding, delimiter, numbers, period style, headers, title, STT)
CSV_STYLES = (
    ("utf-8-sig", ",", "plain", "mm/yyyy", "vi", False, False, "UTF-8 BOM, ',', plain numbers"),
    (
        "cp1258",
        ";",
        "vn",
        "thang",
        "vi",
        True,
        True,
        "Windows-1258, ';', 2-line title, STT, numbers '4.125,3'",
    ),
    (
        "utf-8",
        ";",
        "vn",
        "yyyy-mm",
        "ascii",
        False,
        False,
        "UTF-8, ';', headers without diacritics, numbers '4.125,3'",
    ),
    (
        "utf-8-sig",
        ",",
        "en",
        "m/yyyy",
        "upper",
        False,
        False,
        "UTF-8 BOM, ',', upper-case headers, numbers '4,125.3' (quoted)",
    ),
)


def _month_weights(rng: random.Random) -> list[float]:
    """Collections are heavier in June, September and above all December."""
    return [
        1 + 0.1 * (m in (6, 9)) + 0.3 * (m == 12) + rng.uniform(-0.12, 0.12) for m in range(1, 13)
    ]


def build_amounts(rng: random.Random, bad_month: int) -> dict[date, tuple[float, float]]:
    """(total, industry) in million VND per month. 2022 is calibrated on what loads: industry
    of every month but the bad one ≈ 43.5–48.5 bn VND, ≈ 57–63.5 % of the year's total."""
    out: dict[date, tuple[float, float]] = {}
    for year, ind_range, share_range in (
        (2021, (36_000, 40_000), (0.54, 0.59)),
        (2022, (43_500, 48_500), (0.57, 0.635)),
    ):
        w = _month_weights(rng)
        counted = [m for m in range(1, 13) if not (year == 2022 and m == bad_month)]
        ind_total, share = rng.uniform(*ind_range), rng.uniform(*share_range)
        ind = [ind_total * x / sum(w[m - 1] for m in counted) for x in w]
        tot = [i / rng.uniform(0.5, 0.72) for i in ind]
        k = ind_total / share / sum(tot)
        for m in range(1, 13):
            t, i = round(tot[m - 1] * k, 1), round(ind[m - 1], 1)
            assert i <= t
            out[date(year, m, 1)] = (t, i)
    return out


@dataclass
class BudgetPlan:
    """The months whose files go wrong, and the true amounts (total, industry) per month."""

    bad_month: int
    fix_month: int
    amounts: dict[date, tuple[float, float]]


def plan_budget(rng: random.Random) -> BudgetPlan:
    """2021–2022: which 2022 month is sent with a slipped digit, which one is corrected
    later, and the amounts (drawn first: enterprise taxes are calibrated on them)."""
    bad_month = rng.choice((9, 10, 11))
    fix_month = rng.choice((5, 6, 7))
    return BudgetPlan(bad_month, fix_month, build_amounts(rng, bad_month))


def plan_budget_2023(rng: random.Random, plan: BudgetPlan) -> None:
    """Add January–June 2023 to the plan: industry grows 4–10 % on 2022 with its own month
    pattern, and makes 58–64 % of the half year's non-state revenue."""
    ind22 = sum(plan.amounts[date(2022, m, 1)][1] for m in range(1, 13))
    w = _month_weights(rng)
    growth, share = rng.uniform(1.04, 1.10), rng.uniform(0.58, 0.64)
    ind = [ind22 * growth * x / sum(w) for x in w[:6]]
    tot = [i / rng.uniform(0.5, 0.72) for i in ind]
    k = sum(ind) / share / sum(tot)
    for m in range(1, 7):
        t, i = round(tot[m - 1] * k, 1), round(ind[m - 1], 1)
        assert i <= t
        plan.amounts[date(2023, m, 1)] = (t, i)


def write_budget(out: Output, rng: random.Random, plan: BudgetPlan, rng23: random.Random) -> None:
    """2021: one workbook per quarter; 2022: one CSV per month, June sent again corrected
    (the later file wins), October with industry typed ten times too large (rejected);
    2023: one CSV per month, January to June (rng23)."""
    amounts = plan.amounts
    effective: dict[tuple[date, str], dict] = {}

    def keep(rel: str, row_number: int, period: date, item: str, amount: float) -> None:
        effective[period, item] = {
            "period": period,
            "item": item,
            "amount": amount,
            "file": rel,
            "row_number": row_number,
        }

    # 2021 quarterly workbooks
    for q in range(4):
        months = MONTHS[3 * q : 3 * q + 3]
        rel = f"{FOLDER}/2021/thu_NS_ngoai_quoc_doanh_2021_Q{q + 1}.xlsx"
        title = [
            [OFFICE],
            ["KẾT QUẢ THU NGÂN SÁCH KHU VỰC NGOÀI QUỐC DOANH TRÊN ĐỊA BÀN HUYỆN VĨNH LINH"],
            [f"Quý {('I', 'II', 'III', 'IV')[q]} năm 2021"],
            ["Đơn vị tính: triệu đồng"],
        ]
        head = (
            ["STT"]
            + [header(c, n, u, "xlsx") for c, n, u in COLUMNS]
            + ["Lũy kế từ đầu năm\n(triệu đồng)"]
        )
        table: list[list] = [*title, head]
        style = ("thang", "mm/yyyy", "thang", "m/yyyy")[q]
        as_text = q == 2
        for p in months:
            for item, amount in zip((TOTAL, INDUSTRY), amounts[p], strict=True):
                cumul = round(sum(amounts[x][item == INDUSTRY] for x in MONTHS[: p.month]), 1)
                cell: float | str = (
                    fmt_number(amount, "vn", 1, force_decimal=True) if as_text else amount
                )
                table.append([len(table) - len(title), fmt_period(p, style), item, cell, cumul])
                keep(rel, len(table), p, item, amount)
        sheets = [(f"Quy {q + 1}", table, len(title))]
        if q == 3:
            sheets.append(
                (
                    "Ghi chu",
                    [["Số liệu tháng 12 là số ước, sẽ điều chỉnh khi có số quyết toán."]],
                    0,
                )
            )
        arrived = datetime.combine(
            date(2021 + (q == 3), (3 * q + 3) % 12 + 1, rng.randint(10, 15)),
            time(9, rng.randint(0, 59), 22),
        )
        quirks = (
            f"title block 4 rows, STT, period as '{fmt_period(months[0], style)}', extra "
            "column 'Lũy kế từ đầu năm'"
        )
        quirks += ", amounts typed as text '4.125,3'" if as_text else ""
        quirks += ", second sheet of notes (no header)" if q == 3 else ""
        out.xlsx(rel, SOURCE, sheets, mtime=arrived, data_rows=6, quirks=quirks)

    # 2022 and 2023 monthly CSV exports
    for p in MONTHS[12:]:
        _monthly_csv(out, rng, p, plan, keep)
    for p in (date(2023, m, 1) for m in range(1, 7)):
        _monthly_csv(out, rng23, p, plan, keep)
    out.truth.budget_revenue = sorted(
        effective.values(), key=lambda r: (r["period"], r["item"] != TOTAL)
    )


def _monthly_csv(
    out: Output,
    rng: random.Random,
    p: date,
    plan: BudgetPlan,
    keep: Callable[[str, int, date, str, float], None],
) -> None:
    """The tax office's CSV export of month p (2022: the corrected and the bad month)."""
    bad_month = plan.bad_month if p.year == 2022 else None
    fix_month = plan.fix_month if p.year == 2022 else None
    first_arrival = datetime.combine(
        date(p.year + (p.month == 12), p.month % 12 + 1, rng.randint(8, 14)),
        time(10, rng.randint(0, 59), 22),
    )
    for fixed in (False, True) if p.month == fix_month else (False,):
        enc, delim, numbers, pstyle, heads, titled, stt, qname = CSV_STYLES[p.month % 4]
        total, ind = plan.amounts[p]
        bad = p.month == bad_month and not fixed
        if p.month == fix_month and not fixed:  # first figures, corrected later
            total = round(total * rng.uniform(0.93, 0.98), 1)
            ind = round(min(ind * rng.uniform(0.9, 0.97), total), 1)
        written_ind = round(ind * 10 + 0.3, 1) if bad else ind  # a slipped digit
        rel = (
            f"{FOLDER}/{p.year}/thu_ngan_sach_{p.year}-{p.month:02d}"
            + ("_dieu_chinh" if fixed else "")
            + ".csv"
        )
        lines: list[list[str]] = []
        if titled:
            lines += [
                [f"BÁO CÁO THU NGÂN SÁCH NGOÀI QUỐC DOANH THÁNG {p.month:02d}/{p.year}"],
                ["Đơn vị tính: triệu đồng"],
            ]
        head = [header(c, n, u, heads) for c, n, u in COLUMNS]
        lines.append((["STT"] if stt else []) + head + (["Ghi chú"] if fixed else []))
        cells = resolve_column(
            [fmt_number(v, numbers, 1) for v in (total, written_ind)],
            [total, written_ind],
            numbers,
            1,
            trusted=[True, not bad],
        )
        for k, (item, amount) in enumerate(((TOTAL, total), (INDUSTRY, ind))):
            lines.append(
                ([str(k + 1)] if stt else [])
                + [fmt_period(p, pstyle), item, cells[k]]
                + (["Điều chỉnh theo số liệu đối chiếu với Kho bạc"] if fixed else [])
            )
            if bad and item == INDUSTRY:
                out.bad(SOURCE, rel, len(lines), *BAD_RULE)
            else:
                keep(rel, len(lines), p, item, amount)
        arrived = (
            first_arrival + timedelta(days=rng.randint(10, 16), hours=5) if fixed else first_arrival
        )
        quirks = f"{qname}, period as '{fmt_period(p, pstyle)}'"
        if fixed:
            quirks += (
                f"; RESUBMISSION of {p:%m/%Y} with corrected amounts (later file wins)"
                ", extra column 'Ghi chú'"
            )
        if bad:
            quirks += "; industry typed ten times too large (above the total): rejected"
        out.csv(
            rel,
            SOURCE,
            lines,
            delimiter=delim,
            encoding=enc,
            mtime=arrived,
            data_rows=2,
            quirks=quirks,
        )
