"""Source 3: khuyến công (industrial-promotion) disbursements (``raw/khuyen_cong/``)."""

import polars as pl

from schemas.base import Field, Kind, Lookup, RowRule, Source

# Plausible range of a scheme's money (Field.plausible), in đồng: 100,000 đồng to 100 tỷ đồng.
SCHEME_MONEY = (1e5, 1e11)
FUND_SOURCES = ("Quốc gia", "Tỉnh", "Huyện")
SUPPORT_TYPES = (
    "Máy móc thiết bị",
    "Mô hình trình diễn",
    "Đào tạo nghề",
    "Hội chợ triển lãm",
    "Sản phẩm CNNT tiêu biểu",
    "Sản xuất sạch hơn",
    "Thông tin tuyên truyền",
    "Khác",
)

KHUYEN_CONG = Source(
    name="khuyen_cong",
    folder="khuyen_cong",
    title_vi="Giải ngân kinh phí khuyến công",
    fields=(
        Field(
            "decision_no",
            "Số quyết định",
            Kind.TEXT,
            required=True,
            lookup=Lookup.DECISION_NO,
            aliases=("Số QĐ",),
        ),
        Field("decision_date", "Ngày quyết định", Kind.DATE, required=True, aliases=("Ngày QĐ",)),
        Field("scheme_name", "Tên đề án", Kind.TEXT, required=True),
        Field(
            "beneficiary_name",
            "Đơn vị thụ hưởng",
            Kind.TEXT,
            required=True,
            aliases=("Cơ sở thụ hưởng", "Đơn vị, cơ sở thụ hưởng"),
        ),
        Field(
            "beneficiary_tax_code",
            "Mã số thuế",
            Kind.CODE,
            required=True,
            lookup=Lookup.TAX_CODE,
            aliases=("MST",),
        ),
        Field(
            "commune",
            "Xã, thị trấn",
            Kind.TEXT,
            lookup=Lookup.COMMUNE,
            resolved_as="commune_code",
            reference_date="decision_date",
            aliases=("Xã/thị trấn", "Địa bàn"),
        ),
        Field(
            "fund_source",
            "Nguồn kinh phí",
            Kind.CATEGORY,
            required=True,
            choices=("Quốc gia", "Tỉnh", "Huyện"),
            aliases=("Nguồn vốn",),
            choice_aliases={
                "Khuyến công quốc gia": "Quốc gia",
                "Trung ương": "Quốc gia",
                "Cấp tỉnh": "Tỉnh",
                "Khuyến công tỉnh": "Tỉnh",
                "Địa phương tỉnh": "Tỉnh",
                "Cấp huyện": "Huyện",
                "Khuyến công huyện": "Huyện",
            },
        ),
        Field(
            "support_type",
            "Nội dung hỗ trợ",
            Kind.CATEGORY,
            choices=SUPPORT_TYPES,
            aliases=("Nội dung",),
            choice_aliases={
                "Máy móc, thiết bị": "Máy móc thiết bị",
                "Hội chợ, triển lãm": "Hội chợ triển lãm",
            },
        ),
        Field(
            "scheme_cost",
            "Tổng kinh phí đề án",
            Kind.NUMBER,
            unit="đồng",
            gt=0,
            plausible=SCHEME_MONEY,
            aliases=("Tổng kinh phí",),
        ),
        Field(
            "approved_amount",
            "Kinh phí được duyệt",
            Kind.NUMBER,
            unit="đồng",
            gt=0,
            plausible=SCHEME_MONEY,
            aliases=("Kinh phí hỗ trợ được duyệt", "Kinh phí phê duyệt"),
        ),
        Field(
            "disbursed_amount",
            "Kinh phí đã giải ngân",
            Kind.NUMBER,
            unit="đồng",
            ge=0,
            blank_as_zero=True,
            plausible=SCHEME_MONEY,
            aliases=("Đã giải ngân", "Kinh phí giải ngân"),
        ),
        Field("disbursement_date", "Ngày giải ngân", Kind.DATE),
    ),
    key=("decision_no", "beneficiary_tax_code"),
    history_by="beneficiary_tax_code",
    row_rules=(
        RowRule(
            "approved_gt_cost",
            "approved_amount",
            pl.col("approved_amount") <= pl.col("scheme_cost"),
        ),
        RowRule(
            "disbursed_gt_approved",
            "disbursed_amount",
            pl.col("disbursed_amount") <= pl.col("approved_amount"),
        ),
        RowRule(
            "disbursement_before_decision",
            "disbursement_date",
            pl.col("disbursement_date") >= pl.col("decision_date"),
        ),
        RowRule(
            "disbursement_date_missing",
            "disbursement_date",
            (pl.col("disbursed_amount") <= 0) | pl.col("disbursement_date").is_not_null(),
        ),
    ),
)
