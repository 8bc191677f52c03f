"""OCOP ratings (Phòng NN&PTNT): one workbook per year of rated products."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time

from .enterprise_files import header
from .enterprises import Unit
from .formats import fmt_commune, fmt_date, nfc
from .names import make_tax_code
from .output import Output

SOURCE = "ocop_ratings"
FOLDER = "ocop"
GROUPS = (
    "Thực phẩm",
    "Đồ uống",
    "Thảo dược",
    "Thủ công mỹ nghệ",
    "Sinh vật cảnh",
    "Dịch vụ du lịch",
)
COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("product_code", "Mã sản phẩm", None),
    ("product_name", "Tên sản phẩm", None),
    ("producer_name", "Chủ thể", None),
    ("producer_tax_code", "Mã số thuế", None),
    ("commune", "Xã, thị trấn", None),
    ("product_group", "Nhóm sản phẩm", None),
    ("score", "Điểm", "thang điểm 100"),
    ("stars", "Số sao", None),
    ("level", "Cấp công nhận", None),
    ("decision_no", "Số quyết định", None),
    ("recognised_on", "Ngày công nhận", None),
)
BAD_RULES = {
    "stars": ("stars", "stars inconsistent with the score"),
    "score": ("score", "score above 100"),
    "group": ("product_group", "unknown product group"),
}

# product name, group, producer, producer kind (htx/cty have a tax code; ho/thn do not), commune
CATALOGUE: tuple[tuple[str, str, str, str, str], ...] = (
    ("Hồ tiêu Vĩnh Linh", "Thực phẩm", "HTX Nông nghiệp Vĩnh Hòa", "htx", "19396"),
    ("Nước mắm Cửa Tùng", "Thực phẩm", "Cơ sở nước mắm Hải Đăng", "ho", "19414"),
    ("Ruốc biển Cửa Tùng", "Thực phẩm", "Cơ sở chế biến hải sản Sao Mai", "ho", "19414"),
    (
        "Mực một nắng Vĩnh Thái",
        "Thực phẩm",
        "Tổ hợp tác chế biến hải sản Vĩnh Thái",
        "thn",
        "19369",
    ),
    ("Khoai deo Vĩnh Linh", "Thực phẩm", "HTX Dịch vụ nông nghiệp Vĩnh Tú", "htx", "19372"),
    ("Gạo hữu cơ Vĩnh Thủy", "Thực phẩm", "HTX Nông nghiệp Vĩnh Thủy", "htx", "19402"),
    ("Bột sắn dây Vĩnh Lâm", "Thực phẩm", "Cơ sở bột sắn dây Thuận Phát", "ho", "19405"),
    ("Tinh bột nghệ Vĩnh Khê", "Thảo dược", "Tổ hợp tác trồng nghệ Vĩnh Khê", "thn", "19393"),
    ("Mật ong rừng Vĩnh Ô", "Thực phẩm", "HTX Nông lâm nghiệp Vĩnh Ô", "htx", "19426"),
    ("Rượu gạo men lá Kim Thạch", "Đồ uống", "Cơ sở rượu Phước Lộc", "ho", "19384"),
    ("Trà thảo mộc Bến Hải", "Đồ uống", "Công ty TNHH Thảo mộc Bến Hải", "cty", "19366"),
    ("Cà phê hạt rang Vĩnh Hà", "Đồ uống", "HTX Nông nghiệp Vĩnh Hà", "htx", "19417"),
    ("Tinh dầu tràm Vĩnh Linh", "Thảo dược", "Công ty TNHH Tinh dầu Thiên Phúc", "cty", "19387"),
    ("Cao chè vằng Vĩnh Chấp", "Thảo dược", "Cơ sở chè vằng An Khang", "ho", "19375"),
    ("Trà túi lọc cà gai leo", "Thảo dược", "HTX Dược liệu Vĩnh Sơn", "htx", "19420"),
    ("Nón lá Vĩnh Giang", "Thủ công mỹ nghệ", "Tổ hợp tác làm nón lá Vĩnh Giang", "thn", "19423"),
    ("Chổi đót Trung Nam", "Thủ công mỹ nghệ", "Cơ sở chổi đót Hòa Bình", "ho", "19378"),
    ("Mây tre đan Hiền Thành", "Thủ công mỹ nghệ", "HTX Mây tre đan Hiền Thành", "htx", "19408"),
    ("Lan rừng Vĩnh Ô", "Sinh vật cảnh", "Vườn lan Ngọc Lâm", "ho", "19426"),
    (
        "Du lịch cộng đồng làng biển Cửa Tùng",
        "Dịch vụ du lịch",
        "HTX Du lịch cộng đồng Cửa Tùng",
        "htx",
        "19414",
    ),
    (
        "Nước uống đóng chai Hiền Lương",
        "Đồ uống",
        "Công ty CP Nước uống Hiền Lương",
        "cty",
        "19363",
    ),
    ("Cá cơm khô Vĩnh Thái", "Thực phẩm", "Cơ sở hải sản khô Hải Phong", "ho", "19369"),
    ("Bánh bột lọc Hồ Xá", "Thực phẩm", "Cơ sở bánh Minh Phát", "ho", "19363"),
    ("Nấm linh chi Vĩnh Linh", "Thảo dược", "Công ty TNHH Nấm Quang Minh", "cty", "19387"),
)

MAX_SCALE = 1.2  # the largest scale whose ratings the catalogue can supply


def stars_of(score: int) -> int:
    """docs/domain.md#ocop: 90–100 → 5, 70–89 → 4, 50–69 → 3, 30–49 → 2, under 30 → 1."""
    return 5 if score >= 90 else 4 if score >= 70 else 3 if score >= 50 else 2 if score >= 30 else 1


