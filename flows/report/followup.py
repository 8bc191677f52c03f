"""Follow-up sections: reconciliation findings, overdue plan tasks, rejected files and rows."""

from __future__ import annotations

from flows.report.data import SAMPLE_PER_FILE, FollowUp
from flows.report.fmt import empty, esc, num, table, td, th, vn_date
from flows.report.svg import Bar, hbar_chart

CHECKS = {
    "employees_vs_labour_headcount": (
        "Lao động DN báo cáo khác danh sách lao động",
        "Employees reported vs labour records",
    ),
    "taxes_vs_tax_office": (
        "Thuế DN báo cáo khác số thu của Chi cục Thuế",
        "Taxes reported vs tax office revenue",
    ),
    "khuyen_cong_beneficiary_not_in_register": (
        "Đơn vị nhận khuyến công chưa có trong danh bạ",
        "Khuyến công beneficiary not in unit register",
    ),
    "ocop_producer_not_in_register": (
        "Chủ thể OCOP chưa có trong danh bạ",
        "OCOP producer not in unit register",
    ),
}
SEVERITY = {"high": "Cao / High", "medium": "Trung bình / Medium", "low": "Thấp / Low"}
TASK_STATUS = {
    "Chưa triển khai": "not started",
    "Đang thực hiện": "in progress",
    "Hoàn thành": "done",
    "Tạm dừng": "on hold",
}
FILE_STATUS = {
    "loaded": "Đã nạp / loaded",
    "skipped": "Bỏ qua (đã có) / skipped",
    "rejected": "Từ chối / rejected",
}


def _check(name: object) -> str:
    vi, en = CHECKS.get(str(name), (str(name), ""))
    return f'{esc(vi)}<br><span class="en">{esc(en)}</span>' if en else esc(vi)


def _severity(value: object) -> str:
    return f'<span class="sev-{esc(value)}">{esc(SEVERITY.get(str(value), value))}</span>'


def _entity(finding: dict) -> str:
    """The entity a finding is about: its name and tax code, or the whole district."""
    code, name = finding.get("entity"), finding.get("entity_name")
    if not code:
        return "Toàn huyện / district"
    return f"{esc(name)} ({esc(code)})" if name else esc(code)


def reconciliation(f: FollowUp) -> str:
    """Findings where two sources disagree, or an entity is unknown to the unit register."""
    if not f.findings:
        return empty("Không có phát hiện đối chiếu nào", "no reconciliation findings")
    summary = table(
        [
            th("Phép đối chiếu", "Check"),
            th("Mức độ", "Severity"),
            th("Số phát hiện", "Findings", "num"),
        ],
        [
            [td(_check(r["check_name"])), td(_severity(r["severity"])), td(num(r["n"]), "num")]
            for r in f.findings_by_check
        ],
    )
    head = [
        th("Phép đối chiếu", "Check"),
        th("Mức độ", "Severity"),
        th("Tháng", "Month"),
        th("Đối tượng (MST)", "Entity (tax code)"),
        th("Số báo cáo", "Reported", "num"),
        th("Số đối chiếu", "Compared", "num"),
        th("Chênh lệch", "Difference", "num"),
        th("Ngưỡng", "Tolerance", "num"),
    ]
    body = [
        [
            td(_check(r.get("check_name"))),
            td(_severity(r.get("severity"))),
            td(r["period"].strftime("%m/%Y") if r.get("period") else "—"),
            td(_entity(r)),
            td(num(r.get("value_reported")), "num"),
            td(num(r.get("value_compared")), "num"),
            td(num(r.get("difference")), "num"),
            td(num(r.get("tolerance")), "num"),
        ]
        for r in f.findings
    ]
    more = (
        f'<p class="note">Hiển thị {len(f.findings)} / {f.findings_total} phát hiện; đầy đủ '
        f"trong marts.reconciliation_findings / showing {len(f.findings)} of "
        f"{f.findings_total}.</p>"
        if f.findings_total > len(f.findings)
        else ""
    )
    return summary + table(head, body) + more


