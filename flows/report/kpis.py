"""KPI cards with their path through the year, the status summary and khuyến công funds."""

from __future__ import annotations

import math
from collections import Counter

from flows.report.data import PlanData
from flows.report.fmt import (
    STATUS,
    empty,
    esc,
    num,
    pct,
    status_badge,
    table,
    target_num,
    target_text,
    td,
    th,
)
from flows.report.svg import COLOURS, Bar, Line, hbar_chart, line_chart

UNIT_VI = {
    "billion VND": "tỷ đồng",
    "million VND": "triệu đồng",
    "persons": "người",
    "units": "cơ sở",
    "enterprises": "doanh nghiệp",
    "products": "sản phẩm",
    "million VND / person / year": "triệu đồng/người/năm",
    "%": "%",
}
MONTHS = [str(m) for m in range(1, 13)]
KC_SOURCES = [
    ("KC_FUNDS_DISTRICT", "Ngân sách huyện", "District"),
    ("KC_FUNDS_PROVINCIAL", "Ngân sách tỉnh", "Provincial"),
    ("KC_FUNDS_NATIONAL", "Khuyến công quốc gia", "National"),
    ("KC_FUNDS_TOTAL", "Tổng", "Total"),
]


def unit_text(unit: object) -> str:
    """The unit in Vietnamese, then as the table writes it."""
    if unit is None:
        return ""
    vi = UNIT_VI.get(str(unit))
    return esc(unit) if vi is None or vi == unit else f"{esc(vi)} / {esc(unit)}"


def _in_progress(row: dict) -> bool:
    return row.get("is_year_complete") is False


def _number(value: object) -> float | None:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def status_summary(plan: PlanData) -> str:
    """Counts of KPIs by status, each as a badge with its count."""
    counts = Counter(str(r.get("status")) for r in plan.kpis)
    order = [s for s in STATUS if s in counts] + sorted(set(counts) - set(STATUS))
    return (
        '<div class="summary">'
        + "".join(f"{status_badge(s)} <b>{counts[s]}</b>" for s in order)
        + "</div>"
    )


def kpi_chart(row: dict, history: list[dict]) -> str:
    """The KPI month by month: actual, year-end projection, target line or band."""
    actual: list[tuple[float, float]] = []
    projected: list[tuple[float, float]] = []
    for h in history:
        when = h.get("as_of_date")
        if when is None or not hasattr(when, "month"):
            continue
        a, p = _number(h.get("actual")), _number(h.get("projected"))
        if a is not None:
            actual.append((when.month - 1, a))
        if (
            p is not None
            and h.get("kind") == "flow"
            and (a is None or not math.isclose(p, a, rel_tol=1e-6, abs_tol=1e-9))
        ):
            projected.append((when.month - 1, p))
    lines = [Line("Thực hiện / actual", actual, COLOURS["actual"])]
    if projected:
        lines.append(
            Line(
                "Dự báo cuối năm / year-end projection",
                projected,
                COLOURS["projected"],
                dash="2 2",
                dots=False,
            )
        )
    last_p = _number(row.get("projected"))
    if _in_progress(row) and row.get("kind") == "flow" and actual and last_p is not None:
        lines.append(
            Line(
                "Hướng tới cuối năm / towards year end",
                [actual[-1], (11, last_p)],
                COLOURS["projected"],
                dash="5 3",
                dots=False,
            )
        )
    low, high = _number(row.get("target_low")), _number(row.get("target_high"))
    target = (low, high) if row.get("comparator") == "between" else (low, None)
    title = f"{row.get('kpi_code')}: thực hiện theo tháng / monthly path"
    return line_chart(
        [ln for ln in lines if ln.points],
        x_labels=MONTHS,
        target=target if low is not None or high is not None else None,
        title=title,
    )


def chart_legend() -> str:
    """What the lines of the KPI charts mean."""
    return (
        '<p class="legend">'
        f'<span><i class="swatch" style="border-color:{COLOURS["actual"]}"></i>'
        "Thực hiện (lũy kế) / actual (year to date)</span>"
        f'<span><i class="swatch" style="border-top-style:dotted;'
        f'border-color:{COLOURS["projected"]}"></i>Dự báo cuối năm / year-end projection'
        "</span>"
        f'<span><i class="swatch" style="border-top-style:dashed;'
        f'border-color:{COLOURS["target"]}"></i>Chỉ tiêu (đường hoặc dải) / target (line '
        "or band)</span>"
        "<span>1…12 = tháng / month</span></p>"
    )