@dataclass
class Product:
    """A product of the catalogue with its stable code and its producer's tax code."""

    code: str
    name: str
    group: str
    producer: str
    tax_code: str | None
    commune_code: str


@dataclass
class Rating:
    """One rating of one product by one decision."""

    product: Product
    score: int
    stars: int
    level: str
    decision_no: str
    recognised_on: date
    note: str = ""
    bad: str | None = None


def _products(rng: random.Random, prefix: str = "VL") -> list[Product]:
    used: set[str] = set()
    out = []
    for i, (name, group, producer, kind, commune) in enumerate(CATALOGUE):
        tax = make_tax_code(rng, used) if kind in ("htx", "cty") else None
        out.append(Product(f"{prefix}-OCOP-{i + 1:03d}", name, group, producer, tax, commune))
    rng.shuffle(out)
    return out


def _score(rng: random.Random, stars: int) -> int:
    return {2: rng.randint(38, 49), 3: rng.randint(52, 69), 4: rng.randint(70, 84)}[stars]


def build_ratings(
    rng: random.Random, scale: float, prefix: str = "VL"
) -> tuple[list[Rating], list[Product]]:
    """2021 and 2022 ratings. District councils certify 3 stars (Huyện), the province 4 stars
    (Tỉnh); a product under 50 points is rated 2 stars and not certified. In 2022 one product
    is certified twice (3★ by the district, then 4★ by the province) and some 2021 products
    are re-rated to 4★; three bad rows, each breaking one rule. Also returns the products
    never rated (2023 draws from them)."""
    pool = _products(rng, prefix)
    numbers: set[str] = set()

    def decision(day: date, provincial: bool) -> str:
        base = day.timetuple().tm_yday * (9 if provincial else 4)
        while True:
            no = f"{base + rng.randint(0, 30)}/QĐ-UBND"
            if no not in numbers:
                numbers.add(no)
                return no

    out: list[Rating] = []

    def rate(p: Product, stars: int, day: date, dec: str, note: str = "") -> Rating:
        r = Rating(p, _score(rng, stars), stars, "Tỉnh" if stars == 4 else "Huyện", dec, day, note)
        out.append(r)
        return r

    # 2021: one district batch in the summer, one in November, one provincial decision
    n21 = max(5, round(9 * scale))
    d21 = [date(2021, rng.randint(6, 7), rng.randint(1, 28)), date(2021, 11, rng.randint(2, 26))]
    p21 = date(2021, 12, rng.randint(1, 20))
    dec21 = {d: decision(d, False) for d in d21}
    dec21[p21] = decision(p21, True)
    rated21 = [pool.pop() for _ in range(n21)]
    for i, p in enumerate(rated21):
        stars = 4 if i == 0 else 2 if i == n21 - 1 else 3
        day = p21 if stars == 4 else d21[i % 2]
        rate(p, stars, day, dec21[day])
    # 2022: two district batches, two provincial decisions
    n22 = max(3, round(5 * scale))
    d22 = [
        date(2022, rng.randint(5, 6), rng.randint(1, 28)),
        date(2022, rng.randint(8, 9), rng.randint(1, 28)),
    ]
    p22 = [date(2022, rng.randint(9, 10), rng.randint(1, 28)), date(2022, 12, rng.randint(1, 15))]
    dec22 = {d: decision(d, False) for d in d22} | {d: decision(d, True) for d in p22}
    new22 = [pool.pop() for _ in range(n22)]
    for i, p in enumerate(new22):
        if i == 0:  # certified twice in 2022: counted once
            rate(p, 3, d22[0], dec22[d22[0]])
            rate(p, 4, p22[1], dec22[p22[1]], "Nâng hạng từ 3 sao")
        elif i == n22 - 1:
            rate(p, 2, d22[1], dec22[d22[1]], "Chưa đạt, hoàn thiện hồ sơ đánh giá lại")
        elif i % 3 == 2:
            rate(p, 4, p22[i % 2], dec22[p22[i % 2]])
        else:
            rate(p, 3, d22[i % 2], dec22[d22[i % 2]])
    upgraded = [p for p, r in zip(rated21, out, strict=False) if r.stars == 3][
        : max(1, round(scale))
    ]
    for p in upgraded:  # rated 3★ in 2021, re-rated 4★ by the province in 2022
        rate(p, 4, p22[0], dec22[p22[0]], "Nâng hạng từ 3 sao")
    seafood = ("mắm", "Mực", "Ruốc", "Cá cơm")
    for rule in BAD_RULES:
        fish = [q for q in pool if any(w in q.name for w in seafood)]
        p = fish[0] if rule == "group" and fish else pool[-1]
        pool.remove(p)
        if rule == "stars":  # 3-star score, 4 stars typed
            r = rate(p, 3, d22[1], dec22[d22[1]])
            r.stars = 4
        elif rule == "score":  # 105 points typed
            r = rate(p, 4, p22[1], dec22[p22[1]])
            r.score, r.stars = 105, 5
        else:  # a group that is not one of the six
            r = rate(p, 3, d22[0], dec22[d22[0]])
            r.product = Product(
                p.code,
                p.name,
                "Thủy sản" if fish else "Nông sản",
                p.producer,
                p.tax_code,
                p.commune_code,
            )
        r.bad = rule
    return out, pool


