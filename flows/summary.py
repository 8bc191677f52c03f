"""The run's story for people: a terminal summary and the Prefect UI artifacts."""

from __future__ import annotations

from collections import Counter

from flows.run_record import RunResult

STATUS_VI = {
    "met": "đạt",
    "not_met": "chưa đạt",
    "no_data": "không có dữ liệu",
    "on_track": "đúng tiến độ",
    "at_risk": "có nguy cơ",
}


def counts(result: RunResult) -> dict[str, int]:
    files = Counter(o["status"] for o in result.outcomes)
    return {
        "files_loaded": files.get("loaded", 0),
        "files_skipped": files.get("skipped", 0),
        "files_rejected": files.get("rejected", 0),
        "rows_loaded": sum(o["rows_loaded"] for o in result.outcomes),
        "rows_rejected": sum(o["rows_rejected"] for o in result.outcomes),
        "rows_seen": sum(o.get("rows_seen") or 0 for o in result.outcomes),
        "rows_set_aside": sum(o.get("rows_set_aside") or 0 for o in result.outcomes),
    }


def _fmt(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def _fmt_target(value: float | None) -> str:
    """Targets as the plan writes them: 0.385 stays 0.385, 1110 stays 1,110."""
    if value is None:
        return "—"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def _target(row: dict) -> str:
    low, high = row.get("target_low"), row.get("target_high")
    if row.get("comparator") == "between":
        return f"{_fmt_target(low)} – {_fmt_target(high)}"
    return {"gt": "> ", "gte": "≥ "}.get(str(row.get("comparator")), "") + _fmt_target(low)


def _in_progress(scorecard: list[dict]) -> bool:
    return any(r.get("is_year_complete") is False for r in scorecard)


def scorecard_rows(scorecard: list[dict], area_kpis: list[dict] | None = None) -> list[list[str]]:
    """KPI, actual, [projected,] target, unit, status — projected only for a year in progress
    — and, for a province's plan, each area's value."""
    by_area = _area_values(area_kpis or [])
    rows = []
    for r in scorecard:
        row = [r["kpi_code"], _fmt(r["actual"])]
        if _in_progress(scorecard):
            row.append(_fmt(r.get("projected")) if r.get("kind") == "flow" else "")
        row += [
            _target(r),
            str(r.get("unit") or ""),
            f"{r['status']} ({STATUS_VI.get(r['status'], '')})",
        ]
        row += [_fmt(values.get(r["kpi_code"])) for values in by_area.values()]
        rows.append(row)
    return rows


def _area_values(area_kpis: list[dict]) -> dict[str, dict[str, object]]:
    """area code → {kpi_code: value}, areas in code order."""
    by_area: dict[str, dict[str, object]] = {}
    for k in area_kpis:
        by_area.setdefault(k["area_code"], {})[k["kpi_code"]] = k["actual"]
    return by_area


def scorecard_lines(
    scorecard: list[dict], plan_id: str, area_kpis: list[dict] | None = None
) -> list[str]:
    """The scorecard as an aligned text table under its title; a province's plan has a
    column per area (each area's own value of the KPI, the province's being rolled up from
    their rows)."""
    if not scorecard:
        return [f"Scorecard {plan_id}: no KPI rows / chưa có chỉ tiêu"]
    first = scorecard[0]
    as_of = first.get("as_of_date")
    when = f" as of {as_of:%d/%m/%Y}" if as_of else ""
    state = (
        " (year in progress: flow KPIs projected to year end)" if _in_progress(scorecard) else ""
    )
    header = [
        "KPI",
        "actual",
        *(["projected"] if _in_progress(scorecard) else []),
        "target",
        "unit",
        "status",
        *_area_values(area_kpis or []),
    ]
    table = [header, *scorecard_rows(scorecard, area_kpis)]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    where = f" — {first['area_name']} ({first['area_code']})" if first.get("area_name") else ""
    return [
        f"Scorecard {plan_id}{where}{when}{state}",
        *[
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in table
        ],
    ]


def render_text(result: RunResult) -> str:
    """The summary `vlpipe run` ends with."""
    c = counts(result)
    lines = [
        f"Run {result.run_id} — {result.status}  (plan {result.plan_id})",
        f"Files: {c['files_loaded']} loaded, {c['files_skipped']} skipped, "
        f"{c['files_rejected']} rejected   Rows: {c['rows_loaded']} loaded, "
        f"{c['rows_rejected']} rejected, {c['rows_set_aside']} set aside (blank, totals, "
        f"subtotals, repeated headers) of {c['rows_seen']} seen",
    ]
    rejected = [o for o in result.outcomes if o["status"] == "rejected"]
    for o in rejected:
        lines.append(f"  ✗ {o['file_name']}: {o['reason']}")  # its path under raw/
    partial = [o for o in result.outcomes if o["status"] == "loaded" and o["rows_rejected"]]
    for o in partial:
        lines.append(
            f"  ! {o['file_name']}: {o['rows_rejected']} row(s) rejected (see marts.rejected_rows)"
        )
    if result.feedback:
        folder = result.feedback[0].rsplit("/", 1)[0]
        lines.append(
            f"  → {len(result.feedback)} phiếu phản hồi (response workbooks) to send "
            f"back: {folder}/"
        )
    if result.message:
        lines.append(result.message)
    if result.completeness:
        lines.append("")
        lines.append(
            "Enterprise reports (latest months): "
            + "; ".join(
                f"{c['period']:%m/%Y} {c['received_reports']}/{c['expected_reports']} received, "
                f"{c['on_time_reports']} on time"
                for c in result.completeness
            )
        )
    if result.findings:
        lines.append(
            "Reconciliation findings: "
            + ", ".join(
                f"{f['check_name']} {f['severity']}: {f['findings']}" for f in result.findings
            )
            + " (see marts.reconciliation_findings)"
        )
    if result.rejections_by_rule:
        lines.append(
            "Rows rejected by rule: "
            + ", ".join(f"{r['rule']} {r['rows']}" for r in result.rejections_by_rule)
        )
    if result.scorecard:
        lines.append("")
        lines += scorecard_lines(result.scorecard, result.plan_id, result.area_kpis)
    if result.areas or result.areas_behind:
        lines.append("")
        lines += area_lines(result)
    if result.published:
        lines.append("")
        if result.published.get("unchanged"):
            lines.append(
                f"Nothing new since version {result.published['version']}: no rebuild, "
                "the publication stands / Không có dữ liệu mới: giữ nguyên bản đã "
                "công bố"
            )
        lines.append(
            f"Published: {result.published['analyst_db']} and "
            f"{result.published['parquet']}/ (version {result.published['version']})"
        )
        if result.published.get("lake_snapshot") is not None:
            lines.append(
                f"Lake / Hồ dữ liệu: marts at snapshot {result.published['lake_snapshot']} "
                "(ATTACH … (READ_ONLY, SNAPSHOT_VERSION "
                f'{result.published["lake_snapshot"]}); README "Scaling out")'
            )
        lines += _report_lines(result.published)
    return "\n".join(lines)


def area_lines(result: RunResult) -> list[str]:
    """One line per area: its plan, its files tonight, how far its reports go; and the
    areas that are behind (no folder, rejected files, reports stopping before the others')."""
    latest = max((a["last_period"] for a in result.areas if a.get("last_period")), default=None)
    missing = {a["area_code"]: a.get("reason") for a in result.areas_behind}
    held = {h["area_code"] for h in result.held}
    lines = ["Areas / Địa bàn:"]
    for a in result.areas:
        plan = (
            f"{a['plan_id']} {a['good']} met/on track, {a['bad']} not met/at risk"
            + (f", {a['no_data']} no data" if a["no_data"] else "")
            if a.get("plan_id")
            else "no plan"
        )
        reports = f"reports to {a['last_period']:%m/%Y}" if a.get("last_period") else "no reports"
        behind = [
            *(
                [missing[a["area_code"]] or "folder missing / thiếu thư mục"]
                if a["area_code"] in missing
                else []
            ),
            *(
                ["held back: its new files fail the checks / tạm giữ: tệp mới không đạt kiểm tra"]
                if a["area_code"] in held
                else []
            ),
            *(
                ["reports stop before the others' / báo cáo chậm hơn địa bàn khác"]
                if latest and a.get("last_period") and a["last_period"] < latest
                else []
            ),
        ]
        lines.append(
            f"  {a['area_code']} {a['area_name']}: {plan}; files tonight {a['files_loaded']} "
            f"loaded, {a['files_rejected']} rejected; {reports}"
            + (f"  ← BEHIND / CHẬM: {', '.join(behind)}" if behind else "")
        )
    for a in result.areas_behind:
        if not any(x["area_code"] == a["area_code"] for x in result.areas):
            lines.append(
                f"  {a['area_code']} {a['area_name']}: "
                + (a.get("reason") or f"folder raw/{a['folder']}/ missing")
            )
    return lines


def _report_lines(published: dict) -> list[str]:
    report = published.get("report") or {}
    lines = []
    if report.get("html"):
        pdf = (
            f" (PDF: {report['pdf']})"
            if report.get("pdf")
            else (f" (no PDF: {report['pdf_skipped']})" if report.get("pdf_skipped") else "")
        )
        lines.append(f"KPI report / Báo cáo chỉ tiêu: {report['html']}{pdf}")
    elif report.get("error"):
        lines.append(f"KPI report NOT written: {report['error']}")
    if published.get("docs"):
        lines.append(f"Data docs / Tài liệu dữ liệu: {published['docs']}")
    return lines


def render_markdown(result: RunResult) -> str:
    c = counts(result)
    md = [
        f"# Nightly run — {result.status}",
        "",
        f"Plan **{result.plan_id}**, run `{result.run_id}`.",
        "",
        "| files loaded | skipped | rejected | rows seen | rows loaded | rows rejected "
        "| rows set aside |",
        "|---|---|---|---|---|---|---|",
        f"| {c['files_loaded']} | {c['files_skipped']} | {c['files_rejected']} | "
        f"{c['rows_seen']} | {c['rows_loaded']} | {c['rows_rejected']} | "
        f"{c['rows_set_aside']} |",
        "",
    ]
    problems = [o for o in result.outcomes if o["status"] == "rejected" or o["rows_rejected"]]
    if problems:
        md += [
            "## Files to follow up",
            "",
            "| source | file | outcome | rows rejected | reason |",
            "|---|---|---|---|---|",
        ]
        md += [
            f"| {o['source']} | {o['file_name'].replace('|', '/')} | {o['status']} | "
            f"{o['rows_rejected']} | "
            f"{(o['reason'] or '').replace('|', '/')} |"
            for o in problems
        ]
        md.append("")
    if result.feedback:
        md += [
            f"{len(result.feedback)} response workbooks (phiếu phản hồi) in "
            f"`{result.feedback[0].rsplit('/', 1)[0]}/`",
            "",
        ]
    if result.rejections_by_rule:
        md += ["## Rows rejected by rule", "", "| rule | rows | files |", "|---|---|---|"]
        md += [f"| {r['rule']} | {r['rows']} | {r['files']} |" for r in result.rejections_by_rule]
        md.append("")
    if result.dbt:
        md += [
            f"dbt build: {'passed' if result.dbt.get('success') else 'FAILED'}, "
            f"{result.dbt.get('models', 0)} models, {result.dbt.get('tests', 0)} tests; "
            + (
                f"full build ({result.dbt['full_refresh_reason']})"
                if result.dbt.get("full_refresh")
                else "incremental (only what the new files touch)"
            ),
            "",
        ]
    if result.audit:
        verdict = "passed" if result.audit.get("success") else "FAILED"
        md += [
            f"Audit (great-expectations): {verdict}, "
            f"{result.audit.get('expectations', 0)} expectations",
            "",
        ]
        md += [
            f"- ✗ {f['table']}: {f['expectation']} {f['column'] or ''} {f['detail']}"
            for f in result.audit.get("failed", [])
        ]
    if result.completeness:
        md += [
            "## Enterprise reports received",
            "",
            "| month | expected | received | on time |",
            "|---|---|---|---|",
        ]
        md += [
            f"| {c['period']:%m/%Y} | {c['expected_reports']} | {c['received_reports']} | "
            f"{c['on_time_reports']} |"
            for c in result.completeness
        ]
        md.append("")
    if result.findings:
        md += ["## Reconciliation findings", "", "| check | severity | findings |", "|---|---|---|"]
        md += [
            f"| {f['check_name']} | {f['severity']} | {f['findings']} |" for f in result.findings
        ]
        md.append("")
    if result.areas or result.areas_behind:
        md += ["## Areas / Địa bàn", "", "```", *area_lines(result)[1:], "```", ""]
    if result.message:
        title = (
            "Failure"
            if result.status == "failed"
            else (
                "Sources not loaded: configuration to fix / Nguồn chưa được nạp: cần sửa cấu hình"
            )
        )
        md += [f"## {title}", "", "```", result.message, "```", ""]
    if result.published.get("unchanged"):
        md += ["Nothing new since the published version: no rebuild, no new publication.", ""]
    if result.published:
        md += [
            f"Published version `{result.published['version']}`: "
            f"`{result.published['analyst_db']}`, `{result.published['parquet']}/`",
            "",
        ]
        md += [f"- {line}" for line in _report_lines(result.published)]
    return "\n".join(md)


def publish_artifacts(result: RunResult) -> None:
    """The KPI table and the run summary as Prefect artifacts (shown in the UI)."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    create_markdown_artifact(
        markdown=render_markdown(result), key="nightly-summary", description="Nightly run summary"
    )
    if result.scorecard:
        by_area = _area_values(result.area_kpis)
        table = [
            {
                "kpi_code": r["kpi_code"],
                "actual": r["actual"],
                "projected": r.get("projected"),
                "target": _target(r),
                "unit": r.get("unit"),
                "status": r["status"],
                "as_of": str(r.get("as_of_date") or ""),
                **{area: values.get(r["kpi_code"]) for area, values in by_area.items()},
            }
            for r in result.scorecard
        ]
        create_table_artifact(
            table=table, key="kpi-scorecard", description=f"KPI scorecard, plan {result.plan_id}"
        )
