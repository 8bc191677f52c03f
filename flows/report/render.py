"""The detailed page (the brief's annex): header, one part per plan, follow-up, notes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial

from flows.report import breakdowns, followup, kpis
from flows.report.data import PlanData, ReportData
from flows.report.fmt import esc, vn_date
from flows.report.style import CSS

log = logging.getLogger(__name__)

# (id, Vietnamese, English, renderer) — the plan part's sections, in order
PLAN_SECTIONS: list[tuple[str, str, str, Callable[[PlanData], str]]] = [
    ("kpis", "Chỉ tiêu", "KPIs", kpis.kpi_cards),
    ("kc-funds", "Kinh phí khuyến công theo nguồn", "Khuyến công funds by source", kpis.kc_funds),
    ("communes", "Theo xã, thị trấn", "By commune", breakdowns.by_commune),
    ("zones", "Theo khu, cụm công nghiệp", "By industrial zone", breakdowns.by_zone),
    (
        "completeness",
        "Tình hình nộp báo cáo",
        "Reporting completeness",
        lambda p: (
            "<h4>Theo địa bàn / By area</h4>"
            + breakdowns.completeness_grid(p)
            + "<h4>Theo đơn vị báo cáo / By reporting unit</h4>"
            + breakdowns.unit_grid(p)
        ),
    ),
]
FOLLOW_UP_SECTIONS = [
    ("reconciliation", "Đối chiếu số liệu", "Reconciliation findings", followup.reconciliation),
    ("tasks", "Nhiệm vụ kế hoạch quá hạn", "Overdue plan tasks", followup.plan_tasks),
    ("rejected", "Tệp và dòng bị từ chối", "Rejected files and rows", followup.rejected),
]


def _guarded(build: Callable[[], str], what: str) -> str:
    """A section's HTML; a bug in one section must not cost the whole report."""
    try:
        return build()
    except Exception as exc:  # noqa: BLE001 — the nightly run must go on
        log.exception("report section %s failed", what)
        return (
            f'<p class="section-error">Không tạo được mục này / this section could not be '
            f"built: {esc(type(exc).__name__)}</p>"
        )


def _section(anchor: str, vi: str, en: str, body: str) -> str:
    return (
        f'<section id="{esc(anchor)}" data-section="{esc(anchor.split("--")[0])}">'
        f'<h3>{esc(vi)} <span class="en">/ {esc(en)}</span></h3>{body}</section>'
    )


def _plan_title(plan: PlanData) -> str:
    return f"Kế hoạch {plan.plan_id} · năm {plan.year} / Plan {plan.plan_id} · {plan.year}"


def _plan_state(plan: PlanData) -> str:
    if plan.is_year_complete:
        return "cả năm / full year"
    return (
        "năm đang thực hiện, chỉ tiêu lũy kế được dự báo đến cuối năm / year in progress, "
        "flow KPIs projected to year end"
    )


def plan_part(plan: PlanData, first: bool) -> str:
    """Everything about one plan."""
    head = (
        f'<section class="plan{" first" if first else ""}" id="plan-{esc(plan.plan_id)}" '
        f'data-plan="{esc(plan.plan_id)}"><h2>{esc(_plan_title(plan))}</h2>'
        f'<p>Số liệu đến ngày / as of: <b class="as-of">{vn_date(plan.as_of)}</b> · '
        f"{esc(_plan_state(plan))}</p>"
    )
    if plan.note:
        head += f'<p class="banner">{esc(plan.note)}</p>'
    body = "".join(
        _section(
            f"{sid}--{plan.plan_id}", vi, en, _guarded(partial(fn, plan), f"{sid} {plan.plan_id}")
        )
        for sid, vi, en, fn in PLAN_SECTIONS
    )
    return head + body + "</section>"


def _toc(data: ReportData) -> str:
    items = [
        f'<li><a href="#plan-{esc(p.plan_id)}">{esc(_plan_title(p))}</a></li>' for p in data.plans
    ]
    items.append('<li><a href="#follow-up">Theo dõi, đôn đốc / Follow-up</a></li>')
    return f'<ol class="toc">{"".join(items)}</ol>'