def _task_bar(r: dict) -> Bar:
    tasks, done = int(r.get("tasks") or 0), int(r.get("tasks_done") or 0)
    on_time = int(r.get("tasks_done_on_time") or 0)
    late = max(done - on_time, 0)
    overdue_open = max(int(r.get("tasks_overdue") or 0) - late, 0)
    other = max(tasks - done - overdue_open, 0)
    return Bar(
        str(r.get("lead_unit_name") or r.get("lead_unit_code")),
        [
            (on_time, "#2e7d32", "Xong đúng hạn / done on time"),
            (late, "#e0a100", "Xong trễ / done late"),
            (overdue_open, "#c62828", "Quá hạn chưa xong / overdue, not done"),
            (other, "#b0bec5", "Đang làm, chưa đến hạn / open, not yet due"),
        ],
        value_text=f"{on_time + late}/{tasks}",
    )


def plan_tasks(f: FollowUp) -> str:
    """Tasks by lead unit, and every overdue task (not done and past due, or done late)."""
    if not f.tasks_by_unit and not f.overdue_tasks:
        return empty("Chưa có báo cáo tiến độ nhiệm vụ", "no plan task reports")
    as_of = next((r.get("as_of_date") for r in f.tasks_by_unit + f.overdue_tasks), None)
    parts = [
        f'<p class="note">Theo báo cáo tiến độ mới nhất, ngày {vn_date(as_of)} / as of the '
        "latest progress report. Biểu đồ: xanh = xong đúng hạn, vàng = xong trễ, đỏ = quá "
        "hạn chưa xong, xám = chưa đến hạn / chart: green done on time, amber done late, red "
        "overdue not done, grey open and not yet due.</p>"
    ]
    if f.tasks_by_unit:
        parts.append(
            hbar_chart(
                [_task_bar(r) for r in f.tasks_by_unit],
                title="Nhiệm vụ theo đơn vị chủ trì / tasks by lead unit",
            )
        )
        parts.append(
            table(
                [
                    th("Đơn vị chủ trì", "Lead unit"),
                    th("Nhiệm vụ", "Tasks", "num"),
                    th("Hoàn thành", "Done", "num"),
                    th("Đúng hạn", "Done on time", "num"),
                    th("Quá hạn", "Overdue", "num"),
                ],
                [
                    [
                        td(f"{esc(r.get('lead_unit_name'))} ({esc(r.get('lead_unit_code'))})"),
                        td(num(r.get("tasks")), "num"),
                        td(num(r.get("tasks_done")), "num"),
                        td(num(r.get("tasks_done_on_time")), "num"),
                        td(num(r.get("tasks_overdue")), "num"),
                    ]
                    for r in f.tasks_by_unit
                ],
            )
        )
    if not f.overdue_tasks:
        parts.append(empty("Không có nhiệm vụ quá hạn", "no overdue tasks"))
        return "".join(parts)
    head = [
        th("Mã", "Code"),
        th("Nhiệm vụ", "Task"),
        th("Chủ trì", "Lead unit"),
        th("Hạn", "Due"),
        th("Tình trạng", "Status"),
        th("% xong", "% done", "num"),
        th("Ngày xong", "Done on"),
        th("Số ngày trễ", "Days late", "num"),
    ]
    body = [
        [
            td(esc(r.get("task_code")), "nowrap"),
            td(esc(r.get("task_name"))),
            td(esc(r.get("lead_unit_code") or r.get("lead_unit")), "nowrap"),
            td(vn_date(r.get("due_date")), "nowrap"),
            td(f"{esc(r.get('status'))} / {esc(TASK_STATUS.get(str(r.get('status')), ''))}"),
            td(num(r.get("percent_done")), "num"),
            td(vn_date(r.get("done_date")) if r.get("done_date") else "—", "nowrap"),
            td(num(r.get("days_late")), "num"),
        ]
        for r in f.overdue_tasks
    ]
    parts.append("<h4>Nhiệm vụ quá hạn / Overdue tasks</h4>" + table(head, body))
    return "".join(parts)


