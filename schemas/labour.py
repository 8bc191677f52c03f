"""Source 2: employment spells from the Labour office (``raw/labour/``). Holds personal data."""

import polars as pl

from schemas.base import Field, Kind, Lookup, Pii, RowRule, Source

TRAINING_LEVELS = ("Chưa qua đào tạo", "Sơ cấp", "Trung cấp", "Cao đẳng", "Đại học trở lên")

LABOUR = Source(
    name="labour_spells",
    folder="labour",
    title_vi="Danh sách lao động (Phòng LĐ-TB&XH)",
    fields=(
        Field(
            "citizen_id",
            "Số CCCD",
            Kind.CODE,
            required=True,
            lookup=Lookup.CITIZEN_ID,
            pii=Pii.PSEUDONYMISE,
            aliases=("CCCD", "Số căn cước công dân", "Số CMND/CCCD", "Căn cước công dân"),
        ),
        Field(
            "full_name", "Họ và tên", Kind.TEXT, required=True, pii=Pii.DROP, aliases=("Họ tên",)
        ),
        Field("birth_year", "Năm sinh", Kind.INTEGER, ge=1900),
        Field("sex", "Giới tính", Kind.CATEGORY, choices=("Nam", "Nữ")),
        Field(
            "employer_tax_code",
            "Mã số thuế đơn vị",
            Kind.CODE,
            required=True,
            lookup=Lookup.TAX_CODE,
            aliases=("MST đơn vị", "Mã số thuế"),
        ),
        Field(
            "start_date",
            "Ngày bắt đầu làm việc",
            Kind.DATE,
            required=True,
            aliases=("Ngày bắt đầu", "Ngày vào làm"),
        ),
        Field("end_date", "Ngày nghỉ việc", Kind.DATE, aliases=("Ngày thôi việc",)),
        Field(
            "training_level",
            "Trình độ chuyên môn kỹ thuật",
            Kind.CATEGORY,
            choices=TRAINING_LEVELS,
            aliases=("Trình độ CMKT", "Trình độ"),
            choice_aliases={
                "Chưa đào tạo": "Chưa qua đào tạo",
                "Đại học": "Đại học trở lên",
                "Trên đại học": "Đại học trở lên",
            },
        ),
        Field(
            "monthly_wage",
            "Tiền lương tháng",
            Kind.NUMBER,
            unit="đồng",
            gt=0,
            plausible=(100_000, 2e9),
            aliases=("Lương tháng", "Tiền lương"),
        ),
        Field("residence_commune", "Xã nơi cư trú", Kind.TEXT, aliases=("Nơi cư trú",)),
    ),
    key=("citizen_pseudonym", "employer_tax_code", "start_date"),
    row_rules=(
        RowRule(
            "age_out_of_range",
            "birth_year",
            (pl.col("start_date").dt.year() - pl.col("birth_year")).is_between(15, 75),
        ),
        RowRule("end_before_start", "end_date", pl.col("end_date") >= pl.col("start_date")),
    ),
    keep_extra_columns=False,
    history_by="employer_tax_code",
)
