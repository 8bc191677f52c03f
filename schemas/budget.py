"""Source 5: monthly budget revenue from the district tax office (``raw/budget/``)."""

import polars as pl

from schemas.base import Field, Kind, RowRule, Source

TOTAL = "Thu ngoài quốc doanh"
INDUSTRY = "Trong đó: Công nghiệp"
_TOTAL_OF_MONTH = pl.col("amount").filter(pl.col("item") == TOTAL).first().over("period")

BUDGET = Source(
    name="budget_revenue",
    folder="budget",
    title_vi="Thu ngân sách ngoài quốc doanh",
    fields=(
        Field("period", "Kỳ", Kind.MONTH, required=True, aliases=("Kỳ báo cáo", "Tháng")),
        Field(
            "item",
            "Chỉ tiêu",
            Kind.CATEGORY,
            required=True,
            choices=(TOTAL, INDUSTRY),
            aliases=("Nội dung",),
            choice_aliases={
                "Thu từ khu vực ngoài quốc doanh": TOTAL,
                "Thu khu vực ngoài quốc doanh": TOTAL,
                "Công nghiệp": INDUSTRY,
                "Trong đó: ngành Công nghiệp": INDUSTRY,
            },
        ),
        Field(
            "amount",
            "Số thu",
            Kind.NUMBER,
            unit="triệu đồng",
            required=True,
            ge=0,
            plausible=(0.1, 1e8),
            aliases=("Số tiền", "Thực thu"),
        ),
    ),
    key=("period", "item"),
    history_by="item",
    row_rules=(
        # Within a file: industry revenue of a month cannot exceed the month's total.
        RowRule(
            "industry_gt_total",
            "amount",
            (pl.col("item") != INDUSTRY) | (pl.col("amount") <= _TOTAL_OF_MONTH),
        ),
    ),
)