def notes(data: ReportData) -> str:
    """How to read the statuses, the source, and what could not be read."""
    problems = "".join(f"<li>{esc(p)}</li>" for p in data.problems)
    return (
        "<footer><p><b>Cách đọc / How to read.</b> Năm đã hết: Đạt / Chưa đạt so với chỉ tiêu. "
        "Năm đang thực hiện: Đúng tiến độ / Có nguy cơ — chỉ tiêu lũy kế (GTSX, vốn, thu ngân "
        "sách, kinh phí khuyến công) được dự báo đến cuối năm theo mùa vụ năm trước khi các "
        "tháng cùng kỳ năm trước chiếm ít nhất một phần tư cả năm (nếu không: “chưa đủ số liệu "
        "để dự báo”, xét số lũy kế; tổng kinh phí = tổng dự báo các nguồn); chỉ tiêu thời điểm "
        "xét giá trị mới nhất. “Đủ dữ liệu đầu vào” là tỷ lệ báo cáo đã nhận so với phải nộp "
        "(không áp dụng cho nguồn theo sự kiện). Giờ là giờ Việt Nam (UTC+7). / A complete "
        "year is met or not met; a year in progress is on track or at risk, flow KPIs judged "
        "on their year-end projection by last year's pattern when last year's same months "
        "held at least a quarter of its total (else “not enough history to project”, judged "
        "on the year to date; total funds = the sum of the sources' projections), stock KPIs "
        "on their latest value. Input completeness = inputs received ÷ expected (n/a for "
        "event sources). Times are Vietnam time (UTC+7).</p>"
        "<p>Nguồn / Source: bảng marts.* của tệp phân tích vinhlinh.duckdb (chỉ đọc) / the "
        "analyst file's marts tables (read only).</p>"
        + (
            f'<p>Không đọc được / could not read:</p><ul class="problems">{problems}</ul>'
            if problems
            else ""
        )
        + "</footer>"
    )


def plan_ids(data: ReportData) -> str:
    """The plans reported, comma-separated ('—' for none)."""
    return ", ".join(p.plan_id for p in data.plans) or "—"


def document(title: str, body: str) -> str:
    """A self-contained HTML document (inline CSS, no scripts, no external resources)."""
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>{body}</body></html>"
    )


def header(data: ReportData, generated: datetime, vi: str, en: str, extra: str = "") -> str:
    """The page header: title, plans, as-of dates, when it was generated (Vietnam time)."""
    as_of = " · ".join(f"{esc(p.plan_id)}: {vn_date(p.as_of)}" for p in data.plans) or "—"
    return (
        f'<header><h1>{esc(vi)} <span class="en">/ {esc(en)}</span></h1>'
        f'<p class="subtitle">Kế hoạch / Plan: <b class="plan-ids">{esc(plan_ids(data))}</b>'
        f" · Số liệu đến ngày / as of: {as_of}</p>"
        f'<p class="muted">Tạo lúc / generated: <span class="time">{vn_date(generated)}</span>'
        f"{extra}</p></header>"
    )


def plan_parts(data: ReportData, part: Callable[[PlanData, bool], str], what: str) -> str:
    """Each plan's part (``part(plan, first)``), a failing one replaced by a notice; or a
    notice that there is no plan yet."""
    if data.plans:
        return "".join(
            _guarded(partial(part, p, i == 0), f"{what} {p.plan_id}")
            for i, p in enumerate(data.plans)
        )
    wanted = f" {data.requested_plan}" if data.requested_plan else ""
    return (
        f'<section class="plan first"><h2>Kế hoạch{esc(wanted)} / Plan</h2>'
        '<p class="empty">Chưa có chỉ tiêu kế hoạch trong marts.kpi_scorecard / no plan '
        "KPIs in marts.kpi_scorecard yet.</p></section>"
    )


def render(data: ReportData, generated: datetime, *, brief_href: str | None = None) -> str:
    """The detailed page (the annex to the brief): every section of every plan."""
    title = f"Phụ lục chi tiết – báo cáo chỉ tiêu phát triển công nghiệp – {plan_ids(data)}"
    back = f' · <a href="{esc(brief_href)}">Báo cáo tóm tắt / brief</a>' if brief_href else ""
    parts = plan_parts(data, plan_part, "plan")
    follow = "".join(
        _section(sid, vi, en, _guarded(partial(fn, data.follow_up), sid))
        for sid, vi, en, fn in FOLLOW_UP_SECTIONS
    )
    head = header(
        data,
        generated,
        "Phụ lục chi tiết: theo dõi chỉ tiêu phát triển công nghiệp huyện Vĩnh Linh",
        "Detailed annex: industrial development KPIs, Vĩnh Linh district",
        back,
    )
    return document(
        title,
        head
        + _toc(data)
        + parts
        + '<section class="follow-up" id="follow-up"><h2>Theo dõi, đôn đốc / '
        "Follow-up</h2>" + follow + "</section>" + notes(data),
    )
