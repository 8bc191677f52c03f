"""Source 6: value added by sector from the district statistics office (``raw/economy/``)."""

from schemas.base import Field, Kind, Source

SECTORS = ("Nông, lâm nghiệp và thủy sản", "Công nghiệp", "Xây dựng", "Dịch vụ", "Thuế sản phẩm")

ECONOMY = Source(
    name="economic_accounts",
    folder="economy",
    title_vi="Giá trị tăng thêm theo khu vực kinh tế",
    fields=(
        Field("year", "Năm", Kind.INTEGER, required=True, ge=2000, le=2100),
        Field("quarter", "Quý", Kind.INTEGER, ge=1, le=4),
        Field(
            "sector",
            "Khu vực",
            Kind.CATEGORY,
            required=True,
            choices=SECTORS,
            aliases=("Khu vực kinh tế", "Ngành kinh tế"),
            choice_aliases={
                "Nông lâm thủy sản": SECTORS[0],
                "Nông, lâm nghiệp và thuỷ sản": SECTORS[0],
                "Công nghiệp - xây dựng: Công nghiệp": "Công nghiệp",
                "Thuế sản phẩm trừ trợ cấp sản phẩm": "Thuế sản phẩm",
            },
        ),
        Field(
            "value_added_current",
            "Giá trị tăng thêm theo giá hiện hành",
            Kind.NUMBER,
            unit="triệu đồng",
            plausible=(1, 1e9),
            required=True,
            ge=0,
            aliases=("GTTT giá hiện hành", "Giá trị tăng thêm"),
        ),
    ),
    key=("year", "quarter", "sector"),
    history_by="sector",
)