# The producer that never sends an industrial report although it has a valid tax code:
# the finding 'ocop_producer_not_in_register' the reconciliation must raise.
PLANTED_PRODUCT = "Tinh dầu tràm Vĩnh Linh"
# Producers with a tax code are register units of a fitting activity (VSIC, preferred first)
VSIC_HINTS = {
    "Hồ tiêu Vĩnh Linh": ("1079", "1061"),
    "Khoai deo Vĩnh Linh": ("1074", "1079", "1061"),
    "Gạo hữu cơ Vĩnh Thủy": ("1061", "1074"),
    "Mật ong rừng Vĩnh Ô": ("1079",),
    "Trà thảo mộc Bến Hải": ("1104", "1079"),
    "Cà phê hạt rang Vĩnh Hà": ("1079", "1061"),
    "Trà túi lọc cà gai leo": ("1079", "1104"),
    "Mây tre đan Hiền Thành": ("3290", "3100"),
    "Du lịch cộng đồng làng biển Cửa Tùng": ("1020", "1079"),
    "Nước uống đóng chai Hiền Lương": ("1104",),
    "Nấm linh chi Vĩnh Linh": ("1079", "1020"),
}


def link_producers(products: list[Product], units: list[Unit]) -> None:
    """Give each producer with a tax code (a cooperative or a company) the identity of an
    industrial reporting unit that reported by 2022 and still reports: its tax code, name and
    commune. Preferred: an activity of VSIC_HINTS, else food, drinks, furniture or other
    manufacturing (divisions 10, 11, 31, 32), else any; then local (not FDI/state-owned),
    the same commune, cooperative ↔ HTX, the order of the hints. The planted producer keeps its own
    (valid) tax code and never appears in the register."""
    used: set[str] = set()
    register = [
        u
        for u in units
        if u.industrial
        and u.first <= 12
        and u.last >= 23
        and u.ownership not in ("Hộ cá thể", "FDI")
        and "-" not in u.tax_code
    ]
    by_code: dict[str, list[Product]] = {}
    for prod in products:
        by_code.setdefault(prod.code, []).append(prod)
    for code in sorted(by_code):
        first = by_code[code][0]
        if first.tax_code is None or first.name == PLANTED_PRODUCT:
            continue
        hints = VSIC_HINTS.get(first.name, ())
        coop = first.producer.startswith("HTX")

        def rank(
            u: Unit,
            hints: tuple[str, ...] = hints,
            coop: bool = coop,
            commune: str = first.commune_code,
        ) -> tuple:
            vsic = u.vsic_code[:4]
            tier = 0 if vsic in hints else 1 if vsic[:2] in ("10", "11", "31", "32") else 2
            return (
                tier,
                u.ownership in ("FDI", "DNNN"),
                u.commune_code != commune,
                (u.ownership == "HTX") != coop,
                hints.index(vsic) if tier == 0 else 0,
                u.tax_code,
            )

        candidates = sorted((u for u in register if u.tax_code not in used), key=rank)
        if not candidates:
            continue
        unit = candidates[0]
        used.add(unit.tax_code)
        for prod in by_code[code]:
            prod.producer, prod.tax_code, prod.commune_code = (
                unit.name,
                unit.tax_code,
                unit.commune_code,
            )