def rejected(f: FollowUp) -> str:
    """Files rejected whole, and rows rejected by file and by rule, with a bounded sample."""
    parts = []
    if f.latest_run:
        when = max((r["recorded_at"] for r in f.latest_run if r.get("recorded_at")), default=None)
        counts = " · ".join(
            f"{esc(FILE_STATUS.get(str(r['status']), r['status']))}: {num(r['files'])}"
            for r in f.latest_run
        )
        parts.append(
            f"<p>Lần chạy gần nhất / latest run, {vn_date(when)}: {counts} tệp / files.</p>"
        )
    if f.rejected_files:
        parts.append(
            "<h4>Tệp bị từ chối cả tệp / Files rejected whole</h4>"
            + table(
                [
                    th("Tệp", "File"),
                    th("Nguồn", "Source"),
                    th("Lý do", "Reason"),
                    th("Thời điểm", "When"),
                ],
                [
                    [
                        td(esc(r.get("file_name"))),
                        td(esc(r.get("source"))),
                        td(esc(r.get("reason"))),
                        td(vn_date(r.get("recorded_at"))),
                    ]
                    for r in f.rejected_files
                ],
            )
        )
    t = f.rejected_totals
    if not f.rejected_by_file:
        parts.append(empty("Không có dòng nào bị từ chối", "no rejected rows"))
        return "".join(parts)
    parts.append(
        f"<p>{num(t.get('rows'))} dòng bị từ chối trong {num(t.get('files'))} tệp "
        f"({num(t.get('reasons'))} lý do) / rejected rows in files (reasons). Phiếu phản "
        "hồi gửi đơn vị: warehouse/feedback/ / response workbooks for senders.</p>"
    )
    parts.append(
        "<h4>Theo tệp / By file</h4>"
        + table(
            [
                th("Tệp", "File"),
                th("Nguồn", "Source"),
                th("Dòng", "Rows", "num"),
                th("Lý do", "Reasons", "num"),
                th("Quy tắc", "Rules"),
            ],
            [
                [
                    td(esc(r.get("file_name"))),
                    td(esc(r.get("source"))),
                    td(num(r.get("rows")), "num"),
                    td(num(r.get("reasons")), "num"),
                    td(esc(r.get("rules"))),
                ]
                for r in f.rejected_by_file
            ],
        )
    )
    bars = [
        Bar(str(r.get("rule")), [(float(r.get("reasons") or 0), "#c62828", "lý do / reasons")])
        for r in f.rejected_by_rule
    ]
    parts.append(
        "<h4>Theo quy tắc / By rule</h4>"
        + hbar_chart(bars, title="Lý do từ chối theo quy tắc / reasons by rule")
        + table(
            [
                th("Quy tắc", "Rule"),
                th("Lý do", "Reasons", "num"),
                th("Số tệp", "Files", "num"),
                th("Ví dụ", "Example"),
            ],
            [
                [
                    td(esc(r.get("rule"))),
                    td(num(r.get("reasons")), "num"),
                    td(num(r.get("files")), "num"),
                    td(esc(r.get("example_en"))),
                ]
                for r in f.rejected_by_rule
            ],
        )
    )
    parts.append(
        f"<h4>Mẫu dòng cần xử lý / Sample of rows to follow up ({len(f.rejected_sample)})</h4>"
        f'<p class="note">Tối đa {SAMPLE_PER_FILE} dòng mỗi tệp; đầy đủ trong '
        f"marts.rejected_rows / at most {SAMPLE_PER_FILE} rows per file; all in "
        "marts.rejected_rows.</p>"
        + table(
            [
                th("Tệp", "File"),
                th("Trang tính", "Sheet"),
                th("Dòng", "Row", "num"),
                th("Cột", "Column"),
                th("Quy tắc", "Rule"),
                th("Thông báo", "Message"),
            ],
            [
                [
                    td(esc(r.get("file_name"))),
                    td(esc(r.get("sheet")) or "—"),
                    td(esc(r.get("row_number")) or "—", "num"),
                    td(esc(r.get("column_name")) or "—"),
                    td(esc(r.get("rule"))),
                    td(
                        f'{esc(r.get("message_vi"))}<br><span class="en">{esc(r.get("message_en"))}'
                        "</span>"
                    ),
                ]
                for r in f.rejected_sample
            ],
            attrs=' data-table="rejected-sample"',
        )
    )
    return "".join(parts)
