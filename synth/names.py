"""Vietnamese personal names, trade names, tax codes and citizen IDs."""

from __future__ import annotations

import random

from stdnum.vn import mst

SURNAMES = (
    ("Nguyễn", 30),
    ("Trần", 10),
    ("Lê", 12),
    ("Phạm", 5),
    ("Hoàng", 5),
    ("Võ", 6),
    ("Phan", 5),
    ("Đặng", 3),
    ("Bùi", 3),
    ("Đỗ", 3),
    ("Hồ", 5),
    ("Ngô", 2),
    ("Dương", 2),
    ("Lý", 1),
    ("Trương", 2),
    ("Đinh", 2),
    ("Lương", 1),
    ("Mai", 1),
    ("Hà", 1),
    ("Văn", 1),
)
MIDDLE_MALE = (
    "Văn",
    "Văn",
    "Văn",
    "Đức",
    "Hữu",
    "Minh",
    "Quang",
    "Thanh",
    "Công",
    "Xuân",
    "Ngọc",
    "Anh",
    "Đình",
    "Trọng",
)
MIDDLE_FEMALE = (
    "Thị",
    "Thị",
    "Thị",
    "Thị",
    "Ngọc",
    "Thu",
    "Thanh",
    "Kim",
    "Hồng",
    "Mỹ",
    "Phương",
    "Diệu",
)
GIVEN_MALE = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hùng",
    "Huy",
    "Khánh",
    "Lâm",
    "Long",
    "Lực",
    "Nam",
    "Nhân",
    "Phúc",
    "Quân",
    "Quý",
    "Sơn",
    "Tài",
    "Thắng",
    "Thành",
    "Thiện",
    "Tiến",
    "Toàn",
    "Trung",
    "Tuấn",
    "Tùng",
    "Việt",
    "Vinh",
)
GIVEN_FEMALE = (
    "Anh",
    "Châu",
    "Dung",
    "Duyên",
    "Giang",
    "Hà",
    "Hằng",
    "Hạnh",
    "Hiền",
    "Hoa",
    "Huệ",
    "Hương",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "Nga",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phương",
    "Quỳnh",
    "Tâm",
    "Thảo",
    "Thủy",
    "Trang",
    "Uyên",
    "Vân",
    "Yến",
)

# Trade names never start with a surname followed by a middle name, so a worker's full
# name can never appear inside a business name (the PII scan relies on that).
TRADE_NAMES = (
    "Thành Đạt",
    "Hưng Thịnh",
    "Phú Gia",
    "An Phát",
    "Tân Tiến",
    "Đại Phát",
    "Quang Minh",
    "Trường Sơn",
    "Bến Hải",
    "Hiền Lương",
    "Sao Mai",
    "Hải Đăng",
    "Thuận Phát",
    "Kim Ngân",
    "Phước Lộc",
    "Bảo An",
    "Tiến Thành",
    "Đông Á",
    "Nam Phong",
    "Thiên Phúc",
    "Việt Thắng",
    "Hòa Bình",
    "Tân Phú",
    "Gia Bảo",
    "Phú Thịnh",
    "Hợp Thành",
    "Đồng Tiến",
    "Minh Phát",
    "Thái Sơn",
    "Vạn Lợi",
    "Tường An",
    "Quốc Thái",
    "Thịnh Vượng",
    "Hồng Phát",
    "Sông Hiếu",
    "Trường Thịnh",
    "Bình Minh",
    "Cát Tường",
    "Phát Đạt",
    "An Khang",
    "Hoàn Mỹ",
    "Toàn Thắng",
    "Vĩnh Phát",
    "Đức Tín",
    "Kiến Tạo",
    "Rạng Đông",
    "Song Hà",
    "Tam Hợp",
    "Thái Bình Dương",
    "Ánh Dương",
    "Hải Phong",
    "Ngọc Lâm",
    "Quảng Thành",
    "Phong Phú",
    "Thanh Bình",
    "Hưng Long",
)
FOREIGN_TRADE = (
    "Sunrise",
    "Hanvico",
    "Daiwa",
    "Everwin",
    "Kyoto Tech",
    "Pacific Rim",
    "Evergreen",
    "Lotus Garment",
    "Shinwon",
    "Orient Wood",
)


def full_name(rng: random.Random, female: bool) -> str:
    """A Vietnamese full name (surname, middle name, given name), NFC."""
    names, weights = zip(*SURNAMES, strict=True)
    surname = rng.choices(names, weights=weights)[0]
    middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    if female and middle != "Thị" and rng.random() < 0.3:  # e.g. Nguyễn Thị Thu Hà
        middle = f"Thị {middle}"
    return f"{surname} {middle} {given}"


def make_tax_code(rng: random.Random, used: set[str], province: str = "32") -> str:
    """A new valid 10-digit tax code (mã số thuế) of the province."""
    while True:
        base = province + f"{rng.randrange(1, 10**7):07d}"
        check = mst.calc_check_digit(base)
        if len(check) != 1:  # remainder 0: no valid check digit exists
            continue
        code = base + check
        if code not in used:
            used.add(code)
            return code


def break_check_digit(code: str) -> str:
    """The same tax code with a wrong check digit (branch suffix kept)."""
    head, sep, branch = code.partition("-")
    for k in range(1, 10):
        bad = head[:9] + str((int(head[9]) + k) % 10)
        if not mst.is_valid(bad):
            return bad + sep + branch
    raise ValueError(code)


def make_citizen_id(rng: random.Random, used: set[str], birth_year: int, female: bool) -> str:
    """A 12-digit CCCD: birth-province code, sex/century digit, birth year, 6 digits."""
    province = rng.choices(("045", "044", "046", "001"), weights=(85, 7, 6, 2))[0]
    century = 0 if birth_year < 2000 else 2
    while True:
        cid = f"{province}{century + int(female)}{birth_year % 100:02d}{rng.randrange(10**6):06d}"
        if cid not in used:
            used.add(cid)
            return cid