def build_ratings_2023(
    rng: random.Random, ratings: list[Rating], pool: list[Product], scale: float
) -> list[Rating]:
    """The first 2023 round: a district batch in May (3★) and a provincial decision in June
    re-rating a 2022 3★ product to 4★. The planted producer's product is among the new ones
    unless it already holds a valid rating."""
    numbers = {r.decision_no for r in ratings}

    def decision(day: date, provincial: bool) -> str:
        base = day.timetuple().tm_yday * (9 if provincial else 4)
        while True:
            no = f"{base + rng.randint(0, 30)}/QĐ-UBND"
            if no not in numbers:
                numbers.add(no)
                return no

    district = date(2023, 5, rng.randint(5, 25))
    provincial = date(2023, 6, rng.randint(5, 26))
    dec_d, dec_p = decision(district, False), decision(provincial, True)
    rated = {r.product.name for r in ratings if not r.bad}
    new = [pool.pop() for _ in range(min(len(pool), max(2, round(3 * scale))))]
    planted: list[Product] = []
    if PLANTED_PRODUCT not in rated and all(q.name != PLANTED_PRODUCT for q in new):
        # still in the pool, or its only rating so far was a bad row
        planted = [q for q in pool + [r.product for r in ratings] if q.name == PLANTED_PRODUCT][:1]
        if planted and planted[0] in pool:
            pool.remove(planted[0])
    out = [Rating(q, _score(rng, 3), 3, "Huyện", dec_d, district) for q in new + planted]
    upgradable = sorted(
        {
            r.product.code: r.product
            for r in ratings
            if not r.bad
            and r.stars == 3
            and r.recognised_on.year == 2022
            and not any(x.product.code == r.product.code and x.stars == 4 for x in ratings)
        }.values(),
        key=lambda q: q.code,
    )
    for q in upgradable[:1]:
        out.append(Rating(q, _score(rng, 4), 4, "Tỉnh", dec_p, provincial, "Nâng hạng từ 3 sao"))
    return out