def kpi_card(plan: PlanData, row: dict) -> str:
    """One KPI: names, actual, projection, target, unit, status, completeness, chart."""
    code = str(row.get("kpi_code"))
    name_vi = row.get("kpi_name_vi") or code
    name_en = row.get("kpi_name_en")
    unit_vi = esc(UNIT_VI.get(str(row.get("unit")), row.get("unit")))
    figures = [
        (
            "actual",
            "Thực hiện",
            "Actual",
            f'<span class="value">{num(row.get("actual"))}</span> '
            f'<span class="unit">{unit_vi}</span>',
        )
    ]
    if _in_progress(row):
        if row.get("kind") == "flow":
            projected = num(row.get("projected"))
            if row.get("projected") is None and row.get("actual") is not None:
                projected = (
                    '<span class="no-projection">chưa đủ số liệu để dự báo / not '
                    "enough history to project</span>"
                )
        else:
            projected = '<span class="unit">giá trị mới nhất / latest value</span>'
        figures.append(("projected", "Dự báo cả năm", "Projected", projected))
    figures.append(("target", "Chỉ tiêu", "Target", target_text(row)))
    completeness = row.get("input_completeness")
    figures.append(
        (
            "completeness",
            "Đủ dữ liệu đầu vào",
            "Input completeness",
            pct(completeness)
            if completeness is not None
            else '<span class="unit">không áp dụng / n/a</span>',
        )
    )
    dl = "".join(
        f'<div class="{k}"><dt>{esc(vi)} / {esc(en)}</dt><dd>{v}</dd></div>'
        for k, vi, en, v in figures
    )
    exceeded = ' <span class="badge st-met">vượt / exceeded</span>' if row.get("exceeded") else ""
    status = row.get("status")
    klass = f"k-{status}" if status in STATUS else "k-unknown"
    return (
        f'<article class="card kpi-card {klass}" data-plan="{esc(plan.plan_id)}" '
        f'data-kpi="{esc(code)}" data-status="{esc(status)}">'
        f'<header><span class="code">{esc(code)}</span>'
        f"<span>{status_badge(status)}{exceeded}</span></header>"
        f'<h4 class="name-vi">{esc(name_vi)}</h4>'
        + (f'<p class="name-en">{esc(name_en)}</p>' if name_en else "")
        + f'<dl class="figures">{dl}</dl>{kpi_chart(row, plan.history.get(code, []))}'
        f'<p class="meta">Đơn vị / Unit: {unit_text(row.get("unit")) or "—"} · '
        f"Chủ trì / Lead: {esc(row.get('lead_unit')) or '—'} · "
        f"Nguồn / Source: {esc(row.get('source')) or '—'}</p></article>"
    )


def kpi_cards(plan: PlanData) -> str:
    """Every KPI of the plan as a card."""
    if not plan.kpis:
        return empty("Chưa có chỉ tiêu nào", "no KPI rows for this plan")
    return (
        status_summary(plan)
        + chart_legend()
        + '<div class="cards">'
        + "".join(kpi_card(plan, r) for r in plan.kpis)
        + "</div>"
    )


def kc_funds(plan: PlanData) -> str:
    """Khuyến công money disbursed by fund source against the allocation (KC_FUNDS_* rows)."""
    rows = {str(r.get("kpi_code")): r for r in plan.kpis}
    known = [(c, vi, en) for c, vi, en in KC_SOURCES if c in rows]
    others = sorted(
        c for c in rows if str(c).startswith("KC_FUNDS_") and c not in {k for k, _, _ in KC_SOURCES}
    )
    known += [(c, rows[c].get("kpi_name_vi") or c, c) for c in others]
    if not known:
        return empty(
            "Kế hoạch không có chỉ tiêu kinh phí khuyến công",
            "no khuyến công fund targets in this plan",
        )
    in_progress = any(_in_progress(rows[c]) for c, _, _ in known)
    head = [th("Nguồn vốn", "Fund source"), th("Đã giải ngân", "Disbursed", "num")]
    if in_progress:
        head.append(th("Dự báo cả năm", "Projected", "num"))
    head += [
        th("Phân bổ (chỉ tiêu)", "Allocation (target)", "num"),
        th("Tỷ lệ", "% of allocation", "num"),
        th("Trạng thái", "Status"),
    ]
    body, bars = [], []
    for code, vi, en in known:
        r = rows[code]
        actual, target = _number(r.get("actual")), _number(r.get("target_low"))
        share = pct(actual / target) if actual is not None and target else "—"
        cells = [td(f"{esc(vi)} / {esc(en)}"), td(num(actual, 3), "num")]
        if in_progress:
            cells.append(td(num(r.get("projected"), 3), "num"))
        cells += [td(target_text(r), "num"), td(share, "num"), td(status_badge(r.get("status")))]
        body.append(cells)
        bars.append(
            Bar(
                f"{vi} / {en}",
                [(actual or 0.0, "#1f4e79", "Đã giải ngân / disbursed")],
                target,
                f"{num(actual, 3)} / {target_num(target)}",
            )
        )
    unit = unit_text(rows[known[0][0]].get("unit"))
    return (
        f'<p class="note">Đơn vị / Unit: {unit}. Vạch xanh lá = mức phân bổ / green tick = '
        "allocation.</p>"
        + hbar_chart(bars, title="Kinh phí khuyến công theo nguồn / funds by source")
        + table(head, body)
    )
