"""Source 7: progress of the plan's tasks, reported by their lead units (``raw/plan_tasks/``)."""

import polars as pl

from schemas.base import Field, Kind, Lookup, RowRule, Source

DONE = "Hoàn thành"
STATUSES = ("Chưa triển khai", "Đang thực hiện", DONE, "Tạm dừng")

PLAN_TASKS = Source(
    name="plan_tasks",
    folder="plan_tasks",
    title_vi="Tiến độ thực hiện nhiệm vụ của Kế hoạch",
    fields=(
        Field("task_code", "Mã nhiệm vụ", Kind.CODE, required=True),
        Field(
            "task_name",
            "Nội dung nhiệm vụ",
            Kind.TEXT,
            required=True,
            aliases=("Nhiệm vụ", "Tên nhiệm vụ"),
        ),
        Field(
            "lead_unit",
            "Đơn vị chủ trì",
            Kind.TEXT,
            required=True,
            lookup=Lookup.LEAD_UNIT,
            resolved_as="lead_unit_code",
        ),
        Field("partner_units", "Đơn vị phối hợp", Kind.TEXT),
        Field(
            "due_date",
            "Hạn hoàn thành",
            Kind.DATE,
            required=True,
            aliases=("Thời hạn",),
            future=True,
        ),  # a deadline may lie ahead
        Field("report_date", "Ngày báo cáo", Kind.DATE, required=True),
        Field(
            "status",
            "Tình trạng",
            Kind.CATEGORY,
            required=True,
            choices=STATUSES,
            aliases=("Trạng thái", "Tiến độ"),
            choice_aliases={
                "Chưa thực hiện": "Chưa triển khai",
                "Đã hoàn thành": DONE,
                "Đang triển khai": "Đang thực hiện",
            },
        ),
        Field(
            "percent_done",
            "Tỷ lệ hoàn thành",
            Kind.NUMBER,
            unit="%",
            ge=0,
            le=100,
            aliases=("Tỷ lệ hoàn thành (%)", "Phần trăm hoàn thành"),
        ),
        Field("done_date", "Ngày hoàn thành", Kind.DATE),
    ),
    key=("task_code", "report_date"),
    version_by=("report_date",),
    row_rules=(
        RowRule(
            "done_date_missing",
            "done_date",
            (pl.col("status") != DONE) | pl.col("done_date").is_not_null(),
        ),
        RowRule(
            "done_not_100_percent",
            "percent_done",
            (pl.col("status") != DONE) | (pl.col("percent_done") == 100),
        ),
    ),
)