def write_ocop(
    out: Output,
    rng: random.Random,
    scale: float,
    units: list[Unit],
    rng23: random.Random,
    prefix: str = "VL",
) -> None:
    """ocop/ocop_2021.xlsx (title block, STT, canonical headers, date cells) and
    ocop/ocop_2022.xlsx (headers without diacritics, columns reordered, no STT, some dates
    typed as text, an extra 'Ghi chú' column); ocop/ocop_2023_dot_1.xlsx (the first half of
    2023, same layout as 2022, from rng23). Producers with a tax code are units of the
    enterprise-report register, except the planted one (PLANTED_PRODUCT)."""
    # The catalogue holds the district's 24 products: OCOP does not grow beyond the scale
    # that uses them all (at most scale 1.2 draws it exactly as before).
    scale = min(scale, MAX_SCALE)
    ratings, pool = build_ratings(rng, scale, prefix)
    link_producers([r.product for r in ratings] + pool, units)
    ratings += build_ratings_2023(rng23, ratings, pool, scale)
    effective: dict[tuple[str, str], dict] = {}
    for year in (2021, 2022, 2023):
        if year == 2023:
            rng = rng23
        rows = sorted(
            (r for r in ratings if r.recognised_on.year == year),
            key=lambda r: (r.recognised_on, r.product.code),
        )
        rel = f"{FOLDER}/ocop_{year}.xlsx" if year < 2023 else f"{FOLDER}/ocop_2023_dot_1.xlsx"
        if year == 2021:
            title = [
                ["UBND HUYỆN VĨNH LINH"],
                ["PHÒNG NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN"],
                ["DANH SÁCH SẢN PHẨM ĐÁNH GIÁ, PHÂN HẠNG OCOP NĂM 2021"],
                [],
            ]
            cols = list(COLUMNS)
            head = ["STT"] + [header(c, n, u, "xlsx") for c, n, u in cols]
        else:
            title = [
                [
                    "KẾT QUẢ ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP HUYỆN VĨNH LINH NĂM 2022"
                    if year == 2022
                    else "KẾT QUẢ ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP HUYỆN "
                    "VĨNH LINH 6 THÁNG ĐẦU NĂM 2023 (ĐỢT 1)"
                ],
                ["(Kèm theo báo cáo của Phòng Nông nghiệp và PTNT)"],
            ]
            order = (
                "product_code",
                "product_name",
                "product_group",
                "producer_name",
                "producer_tax_code",
                "commune",
                "score",
                "stars",
                "level",
                "decision_no",
                "recognised_on",
            )
            cols = [next(c for c in COLUMNS if c[0] == k) for k in order]
            head = [header(c, n, u, "ascii") for c, n, u in cols] + ["Ghi chú"]
        table: list[list] = [*title, head]
        text_dates = (
            set(rng.sample(range(len(rows)), min(3 if year == 2022 else 1, len(rows))))
            if year > 2021
            else set()
        )
        for i, r in enumerate(rows):
            p = r.product
            commune = fmt_commune(
                p.commune_code, rng.choice(("full", "full", "bare", "abbr", "code"))
            )
            rec = {
                "product_code": p.code,
                "product_name": p.name,
                "producer_name": p.producer,
                "producer_tax_code": p.tax_code,
                "commune": commune,
                "product_group": p.group,
                "score": r.score,
                "stars": r.stars,
                "level": r.level,
                "decision_no": r.decision_no,
                "recognised_on": r.recognised_on,
            }
            cells: list = [
                rec[c]
                if c != "recognised_on" or i not in text_dates
                else fmt_date(r.recognised_on, "dmy")
                for c, _, _ in cols
            ]
            table.append([i + 1] + cells if year == 2021 else cells + [r.note or None])
            row_number = len(table)
            if r.bad:
                column, text = BAD_RULES[r.bad]
                out.bad(SOURCE, rel, row_number, column, text)
                continue
            rec.update(
                product_name=nfc(p.name),
                producer_name=nfc(p.producer),
                commune=nfc(commune),
                commune_code=p.commune_code,
                file=rel,
                row_number=row_number,
            )
            effective[p.code, r.decision_no] = rec
        arrived = datetime.combine(
            date(year + 1, 1, 9 + rng.randint(0, 5))
            if year < 2023
            else date(2023, 7, 5 + rng.randint(0, 5)),
            time(15, rng.randint(0, 59), 11),
        )
        quirks = (
            "title block 4 rows, STT, multi-line header 'Điểm (thang điểm 100)', tax code "
            "blank for households and cooperative groups, one 2-star (not certified) "
            "product, date cells"
            if year == 2021
            else "title block 2 rows, headers without diacritics, columns reordered, no STT, "
            "extra column 'Ghi chú', three dates typed as text, one product certified "
            "twice (3★ district then 4★ province), 2021 products re-rated 4★, 3 bad rows"
            if year == 2022
            else "first round of 2023 (partial year), same layout as 2022: headers without "
            "diacritics, columns reordered, no STT, 'Ghi chú', one date typed as text"
        )
        out.xlsx(
            rel,
            SOURCE,
            [(f"OCOP {year}", table, len(title))],
            mtime=arrived,
            data_rows=len(rows),
            quirks=quirks,
        )
    out.truth.ocop_ratings = sorted(
        effective.values(), key=lambda r: (r["recognised_on"], r["product_code"])
    )
