"""Source 4: OCOP product ratings (``raw/ocop/``)."""

import polars as pl

from schemas.base import Field, Kind, Lookup, RowRule, Source

PRODUCT_GROUPS = (
    "Thực phẩm",
    "Đồ uống",
    "Thảo dược",
    "Thủ công mỹ nghệ",
    "Sinh vật cảnh",
    "Dịch vụ du lịch",
)
# Score out of 100 → stars (docs/domain.md): 90–100 ★5, 70–89 ★4, 50–69 ★3, 30–49 ★2, under 30 ★1.
STARS_FROM_SCORE = (
    pl.when(pl.col("score") >= 90)
    .then(5)
    .when(pl.col("score") >= 70)
    .then(4)
    .when(pl.col("score") >= 50)
    .then(3)
    .when(pl.col("score") >= 30)
    .then(2)
    .otherwise(1)
)

OCOP = Source(
    name="ocop_ratings",
    folder="ocop",
    title_vi="Kết quả đánh giá, phân hạng sản phẩm OCOP",
    fields=(
        Field("product_code", "Mã sản phẩm", Kind.CODE, required=True, aliases=("Mã SP",)),
        Field("product_name", "Tên sản phẩm", Kind.TEXT, required=True),
        Field(
            "producer_name",
            "Chủ thể",
            Kind.TEXT,
            required=True,
            aliases=("Chủ thể sản xuất", "Tên chủ thể", "Chủ thể OCOP"),
        ),
        Field(
            "producer_tax_code", "Mã số thuế", Kind.CODE, lookup=Lookup.TAX_CODE, aliases=("MST",)
        ),
        Field(
            "commune",
            "Xã, thị trấn",
            Kind.TEXT,
            lookup=Lookup.COMMUNE,
            resolved_as="commune_code",
            reference_date="recognised_on",
            aliases=("Xã/thị trấn", "Địa bàn"),
        ),
        Field(
            "product_group",
            "Nhóm sản phẩm",
            Kind.CATEGORY,
            required=True,
            choices=PRODUCT_GROUPS,
            aliases=("Nhóm", "Ngành hàng"),
            choice_aliases={
                "Đồ uống có cồn": "Đồ uống",
                "Dược liệu": "Thảo dược",
                "Thủ công mĩ nghệ": "Thủ công mỹ nghệ",
                "Dịch vụ du lịch cộng đồng": "Dịch vụ du lịch",
            },
        ),
        Field(
            "score",
            "Điểm",
            Kind.INTEGER,
            required=True,
            ge=0,
            le=100,
            aliases=("Điểm đánh giá", "Tổng điểm"),
        ),
        Field(
            "stars",
            "Số sao",
            Kind.INTEGER,
            required=True,
            ge=1,
            le=5,
            aliases=("Hạng sao", "Xếp hạng"),
        ),
        Field(
            "level",
            "Cấp công nhận",
            Kind.CATEGORY,
            required=True,
            choices=("Huyện", "Tỉnh", "Trung ương"),
            choice_aliases={
                "Cấp huyện": "Huyện",
                "Cấp tỉnh": "Tỉnh",
                "Quốc gia": "Trung ương",
                "Cấp quốc gia": "Trung ương",
            },
        ),
        Field(
            "decision_no",
            "Số quyết định",
            Kind.TEXT,
            required=True,
            lookup=Lookup.DECISION_NO,
            aliases=("Số QĐ", "Quyết định công nhận"),
        ),
        Field(
            "recognised_on",
            "Ngày công nhận",
            Kind.DATE,
            required=True,
            aliases=("Ngày quyết định",),
        ),
    ),
    key=("product_code", "decision_no"),
    row_rules=(RowRule("stars_score_mismatch", "stars", pl.col("stars") == STARS_FROM_SCORE),),
)
