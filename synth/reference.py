"""Reference data (communes, zones, VSIC divisions, lead units, plan targets) and its files."""

from __future__ import annotations

from datetime import date

# (code, name without prefix, type) valid 2020-01-01 .. 2025-06-30, successor after 2025-07-01
COMMUNES: tuple[tuple[str, str, str, str], ...] = (
    ("19363", "Hồ Xá", "Thị trấn", "19363"),
    ("19366", "Bến Quan", "Thị trấn", "19366"),
    ("19414", "Cửa Tùng", "Thị trấn", "19414"),
    ("19369", "Vĩnh Thái", "Xã", "19372"),
    ("19372", "Vĩnh Tú", "Xã", "19372"),
    ("19375", "Vĩnh Chấp", "Xã", "19363"),
    ("19378", "Trung Nam", "Xã", "19372"),
    ("19384", "Kim Thạch", "Xã", "19414"),
    ("19387", "Vĩnh Long", "Xã", "19363"),
    ("19393", "Vĩnh Khê", "Xã", "19366"),
    ("19396", "Vĩnh Hòa", "Xã", "19372"),
    ("19402", "Vĩnh Thủy", "Xã", "19405"),
    ("19405", "Vĩnh Lâm", "Xã", "19405"),
    ("19408", "Hiền Thành", "Xã", "19414"),
    ("19417", "Vĩnh Hà", "Xã", "19366"),
    ("19420", "Vĩnh Sơn", "Xã", "19405"),
    ("19423", "Vĩnh Giang", "Xã", "19414"),
    ("19426", "Vĩnh Ô", "Xã", "19366"),
)
NEW_COMMUNES: tuple[tuple[str, str], ...] = (
    ("19363", "Vĩnh Linh"),
    ("19414", "Cửa Tùng"),
    ("19372", "Vĩnh Hoàng"),
    ("19405", "Vĩnh Thủy"),
    ("19366", "Bến Quan"),
)
COMMUNE_BY_CODE = {c[0]: c for c in COMMUNES}
OLD_VALID = (date(2020, 1, 1), date(2025, 6, 30))
NEW_VALID_FROM = date(2025, 7, 1)

# zone_code: (short name, type, full name)
ZONES: dict[str, tuple[str, str, str]] = {
    "KCN_TBHX": ("KCN Tây Bắc Hồ Xá", "KCN", "Khu công nghiệp Tây Bắc Hồ Xá"),
    "CCN_CUA_TUNG": ("CCN Cửa Tùng", "CCN", "Cụm công nghiệp Cửa Tùng"),
    "CCN_VUNG_DONG": ("CCN Vùng Đông", "CCN", "Cụm công nghiệp Vùng Đông"),
    "CCN_PHIA_TAY": ("CCN phía Tây", "CCN", "Cụm công nghiệp phía Tây"),
}

VSIC_DIVISIONS: tuple[tuple[str, str, str], ...] = (
    ("05", "B", "Khai thác than"),
    ("06", "B", "Khai thác dầu thô và khí đốt tự nhiên"),
    ("07", "B", "Khai thác quặng kim loại"),
    ("08", "B", "Khai khoáng khác"),
    ("09", "B", "Hoạt động dịch vụ hỗ trợ khai thác mỏ"),
    ("10", "C", "Sản xuất chế biến thực phẩm"),
    ("11", "C", "Sản xuất đồ uống"),
    ("12", "C", "Sản xuất sản phẩm thuốc lá"),
    ("13", "C", "Dệt"),
    ("14", "C", "Sản xuất trang phục"),
    ("15", "C", "Sản xuất da và các sản phẩm có liên quan"),
    ("16", "C", "Chế biến gỗ và sản xuất sản phẩm từ gỗ, tre, nứa"),
    ("17", "C", "Sản xuất giấy và sản phẩm từ giấy"),
    ("18", "C", "In, sao chép bản ghi các loại"),
    ("19", "C", "Sản xuất than cốc, sản phẩm dầu mỏ tinh chế"),
    ("20", "C", "Sản xuất hoá chất và sản phẩm hoá chất"),
    ("21", "C", "Sản xuất thuốc, hoá dược"),
    ("22", "C", "Sản xuất sản phẩm từ cao su và plastic"),
    ("23", "C", "Sản xuất sản phẩm từ khoáng phi kim loại khác"),
    ("24", "C", "Sản xuất kim loại"),
    ("25", "C", "Sản xuất sản phẩm từ kim loại đúc sẵn"),
    ("26", "C", "Sản xuất sản phẩm điện tử, máy vi tính và quang học"),
    ("27", "C", "Sản xuất thiết bị điện"),
    ("28", "C", "Sản xuất máy móc, thiết bị chưa phân vào đâu"),
    ("29", "C", "Sản xuất xe có động cơ"),
    ("30", "C", "Sản xuất phương tiện vận tải khác"),
    ("31", "C", "Sản xuất giường, tủ, bàn, ghế"),
    ("32", "C", "Công nghiệp chế biến, chế tạo khác"),
    ("33", "C", "Sửa chữa, bảo dưỡng và lắp đặt máy móc và thiết bị"),
    ("35", "D", "Sản xuất và phân phối điện, khí đốt, nước nóng, hơi nước và điều hoà không khí"),
    ("36", "E", "Khai thác, xử lý và cung cấp nước"),
    ("37", "E", "Thoát nước và xử lý nước thải"),
    ("38", "E", "Hoạt động thu gom, xử lý và tiêu huỷ rác thải; tái chế phế liệu"),
    ("39", "E", "Xử lý ô nhiễm và hoạt động quản lý chất thải khác"),
)

