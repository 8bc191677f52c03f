"""`vlpipe status`: what the last run did and what needs follow-up, without running anything.

Reads only what needs no lock: ``private/last_run.json`` (written at the start and end of
every run), the run lock (is a run going on now?) and the published analyst file, opened
read-only.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from pathlib import Path

import duckdb

from flows import areas
from flows.config import Paths, connect
from flows.run_record import last_run, published_manifest, records
from flows.summary import scorecard_lines

FOLLOW_UP_ROWS = 10


def _run_in_progress(paths: Paths) -> bool:
    if not paths.lock_file.exists():
        return False
    fd = os.open(paths.lock_file, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a lock we took
    return False


def _last_run_lines(paths: Paths) -> list[str]:
    running = _run_in_progress(paths)
    run = last_run(paths)
    if run is None:
        return [
            "Chưa có lần chạy nào / no run yet"
            + (" (một lần chạy đang diễn ra / a run is in progress)" if running else "")
        ]
    status = run.get("status")
    if status == "running" and not running:
        status = "interrupted (bị ngắt)"
    lines = [
        f"Last run / Lần chạy gần nhất: {run.get('run_id')}  {status}  "
        f"started {run.get('started_at')}  finished {run.get('finished_at') or '—'}"
    ]
    if running:
        lines.append("  A run is in progress now / Đang có một lần chạy.")
    c = run.get("counts") or {}
    if c:
        lines.append(
            f"  Files: {c.get('files_loaded', 0)} loaded, {c.get('files_skipped', 0)} "
            f"skipped, {c.get('files_rejected', 0)} rejected   Rows: "
            f"{c.get('rows_loaded', 0)} loaded, {c.get('rows_rejected', 0)} rejected"
        )
    if run.get("message"):
        lines.append("  " + run["message"].splitlines()[0])
    return lines


def _published_lines(paths: Paths, plan_id: str | None, area: str | None = None) -> list[str]:
    manifest = published_manifest(paths)
    if manifest is None:
        return ["Nothing published yet / Chưa công bố dữ liệu."]
    lines = [
        f"Published / Đã công bố: version {manifest['version']} at "
        f"{manifest.get('published_at')}  → {paths.analyst_db}"
    ]
    report = manifest.get("report") or {}
    if report.get("html"):
        lines.append(f"KPI report / Báo cáo: {paths.warehouse_dir / report['html']}")
    if report.get("annex_html"):
        lines.append(f"Annex / Phụ lục chi tiết: {paths.warehouse_dir / report['annex_html']}")
    with connect(paths.analyst_db, read_only=True) as con:
        plans = [
            r[0]
            for r in con.execute(
                "select distinct plan_id from marts.kpi_scorecard "
                "where $area is null or area_code = $area order by plan_id",
                {"area": area},
            ).fetchall()
        ]
        plan = plan_id or (plans[0] if plans else None)
        if plan is not None:
            scorecard = records(
                con,
                "select * from marts.kpi_scorecard where plan_id = $plan "
                "and ($area is null or area_code = $area) order by kpi_code",
                {"plan": plan, "area": area},
            )
            lines += ["", *scorecard_lines(scorecard, plan, areas.area_values(con, scorecard))]
        elif area is not None:
            lines += ["", f"No plan for area {area} / Địa bàn {area} chưa có kế hoạch."]
        lines += ["", "Cần theo dõi / Needs follow-up" + (f" ({area})" if area else "") + ":"]
        lines += _follow_up(con, area)
    return lines


# The areas a follow-up is about: one area, or every area of a province ($area null: all)
IN_AREA = (
    "($area is null or area_code in (select area_code from marts.kpi_by_area "
    "where area_code = $area or province_code = $area union select $area))"
)


def _follow_up(con: duckdb.DuckDBPyConnection, area: str | None = None) -> list[str]:
    lines = []
    where = {"area": area}
    missing = records(
        con,
        "select period, tax_code, unit_name from marts.missing_reports "
        f"where period = (select max(period) from marts.missing_reports) and {IN_AREA} "
        "order by tax_code",
        where,
    )
    if missing:
        lines.append(
            f"- Missing reports / Chưa nộp báo cáo {missing[0]['period']:%m/%Y}: "
            f"{len(missing)} units"
        )
        lines += [f"    {m['tax_code']}  {m['unit_name'] or ''}" for m in missing[:FOLLOW_UP_ROWS]]
        if len(missing) > FOLLOW_UP_ROWS:
            lines.append(f"    … {len(missing) - FOLLOW_UP_ROWS} more (marts.missing_reports)")
    rejected = records(
        con,
        f"""
        select source, file_name, reason from marts.file_outcomes
        where status = 'rejected' and {IN_AREA}
        qualify row_number() over (partition by source, file_name
                                   order by recorded_at desc) = 1
        order by source, file_name""",
        where,
    )
    if rejected:
        lines.append(f"- Rejected files / Tệp bị từ chối: {len(rejected)}")
        lines += [f"    {r['file_name']}: {r['reason']}" for r in rejected[:FOLLOW_UP_ROWS]]
    rows = records(
        con,
        f"select source, file_name, count(*) as n from marts.rejected_rows where {IN_AREA} "
        "group by all order by n desc, file_name",
        where,
    )
    if rows:
        lines.append(
            f"- Files with rejected rows / Tệp có dòng bị loại: {len(rows)} "
            f"({sum(r['n'] for r in rows)} rows, see marts.rejected_rows)"
        )
        lines += [f"    {r['file_name']}: {r['n']}" for r in rows[:FOLLOW_UP_ROWS]]
    overdue = records(
        con,
        "select task_code, task_name, lead_unit, due_date, days_late "
        f"from marts.plan_task_status where is_overdue and {IN_AREA} "
        "order by days_late desc, task_code",
        where,
    )
    if overdue:
        lines.append(f"- Overdue tasks / Nhiệm vụ quá hạn: {len(overdue)}")
        lines += [
            f"    {t['task_code']} ({t['lead_unit']}): due {t['due_date']:%d/%m/%Y}, "
            f"{t['days_late']} days late"
            for t in overdue[:FOLLOW_UP_ROWS]
        ]
    return lines or ["- nothing / không có"]


def render_status(
    warehouse_dir: str | Path, plan_id: str | None = None, area: str | None = None
) -> str:
    """The status page; ``area`` (a GSO code) narrows it to one area, or to a province and
    its areas: that area's plan and follow-ups."""
    paths = Paths.of("raw", warehouse_dir)
    lines = [f"vlpipe status — {paths.warehouse_dir}  ({dt.datetime.now():%d/%m/%Y %H:%M})", ""]
    lines += _last_run_lines(paths)
    lines.append("")
    lines += _published_lines(paths, plan_id, area)
    return "\n".join(lines)
