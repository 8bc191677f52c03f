"""The leaders' brief: per plan at most two A4 pages — the scorecard in words and colour,
what is at risk and why, the same point last year — and a few follow-up lines pointing to
the detailed annex (render.render)."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from flows.report.data import FollowUp, PlanData, ReportData
from flows.report.fmt import empty, esc, num, pct, status_badge, table, target_text, td, th
from flows.report.kpis import UNIT_VI, status_summary
from flows.report.render import (
    _guarded,
    _plan_state,
    _plan_title,
    _section,
    document,
    header,
    plan_ids,
    plan_parts,
)

NO_PROJECTION = "chưa đủ số liệu để dự báo / not enough history to project"
NO_LAST_YEAR = "chưa có số liệu năm trước / no data for last year"
LOW_COMPLETENESS = 0.95  # inputs below this share are named among the reasons
RISKY = ("not_met", "at_risk", "no_data")


def _value(value: object) -> str:
    """A KPI figure: three decimals under 1 (0,166 bn), else two."""
    try:
        small = abs(float(value)) < 1  # type: ignore[arg-type]
    except (TypeError, ValueError):
        small = False
    return num(value, 3 if small else 2)


def _unit(row: dict) -> str:
    return esc(UNIT_VI.get(str(row.get("unit")), row.get("unit")))


def _in_progress(row: dict) -> bool:
    return row.get("is_year_complete") is False


def _projection(row: dict) -> str:
    """The year-end projection of a flow KPI in a year in progress, or why there is none."""
    if row.get("kind") != "flow":
        return '<span class="muted" title="giá trị thời điểm / point value">—</span>'
    if row.get("projected") is not None:
        return _value(row.get("projected"))
    if row.get("actual") is None:
        return "—"
    return f'<span class="no-projection">{esc(NO_PROJECTION)}</span>'


def _last_year(row: dict) -> str:
    """The KPI at the same month end of last year, and the change since."""
    before, now = row.get("previous_year_actual"), row.get("actual")
    if before is None:
        return f'<span class="muted">{esc(NO_LAST_YEAR)}</span>'
    text = _value(before)
    if now is None:
        return text
    if row.get("unit") == "%":
        delta, suffix = float(now) - float(before), " điểm % / pts"
    elif float(before):
        delta, suffix = (float(now) / float(before) - 1) * 100, " %"
    else:
        return text
    arrow = "▲" if delta > 0 else "▼" if delta < 0 else "="
    return f'{text} <span class="delta">({arrow} {num(abs(delta), 1)}{suffix})</span>'


def scorecard(plan: PlanData) -> str:
    """Every KPI: actual, projection (year in progress), target, last year, status in words."""
    if not plan.kpis:
        return empty("Chưa có chỉ tiêu nào", "no KPI rows for this plan")
    projecting = any(_in_progress(r) for r in plan.kpis)
    head = [th("Chỉ tiêu", "KPI"), th("Thực hiện", "Actual", "num")]
    if projecting:
        head.append(th("Dự báo cả năm", "Year-end projection", "num"))
    head += [
        th("Chỉ tiêu KH", "Target", "num"),
        th("Cùng kỳ năm trước", "Same point last year", "num last-year"),
        th("Đánh giá", "Status"),
    ]
    body = []
    for r in plan.kpis:
        cells = [
            td(
                f"{esc(r.get('kpi_name_vi') or r.get('kpi_code'))} "
                f'<span class="code">{esc(r.get("kpi_code"))}</span>'
            ),
            td(f'<b>{_value(r.get("actual"))}</b> <span class="unit">{_unit(r)}</span>', "num"),
        ]
        if projecting:
            cells.append(td(_projection(r), "num"))
        cells += [
            td(target_text(r), "num"),
            td(_last_year(r), "num"),
            td(status_badge(r.get("status"))),
        ]
        body.append(cells)
    legend = (
        '<p class="note">Dự báo “—”: chỉ tiêu thời điểm, xét giá trị mới nhất / '
        "“—”: point-in-time KPI, judged on its latest value. "
        if projecting
        else '<p class="note">'
    )
    legend += (
        "Cùng kỳ năm trước: giá trị đến cùng ngày năm trước (▲▼ thay đổi) / same point "
        "last year: the value at the same month end last year (▲▼ change).</p>"
    )
    return status_summary(plan) + table(head, body, cls="scorecard") + legend


def _reason(row: dict) -> str:
    """Why a KPI is at risk, not met or without data, in a sentence (Vietnamese / English)."""
    status, unit = row.get("status"), _unit(row)
    actual, target = _value(row.get("actual")), target_text(row)
    if status == "no_data":
        source = esc(row.get("source")) or "—"
        return f"chưa có số liệu (nguồn {source}) / no data yet (source {source})"
    if status == "not_met":
        return (
            f"thực hiện cả năm {actual} {unit}, chỉ tiêu {target} / full-year actual below target"
        )
    if row.get("kind") != "flow":
        return f"giá trị mới nhất {actual} {unit}, chỉ tiêu {target} / latest value below target"
    if row.get("projected") is None:
        return (
            f"{esc(NO_PROJECTION)}; lũy kế {actual} {unit} chưa đạt chỉ tiêu {target} / "
            "year to date below target"
        )
    return (
        f"dự báo cả năm {_value(row.get('projected'))} {unit} (lũy kế {actual}), chỉ tiêu "
        f"{target} / year-end projection below target"
    )


def _completeness(row: dict) -> str:
    share = row.get("input_completeness")
    if share is None or float(share) >= LOW_COMPLETENESS:
        return ""
    return f"; số liệu đầu vào mới đủ {pct(share)} / inputs {pct(share)} complete"


def at_risk(plan: PlanData) -> str:
    """The KPIs not met, at risk or without data, each with its reason."""
    rows = sorted(
        (r for r in plan.kpis if r.get("status") in RISKY), key=lambda r: RISKY.index(r["status"])
    )
    if not rows:
        return empty("Không có chỉ tiêu nào chưa đạt hoặc có nguy cơ", "no KPI not met or at risk")
    items = "".join(
        f'<li data-kpi="{esc(r.get("kpi_code"))}">{status_badge(r.get("status"))} '
        f"<b>{esc(r.get('kpi_name_vi') or r.get('kpi_code'))}</b>: {_reason(r)}"
        f"{_completeness(r)}</li>"
        for r in rows
    )
    return f'<ul class="risks">{items}</ul>'


def _count(value: int | None) -> str:
    return f"<b>{num(value)}</b>" if value is not None else "—"


def follow_up(f: FollowUp, annex: str) -> str:
    """A few counts of what the office chases, each pointing to the annex's section."""
    c, t = f.counts, f.rejected_totals
    month = f.missing_latest.strftime("%m/%Y") if hasattr(f.missing_latest, "strftime") else "—"
    lines = [
        (
            "tasks",
            f"Nhiệm vụ kế hoạch quá hạn chưa xong: {_count(c.get('tasks_overdue'))} "
            f"(xong trễ hạn: {_count(c.get('tasks_done_late'))}) / overdue plan tasks not "
            "done (done late)",
        ),
        (
            "follow-up",
            f"Báo cáo tháng của đơn vị chưa nộp, tháng {month}: "
            f"{_count(c.get('missing_latest'))} (mọi tháng: "
            f"{_count(c.get('missing_total'))}) / unit monthly reports missing, latest "
            "month (all months)",
        ),
        (
            "reconciliation",
            f"Phát hiện đối chiếu số liệu: {_count(f.findings_total)} / reconciliation findings",
        ),
        (
            "rejected",
            f"Tệp bị từ chối cả tệp: {_count(c.get('rejected_files'))}; dòng bị từ chối: "
            f"{_count(t.get('rows'))} trong {_count(t.get('files'))} tệp / files "
            "rejected whole; rejected rows in files",
        ),
    ]
    items = "".join(
        f'<li>{text} → <a href="{esc(annex)}#{anchor}">phụ lục / annex</a></li>'
        for anchor, text in lines
    )
    return f'<ul class="follow-lines">{items}</ul>'


