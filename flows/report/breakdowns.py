"""Breakdowns by commune and zone, and the reporting-completeness grids of a plan year."""

from __future__ import annotations

from collections import defaultdict

from flows.report.data import GRID_UNITS, PlanData
from flows.report.fmt import empty, esc, num, table, td, th
from flows.report.svg import Bar, hbar_chart

MEASURES = [  # column, Vietnamese, English
    ("reporting_units", "Đơn vị báo cáo", "Reporting units"),
    ("gross_output_current_bn_vnd", "GTSX giá hiện hành (tỷ đ)", "Gross output, current (bn VND)"),
    ("gross_output_const2010_bn_vnd", "GTSX giá 2010 (tỷ đ)", "Gross output, 2010 prices"),
    ("own_capital_bn_vnd", "Vốn tự có (tỷ đ)", "Own capital (bn VND)"),
    ("employees_year_end", "Lao động cuối kỳ", "Employees (latest)"),
    ("kc_disbursed_bn_vnd", "Khuyến công (tỷ đ)", "Khuyến công (bn VND)"),
    ("kc_supported_units", "Cơ sở được hỗ trợ KC", "KC-supported units"),
]
STATE = {
    "on_time": ("✓", "Đúng hạn / on time"),
    "late": ("T", "Trễ hạn / late"),
    "missing": ("✗", "Chưa nộp / missing"),
}


def _sum(rows: list[dict], col: str) -> float | None:
    values = [float(r[col]) for r in rows if r.get(col) is not None]
    return sum(values) if values else None


def _measure_table(rows: list[dict], label_head: str, label_en: str, label) -> str:
    head = [th(label_head, label_en, "label")] + [th(vi, en, "num") for _, vi, en in MEASURES]
    body = [
        [td(label(r), "label")] + [td(num(r.get(c)), "num") for c, _, _ in MEASURES] for r in rows
    ]
    foot = [td("Cộng / Total", "label")] + [td(num(_sum(rows, c)), "num") for c, _, _ in MEASURES]
    return table(head, body, foot=foot)


def _commune_label(r: dict) -> str:
    return f"{esc(r.get('commune_name') or 'Không rõ / unknown')} ({esc(r.get('commune_code'))})"


def _not_cut(plan: PlanData) -> str:
    """A warning when the plan's as-of date is before the year end: the marts are whole-year."""
    if plan.as_of is None or plan.is_year_complete or plan.year is None:
        return ""
    return (
        f'<p class="note">Lưu ý: số liệu cả năm {esc(plan.year)} đã nhận, không cắt theo ngày '
        f"{plan.as_of.strftime('%d/%m/%Y')} / note: the whole year as loaded, not cut at the "
        "as-of date.</p>"
    )


def by_commune(plan: PlanData) -> str:
    """Output, capital, employees and khuyến công by commune (the year's own communes)."""
    if not plan.communes:
        return empty("Chưa có số liệu theo xã", "no data by commune for this year")
    bars = [
        Bar(
            str(r.get("commune_name") or r.get("commune_code") or "?"),
            [(float(r.get("gross_output_current_bn_vnd") or 0), "#1f4e79", "GTSX / output")],
        )
        for r in plan.communes[:25]
    ]
    return (
        f'<p class="note">Năm / Year {esc(plan.year)}, toàn bộ số liệu đã nhận / all data '
        "received. Biểu đồ: GTSX giá hiện hành (tỷ đồng) / chart: gross output at current "
        "prices (billion VND).</p>"
        + _not_cut(plan)
        + hbar_chart(bars, title="GTSX theo xã / gross output by commune")
        + _measure_table(plan.communes, "Xã, thị trấn", "Commune", _commune_label)
    )


def _zone_name(r: dict) -> str:
    if not r.get("in_zone") and r.get("zone_code") is None:
        return "Ngoài KCN, CCN / outside zones"
    name = str(r.get("zone_name") or r.get("zone_code"))
    return f"{name} ({r.get('zone_type')})" if r.get("zone_type") else name


def _zone_label(r: dict) -> str:
    return esc(_zone_name(r))


def by_zone(plan: PlanData) -> str:
    """The same measures by industrial zone (KCN) / cluster (CCN)."""
    if not plan.zones:
        return empty("Chưa có số liệu theo khu, cụm công nghiệp", "no data by zone for this year")
    bars = [
        Bar(
            _zone_name(r),
            [(float(r.get("gross_output_current_bn_vnd") or 0), "#1f4e79", "GTSX / output")],
        )
        for r in plan.zones
    ]
    return (
        _not_cut(plan)
        + hbar_chart(bars, title="GTSX theo khu, cụm / gross output by zone")
        + _measure_table(plan.zones, "Khu, cụm công nghiệp", "Zone", _zone_label)
    )


def _months(rows: list[dict]) -> list:
    return sorted({r["period"] for r in rows if r.get("period") is not None})