LEAD_UNITS: tuple[tuple[str, str], ...] = (
    ("KTHT", "Phòng Kinh tế và Hạ tầng"),
    ("TCKH", "Phòng Tài chính - Kế hoạch"),
    ("TNMT", "Phòng Tài nguyên và Môi trường"),
    ("NNPTNT", "Phòng Nông nghiệp và PTNT"),
    ("VHTT", "Phòng Văn hóa và Thông tin (với Trung tâm VHTT và TDTT)"),
    ("TTRA", "Thanh tra huyện"),
    ("LDTBXH", "Phòng Lao động - Thương binh và Xã hội"),
    ("TTCCN", "Trung tâm phát triển cụm công nghiệp, khuyến công và dịch vụ du lịch biển"),
    ("BQLDA", "Ban QLDA Đầu tư - Xây dựng và Phát triển quỹ đất"),
    ("UBNDXA", "UBND các xã, thị trấn"),
)

# kpi_code, kpi_name_vi, unit, comparator, low, high, lead unit (docs/kpis.md)
PLAN_TARGETS: tuple[tuple[str, str, str, str, float, float | None, str], ...] = (
    (
        "IND_GO_GROWTH",
        "Tốc độ tăng giá trị sản xuất ngành Công nghiệp",
        "%",
        "between",
        7,
        8,
        "KTHT",
    ),
    (
        "IND_GO_CONST2010",
        "Tổng GTSX Công nghiệp theo giá cố định 2010",
        "billion VND",
        "gt",
        1110,
        None,
        "KTHT",
    ),
    (
        "IND_GO_CURRENT",
        "Tổng GTSX Công nghiệp theo giá hiện hành",
        "billion VND",
        "gt",
        1385,
        None,
        "KTHT",
    ),
    (
        "IND_SHARE_ECONOMY",
        "Tỷ trọng ngành Công nghiệp trong cơ cấu kinh tế",
        "%",
        "gte",
        13.5,
        None,
        "TCKH",
    ),
    (
        "IND_BUDGET_CONTRIB",
        "Đóng góp nguồn thu ngân sách cho huyện",
        "billion VND",
        "gt",
        45,
        None,
        "TCKH",
    ),
    (
        "IND_BUDGET_SHARE",
        "Đóng góp nguồn thu ngân sách chiếm trên 60% tổng nguồn thu ngoài quốc doanh",
        "%",
        "gt",
        60,
        None,
        "TCKH",
    ),
    (
        "LAB_TRAINED_RATIO",
        "Tỷ lệ lao động ngành Công nghiệp qua đào tạo",
        "%",
        "gt",
        90,
        None,
        "LDTBXH",
    ),
    ("LAB_NEW_JOBS", "Lao động trong Công nghiệp tăng thêm", "persons", "gt", 500, None, "LDTBXH"),
    (
        "LAB_AVG_INCOME",
        "Thu nhập bình quân",
        "million VND / person / year",
        "gt",
        80,
        None,
        "LDTBXH",
    ),
    (
        "TECH_ADVANCED_SHARE",
        "Tỷ lệ cơ sở ứng dụng máy móc, thiết bị tiên tiến",
        "%",
        "gt",
        85,
        None,
        "KTHT",
    ),
    (
        "KC_SUPPORTED_UNITS",
        "Doanh nghiệp, cơ sở được hỗ trợ vốn khuyến công",
        "units",
        "gt",
        15,
        None,
        "TTCCN",
    ),
    ("KC_FUNDS_TOTAL", "Kinh phí khuyến công năm 2022", "billion VND", "gte", 0.935, None, "TTCCN"),
    (
        "KC_FUNDS_NATIONAL",
        "Kinh phí khuyến công quốc gia",
        "billion VND",
        "gte",
        0.25,
        None,
        "TTCCN",
    ),
    (
        "KC_FUNDS_PROVINCIAL",
        "Kinh phí khuyến công cấp tỉnh",
        "billion VND",
        "gte",
        0.3,
        None,
        "TTCCN",
    ),
    (
        "KC_FUNDS_DISTRICT",
        "Kinh phí khuyến công cấp huyện",
        "billion VND",
        "gte",
        0.385,
        None,
        "TTCCN",
    ),
    ("OCOP_3_4_STAR", "Sản phẩm đạt OCOP 3, 4 sao", "products", "gt", 3, None, "NNPTNT"),
    (
        "SUPPORT_IND_ATTRACTED",
        "Thu hút DN Công nghiệp hỗ trợ tại KCN Tây Bắc Hồ Xá",
        "enterprises",
        "between",
        3,
        5,
        "KTHT",
    ),
    (
        "CAPITAL_OWN",
        "Khai thác vốn tự có của doanh nghiệp, cơ sở",
        "billion VND",
        "gt",
        300,
        None,
        "TCKH",
    ),
    ("TASKS_ON_TIME", "Tiến độ các nhiệm vụ của Kế hoạch", "%", "gte", 100, None, "KTHT"),
)


