"""Reference data kept by the office (``raw/reference/``): the plan is data, not code.

Reference files carry the canonical English headers (the Vietnamese ones are accepted too).
They are loaded before the other sources, whose lookups (communes, zones, VSIC divisions,
lead units) read them.
"""

import polars as pl

from schemas.base import Field, Kind, Lookup, RowRule, Source

COMPARATORS = ("gt", "gte", "between")

PLAN_TARGETS = Source(
    name="plan_targets",
    folder="reference",
    files="**/plan_targets*",
    title_vi="Chỉ tiêu kế hoạch",
    fields=(
        Field("plan_id", "Mã kế hoạch", Kind.CODE, required=True),
        Field("year", "Năm", Kind.INTEGER, required=True, ge=2000, le=2100),
        Field("kpi_code", "Mã chỉ tiêu", Kind.CODE, required=True, lookup=Lookup.KPI_CODE),
        Field("kpi_name_vi", "Tên chỉ tiêu", Kind.TEXT, required=True),
        Field("unit", "Đơn vị tính", Kind.TEXT, required=True),
        Field("comparator", "So sánh", Kind.CATEGORY, required=True, choices=COMPARATORS),
        Field(
            "target_low",
            "Mục tiêu",
            Kind.NUMBER,
            required=True,
            aliases=("Mục tiêu thấp", "Chỉ tiêu"),
        ),
        Field("target_high", "Mục tiêu cao", Kind.NUMBER),
        Field("lead_unit", "Đơn vị chủ trì", Kind.TEXT),
        Field("note", "Ghi chú", Kind.TEXT),  # e.g. "sample targets" for a plan not adopted
    ),
    key=("plan_id", "kpi_code"),
    reference=True,
)

COMMUNES = Source(
    name="communes",
    folder="reference",
    files="**/communes*",
    title_vi="Danh mục xã, thị trấn",
    fields=(
        Field("commune_code", "Mã xã", Kind.CODE, required=True, aliases=("Mã đơn vị",)),
        Field("commune_name", "Tên xã", Kind.TEXT, required=True, aliases=("Tên đơn vị",)),
        Field("commune_type", "Loại", Kind.CATEGORY, choices=("Xã", "Thị trấn", "Phường")),
        # a reorganisation may be decided ahead of the day it takes effect
        Field("valid_from", "Hiệu lực từ", Kind.DATE, required=True, future=True),
        Field("valid_to", "Hiệu lực đến", Kind.DATE, future=True),
        Field("successor_code", "Mã xã kế thừa", Kind.CODE),
    ),
    key=("commune_code", "valid_from"),
    reference=True,
)

ZONES = Source(
    name="zones",
    folder="reference",
    files="**/zones*",
    title_vi="Danh mục khu, cụm công nghiệp",
    fields=(
        Field("zone_code", "Mã khu", Kind.CODE, required=True),
        Field("zone_name", "Tên khu", Kind.TEXT, required=True),
        Field("zone_type", "Loại", Kind.CATEGORY, choices=("KCN", "CCN")),
        Field("full_name", "Tên đầy đủ", Kind.TEXT),
    ),
    key=("zone_code",),
    reference=True,
)

VSIC_INDUSTRY = Source(
    name="vsic_industry",
    folder="reference",
    files="**/vsic_industry*",
    title_vi="Ngành VSIC tính là công nghiệp",
    fields=(
        Field("division", "Mã ngành cấp 2", Kind.CODE, required=True),
        Field("section", "Ngành cấp 1", Kind.CODE),
        Field("name_vi", "Tên ngành", Kind.TEXT),
    ),
    key=("division",),
    reference=True,
)

LEAD_UNITS = Source(
    name="lead_units",
    folder="reference",
    files="**/lead_units*",
    title_vi="Đơn vị chủ trì",
    fields=(
        Field("unit_code", "Mã đơn vị", Kind.CODE, required=True),
        Field("unit_name", "Tên đơn vị", Kind.TEXT, required=True),
    ),
    key=("unit_code",),
    reference=True,
)

# The folders the sources read (an area's folder must not be one of them)
SOURCE_FOLDERS = (
    "reference",
    "enterprise_reports",
    "labour",
    "khuyen_cong",
    "ocop",
    "budget",
    "economy",
    "plan_tasks",
)

AREAS = Source(
    name="areas",
    folder="reference",
    files="**/areas*",
    title_vi="Danh mục địa bàn báo cáo",
    fields=(
        Field("area_code", "Mã địa bàn", Kind.CODE, required=True, aliases=("Mã huyện",)),
        Field("area_name", "Tên địa bàn", Kind.TEXT, required=True, aliases=("Tên huyện",)),
        Field("province_code", "Mã tỉnh", Kind.CODE, required=True),
        Field("province_name", "Tên tỉnh", Kind.TEXT, required=True),
        # the area's folder under raw/; empty: raw/ itself (a province of one area)
        Field("folder", "Thư mục", Kind.TEXT),
    ),
    key=("area_code",),
    row_rules=(
        RowRule(
            "area_folder",
            "folder",
            pl.col("folder").str.contains(r"^[\w-]+$")
            & ~pl.col("folder").is_in(list(SOURCE_FOLDERS)),
        ),
    ),
    reference=True,
)