def brief_plan(plan: PlanData, first: bool) -> str:
    """One plan's brief: state, scorecard, at risk and why."""
    head = (
        f'<section class="plan brief{" first" if first else ""}" '
        f'id="plan-{esc(plan.plan_id)}" data-plan="{esc(plan.plan_id)}">'
        f"<h2>{esc(_plan_title(plan))}</h2>"
        f'<p>Số liệu đến ngày / as of: <b class="as-of">{_as_of(plan)}</b> · '
        f"{esc(_plan_state(plan))}</p>"
    )
    if plan.note:
        head += f'<p class="banner">{esc(plan.note)}</p>'
    sections = [
        ("scorecard", "Kết quả các chỉ tiêu", "Scorecard", scorecard),
        ("at-risk", "Chưa đạt, có nguy cơ và lý do", "Not met or at risk, and why", at_risk),
    ]
    body = "".join(
        _section(
            f"{sid}--{plan.plan_id}", vi, en, _guarded(partial(fn, plan), f"{sid} {plan.plan_id}")
        )
        for sid, vi, en, fn in sections
    )
    return head + body + "</section>"


def _as_of(plan: PlanData) -> str:
    return plan.as_of.strftime("%d/%m/%Y") if plan.as_of else "—"


def render_brief(data: ReportData, generated: datetime, annex: str) -> str:
    """The brief page: each plan on its own pages, then the follow-up lines and the notes."""
    title = f"Báo cáo tóm tắt chỉ tiêu phát triển công nghiệp – {plan_ids(data)}"
    link = f' · Chi tiết / detail: <a href="{esc(annex)}">phụ lục / annex</a>'
    parts = plan_parts(data, brief_plan, "brief")
    follow = _section(
        "follow-up-brief",
        "Cần đôn đốc",
        "To follow up",
        _guarded(lambda: follow_up(data.follow_up, annex), "follow-up lines"),
    )
    head = header(
        data,
        generated,
        "Báo cáo tóm tắt chỉ tiêu phát triển công nghiệp huyện Vĩnh Linh",
        "KPI brief, industrial development, Vĩnh Linh district",
        link,
    )
    return document(title, head + parts + follow + brief_notes(data))


def brief_notes(data: ReportData) -> str:
    """How to read the brief, in two lines, and what could not be read."""
    problems = "".join(f"<li>{esc(p)}</li>" for p in data.problems)
    return (
        "<footer><p><b>Cách đọc / How to read.</b> Năm đã hết: Đạt / Chưa đạt; năm đang "
        "thực hiện: Đúng tiến độ / Có nguy cơ theo dự báo cuối năm (số lũy kế khi chưa đủ "
        "số liệu để dự báo). Giờ Việt Nam (UTC+7). Nguồn: marts.* của vinhlinh.duckdb. / "
        "Complete year: met / not met; year in progress: on track / at risk on the "
        "year-end projection (the year to date when there is not enough history). "
        "Source: the analyst file's marts.</p>"
        + (
            f'<p>Không đọc được / could not read:</p><ul class="problems">{problems}</ul>'
            if problems
            else ""
        )
        + "</footer>"
    )