def _group_label(r: dict, several_areas: bool = False) -> str:
    if r.get("breakdown") == "district":
        if several_areas:  # a province's plan: one line per area
            return f"<b>Địa bàn / Area {esc(r.get('area_code'))}</b>"
        return "<b>Toàn huyện / District</b>"
    if r.get("breakdown") == "zone":
        if r.get("zone_code") is None:
            return "Ngoài KCN, CCN / outside zones"
        return f"{esc(r.get('zone_name') or r.get('zone_code'))}"
    return f"{esc(r.get('commune_name') or r.get('commune_code'))}"


def completeness_grid(plan: PlanData) -> str:
    """District, zones and communes × months: received / expected and on time."""
    rows = plan.completeness
    if not rows:
        return empty("Chưa có số liệu nộp báo cáo", "no reporting data for this year")
    months = _months(rows)
    order = {"district": 0, "zone": 1, "commune": 2}
    groups: dict[tuple, dict] = defaultdict(dict)
    labels: dict[tuple, str] = {}
    for r in rows:
        key = (
            order.get(str(r.get("breakdown")), 3),
            str(r.get("area_code")),
            str(r.get("breakdown_key")),
        )
        groups[key][r["period"]] = r
        labels.setdefault(key, _group_label(r, len(plan.areas) > 1))
    head = [th("Đơn vị", "Area", "label")] + [th(m.strftime("%m/%Y")) for m in months]
    body = []
    for key in sorted(groups, key=lambda k: (k[0], labels[k])):
        cells = [td(labels[key], "label")]
        for m in months:
            cell = groups[key].get(m)
            if cell is None:
                cells.append(td("", "cell-none"))
                continue
            expected = cell.get("expected_reports") or 0
            received = cell.get("received_reports") or 0
            on_time = cell.get("on_time_reports") or 0
            cls = (
                "cell-ok"
                if received >= expected and on_time >= 0.9 * expected
                else "cell-bad"
                if received < 0.9 * expected
                else "cell-warn"
            )
            cells.append(td(f"{received}/{expected}<br>{on_time}", cls))
        body.append(cells)
    return (
        '<p class="note">Mỗi ô: đã nhận/phải nộp, dòng dưới: đúng hạn (trước ngày '
        f"{plan.due_day} tháng sau) / each cell: received/expected, below: on time (by day "
        f"{plan.due_day} of the next month). Xanh: đủ, ≥ 90 % đúng hạn; vàng: thiếu hoặc trễ; "
        "đỏ: nhận dưới 90 % / green: complete and ≥ 90 % on time; amber: gaps; red: under "
        "90 % received.</p>" + table(head, body, cls="grid")
    )


def unit_grid(plan: PlanData) -> str:
    """Reporting units × months with a late or missing report: whom to call."""
    rows, stats = plan.unit_grid, plan.unit_grid_stats
    if not stats.get("units"):
        return empty("Chưa có báo cáo nào của đơn vị trong năm", "no unit reports this year")
    months = stats["months"]
    units: dict[str, dict] = {}  # the worst units only: the query keeps GRID_UNITS of them
    for r in rows:
        u = units.setdefault(
            r["tax_code"], {"name": r.get("unit_name"), "cells": {}, "late": 0, "missing": 0}
        )
        u["cells"][r["period"]] = r["state"]
        if r["state"] in ("late", "missing"):
            u[r["state"]] += 1
    flagged = sorted(
        (t for t, u in units.items() if u["late"] or u["missing"]),
        key=lambda t: (-units[t]["missing"], -units[t]["late"], t),
    )
    shown = flagged[:GRID_UNITS]
    head = (
        [th("Đơn vị (mã số thuế)", "Unit (tax code)", "label")]
        + [th(m.strftime("%m")) for m in months]
        + [th("Trễ", "Late", "num"), th("Thiếu", "Missing", "num")]
    )
    body = []
    for t in shown:
        u = units[t]
        cells = [td(f"{esc(u['name'] or '—', 60)} ({esc(t)})", "label")]
        for m in months:
            state = u["cells"].get(m)
            symbol, title = STATE.get(state, ("", "Không phải nộp / not expected"))
            cells.append(f'<td class="cell-{state or "none"}" title="{esc(title)}">{symbol}</td>')
        cells += [td(str(u["late"]), "num"), td(str(u["missing"]), "num")]
        body.append(cells)
    total, with_gaps = stats["units"], stats["flagged"]
    legend = (
        '<p class="note">✓ đúng hạn / on time · T trễ hạn / late · ✗ chưa nộp / missing · '
        "ô trống: chưa phải nộp / blank: not expected. "
        f"{total - with_gaps} / {total} đơn vị nộp đủ và đúng hạn mọi tháng / "
        "units reported every month on time."
    )
    if with_gaps > len(shown):
        legend += (
            f" Hiển thị {len(shown)} / {with_gaps} đơn vị có vấn đề (nhiều nhất trước); "
            f"đầy đủ trong marts.missing_reports / showing {len(shown)} of {with_gaps} "
            "units with gaps (worst first); full list in marts.missing_reports."
        )
    if not flagged:
        return legend + "</p>"
    return legend + "</p>" + table(head, body, cls="grid units")