def commune_name(code: str) -> str:
    """Full official name with prefix, e.g. 'Thị trấn Hồ Xá'."""
    _, name, kind, _ = COMMUNE_BY_CODE[code]
    return f"{kind} {name}"


# VL-2023: sample targets for a 2023 plan (not an adopted plan): a little above 2022's
SAMPLE_NOTE = "Chỉ tiêu mẫu, chưa ban hành / sample targets, not an adopted plan"
TARGETS_2023: dict[str, tuple[float, float | None]] = {
    "IND_GO_GROWTH": (7, 8),
    "IND_GO_CONST2010": (1195, None),
    "IND_GO_CURRENT": (1500, None),
    "IND_SHARE_ECONOMY": (14, None),
    "IND_BUDGET_CONTRIB": (48, None),
    "IND_BUDGET_SHARE": (60, None),
    "LAB_TRAINED_RATIO": (91, None),
    "LAB_NEW_JOBS": (500, None),
    "LAB_AVG_INCOME": (85, None),
    "TECH_ADVANCED_SHARE": (87, None),
    "KC_SUPPORTED_UNITS": (15, None),
    "KC_FUNDS_TOTAL": (1.0, None),
    "KC_FUNDS_NATIONAL": (0.25, None),
    "KC_FUNDS_PROVINCIAL": (0.35, None),
    "KC_FUNDS_DISTRICT": (0.4, None),
    "OCOP_3_4_STAR": (4, None),
    "SUPPORT_IND_ATTRACTED": (2, 4),
    "CAPITAL_OWN": (320, None),
    "TASKS_ON_TIME": (100, None),
}


def target_rows(prefix: str = "VL") -> list[dict]:
    """The 2022 plan (adopted) and the 2023 sample plan as canonical reference records; an
    area other than Vĩnh Linh has the same targets under its own plan ids (GL-2022, …)."""
    rows = []
    for plan_id, year in ((f"{prefix}-2022", 2022), (f"{prefix}-2023", 2023)):
        for code, name, unit, comp, low, high, lead in PLAN_TARGETS:
            if year == 2023:
                low, high = TARGETS_2023[code]
                name = name.replace("năm 2022", "năm 2023")
            rows.append(
                {
                    "plan_id": plan_id,
                    "year": year,
                    "kpi_code": code,
                    "kpi_name_vi": name,
                    "unit": unit,
                    "comparator": comp,
                    "target_low": float(low),
                    "target_high": None if high is None else float(high),
                    "lead_unit": lead,
                    "note": SAMPLE_NOTE if year == 2023 else None,
                }
            )
    return rows


TARGETS_HEADER = [
    "plan_id",
    "year",
    "kpi_code",
    "kpi_name_vi",
    "unit",
    "comparator",
    "target_low",
    "target_high",
    "lead_unit",
    "note",
]


def reference_tables(prefix: str = "VL") -> dict[str, tuple[list[str], list[list[object]]]]:
    """File stem -> (header, rows) for every reference CSV (plan ids start with prefix)."""
    communes = [
        [c, f"{kind} {name}", kind, OLD_VALID[0], OLD_VALID[1], succ]
        for c, name, kind, succ in COMMUNES
    ]
    communes += [[c, f"Xã {name}", "Xã", NEW_VALID_FROM, None, None] for c, name in NEW_COMMUNES]
    head = TARGETS_HEADER
    targets = [[r[c] for c in head] for r in target_rows(prefix)]
    return {
        "plan_targets": (head, targets),
        "communes": (
            [
                "commune_code",
                "commune_name",
                "commune_type",
                "valid_from",
                "valid_to",
                "successor_code",
            ],
            communes,
        ),
        "zones": (
            ["zone_code", "zone_name", "zone_type", "full_name"],
            [[k, *v] for k, v in ZONES.items()],
        ),
        "vsic_industry": (["division", "section", "name_vi"], [list(v) for v in VSIC_DIVISIONS]),
        "lead_units": (["unit_code", "unit_name"], [list(u) for u in LEAD_UNITS]),
    }
