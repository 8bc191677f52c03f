"""Source 1: monthly enterprise reports (``raw/enterprise_reports/``)."""

import polars as pl

from schemas.base import Field, Kind, Lookup, RowRule, Source

# Plausible ranges (Field.plausible), generous: a month of one unit, in triệu đồng (10,000
# đồng to 100,000 tỷ đồng), and a unit's headcount.
MONTHLY_MONEY = (0.01, 1e8)
HEADCOUNT = (1, 100_000)
OWNERSHIP = ("DNNN", "Ngoài nhà nước", "FDI", "HTX", "Hộ cá thể")

ENTERPRISE_REPORTS = Source(
    name="enterprise_reports",
    folder="enterprise_reports",
    title_vi="Báo cáo sản xuất kinh doanh hằng tháng",
    fields=(
        Field(
            "tax_code",
            "Mã số thuế",
            Kind.CODE,
            required=True,
            lookup=Lookup.TAX_CODE,
            aliases=("MST",),
        ),
        Field(
            "unit_name",
            "Tên doanh nghiệp / cơ sở",
            Kind.TEXT,
            required=True,
            aliases=("Tên doanh nghiệp", "Tên cơ sở", "Tên đơn vị", "Tên doanh nghiệp, cơ sở"),
        ),
        Field(
            "ownership",
            "Loại hình",
            Kind.CATEGORY,
            choices=OWNERSHIP,
            aliases=("Loại hình doanh nghiệp",),
            choice_aliases={
                "Doanh nghiệp nhà nước": "DNNN",
                "Hợp tác xã": "HTX",
                "Ngoài quốc doanh": "Ngoài nhà nước",
                "Tư nhân": "Ngoài nhà nước",
                "Có vốn đầu tư nước ngoài": "FDI",
                "Hộ kinh doanh cá thể": "Hộ cá thể",
                "Hộ kinh doanh": "Hộ cá thể",
            },
        ),
        Field(
            "commune",
            "Xã, thị trấn",
            Kind.TEXT,
            lookup=Lookup.COMMUNE,
            resolved_as="commune_code",
            reference_date="period",
            aliases=("Xã/thị trấn", "Xã, phường, thị trấn", "Địa bàn", "Xã"),
        ),
        Field(
            "industrial_zone",
            "Khu, cụm công nghiệp",
            Kind.TEXT,
            lookup=Lookup.ZONE,
            resolved_as="zone_code",
            aliases=("KCN, CCN", "KCN/CCN", "Khu/cụm công nghiệp"),
        ),
        Field(
            "vsic_code",
            "Mã ngành VSIC",
            Kind.CODE,
            lookup=Lookup.VSIC_INDUSTRY,
            aliases=("Mã ngành", "VSIC", "Ngành VSIC"),
        ),
        Field(
            "period",
            "Kỳ báo cáo",
            Kind.MONTH,
            required=True,
            aliases=("Kỳ", "Tháng báo cáo", "Tháng"),
        ),
        Field(
            "report_date",
            "Ngày lập báo cáo",
            Kind.DATE,
            required=True,
            aliases=("Ngày báo cáo", "Ngày lập"),
        ),
        Field(
            "gross_output_current",
            "Giá trị sản xuất theo giá hiện hành",
            Kind.NUMBER,
            unit="triệu đồng",
            plausible=MONTHLY_MONEY,
            ge=0,
            aliases=("GTSX giá hiện hành", "Giá trị sản xuất giá hiện hành"),
        ),
        Field(
            "gross_output_const2010",
            "Giá trị sản xuất theo giá so sánh 2010",
            Kind.NUMBER,
            unit="triệu đồng",
            plausible=MONTHLY_MONEY,
            ge=0,
            aliases=(
                "GTSX giá so sánh 2010",
                "Giá trị sản xuất giá so sánh 2010",
                "Giá trị sản xuất theo giá cố định 2010",
            ),
        ),
        Field(
            "revenue", "Doanh thu", Kind.NUMBER, unit="triệu đồng", plausible=MONTHLY_MONEY, ge=0
        ),
        Field(
            "taxes_paid",
            "Nộp ngân sách",
            Kind.NUMBER,
            unit="triệu đồng",
            plausible=(0.001, 1e7),
            ge=0,
            aliases=("Nộp NSNN",),
        ),
        Field(
            "own_capital_invested",
            "Vốn đầu tư thực hiện từ vốn tự có",
            Kind.NUMBER,
            unit="triệu đồng",
            plausible=MONTHLY_MONEY,
            ge=0,
            blank_as_zero=True,
            aliases=("Vốn tự có", "Vốn đầu tư từ vốn tự có"),
        ),
        Field(
            "employees",
            "Tổng số lao động",
            Kind.INTEGER,
            unit="người",
            ge=0,
            plausible=HEADCOUNT,
            aliases=("Số lao động", "Lao động"),
        ),
        Field(
            "trained_employees",
            "Lao động qua đào tạo",
            Kind.INTEGER,
            unit="người",
            ge=0,
            plausible=HEADCOUNT,
        ),
        Field(
            "avg_monthly_income",
            "Thu nhập bình quân",
            Kind.NUMBER,
            unit="triệu đồng/người/tháng",
            plausible=(0.1, 1000),
            ge=0,
            aliases=("Thu nhập bình quân tháng",),
        ),
        Field(
            "advanced_machinery",
            "Ứng dụng máy móc thiết bị tiên tiến",
            Kind.BOOL,
            aliases=("Ứng dụng máy móc, thiết bị tiên tiến", "Máy móc thiết bị tiên tiến"),
        ),
        Field("supporting_industry", "Công nghiệp hỗ trợ", Kind.BOOL, aliases=("CNHT",)),
        Field("note", "Ghi chú", Kind.TEXT),
    ),
    key=("tax_code", "period"),
    version_by=("report_date",),
    history_by="tax_code",
    row_rules=(
        RowRule("period_after_report_date", "period", pl.col("period") <= pl.col("report_date")),
        RowRule(
            "trained_gt_employees",
            "trained_employees",
            pl.col("trained_employees") <= pl.col("employees"),
        ),
    ),
)
