"""Khuyến công (industrial promotion) schemes and the promotion centre's yearly workbooks."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from .enterprises import ACTIVITIES, FINAL, Unit
from .formats import fmt_commune, fmt_date, fmt_number, nfc
from .names import break_check_digit
from .output import Output

SOURCE = "khuyen_cong"
CAP_VND = 300_000_000  # TT 28/2018 Art. 8.4: machinery support per facility
MACHINERY = "Máy móc thiết bị"
LABELS = {a[0]: a[1] for a in ACTIVITIES}
COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("decision_no", "Số quyết định", None),
    ("decision_date", "Ngày quyết định", None),
    ("scheme_name", "Tên đề án", None),
    ("beneficiary_name", "Đơn vị thụ hưởng", None),
    ("beneficiary_tax_code", "Mã số thuế", None),
    ("commune", "Xã, thị trấn", None),
    ("fund_source", "Nguồn kinh phí", None),
    ("support_type", "Nội dung hỗ trợ", None),
    ("scheme_cost", "Tổng kinh phí đề án", "đồng"),
    ("approved_amount", "Kinh phí được duyệt", "đồng"),
    ("disbursed_amount", "Kinh phí đã giải ngân", "đồng"),
    ("disbursement_date", "Ngày giải ngân", None),
)
MONEY = ("scheme_cost", "approved_amount", "disbursed_amount")
BAD_RULES = {
    "disbursed_gt": ("disbursed_amount", "disbursed more than approved"),
    "date_before": ("disbursement_date", "disbursement date before decision date"),
    "tax_check": ("beneficiary_tax_code", "invalid tax-code check digit"),
}


@dataclass
class Scheme:
    """One scheme for one beneficiary, as known at the end of a year."""

    decision_no: str
    decision_date: date
    scheme_name: str
    unit: Unit
    fund: str
    support: str
    cost: int
    approved: int
    disbursed: int
    paid_on: date | None
    year_file: int
    bad: str | None = None

    @property
    def over_cap(self) -> bool:
        """Machinery support above 300 million VND or above 50 % of the cost."""
        return self.support == MACHINERY and (
            self.approved > CAP_VND or self.approved * 2 > self.cost
        )


def _name(support: str, unit: Unit, year: int) -> str:
    label = LABELS.get(unit.vsic_code[:4], "sản xuất công nghiệp nông thôn").lower()
    return {
        MACHINERY: f"Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong {label}",
        "Mô hình trình diễn": f"Xây dựng mô hình trình diễn kỹ thuật {label}",
        "Đào tạo nghề": f"Đào tạo nghề, truyền nghề {label}",
        "Hội chợ triển lãm": "Hỗ trợ tham gia hội chợ triển lãm hàng công nghiệp nông thôn",
        "Sản phẩm CNNT tiêu biểu": f"Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu năm {year}",
        "Sản xuất sạch hơn": f"Tư vấn áp dụng sản xuất sạch hơn trong {label}",
        "Thông tin tuyên truyền": "Xây dựng trang thông tin điện tử, bán hàng trực tuyến",
    }.get(support, f"Hỗ trợ khác cho {label}")


def _split(rng: random.Random, total: float, n: int, step: int = 500_000) -> list[int]:
    weights = [rng.uniform(0.6, 1.4) for _ in range(n)]
    parts = [max(step, round(total * w / sum(weights) / step) * step) for w in weights]
    parts[-1] = max(step, parts[-1] + round((total - sum(parts)) / step) * step)
    return parts


def _free_window(base: int, suffix: str, numbers: set[str]) -> int:
    """The first window of ten decision numbers from ``base`` with one still free: the day's
    own window whenever it has room (so smaller scales draw exactly as before), else the next
    ones (large scales issue more decisions a day than ten numbers)."""
    while all(f"{base + k}/QĐ-{suffix}" in numbers for k in range(10)):
        base += 10
    return base


def build_schemes(
    rng: random.Random, units: list[Unit], extra: list[Unit], scale: float
) -> list[Scheme]:
    """2021 and 2022 schemes; 2022: ~6 provincial ≈ 0.5 bn, ~13 district ≈ 0.365 bn, no
    national money paid; one 2021 decision paid in January 2022 (carried over)."""
    pool21 = [u for u in units if u.first <= 6 and u.last >= 11] + extra
    pool22 = [u for u in units if u.last >= 20 and u.first <= 18] + extra
    rng.shuffle(pool21)
    rng.shuffle(pool22)
    numbers: set[str] = set()

    per_day = {"UBND": 8.0, "SCT": 3.5, "BCT": 11.0}

    def decision(suffix: str, day: date) -> str:
        """Decision numbers grow through the year, at the issuer's pace."""
        base = _free_window(int(day.timetuple().tm_yday * per_day[suffix]), suffix, numbers)
        while True:
            no = f"{base + rng.randint(0, 9)}/QĐ-{suffix}"
            if no not in numbers:
                numbers.add(no)
                return no

    out: list[Scheme] = []

    def add(
        year: int,
        fund: str,
        support: str,
        approved: int,
        unit: Unit,
        dec: str,
        dec_date: date,
        paid: bool,
        over_cap: bool = False,
    ) -> Scheme:
        if support == MACHINERY:
            cost = math.ceil(approved / rng.uniform(0.36, 0.5) / 1e6) * 1_000_000
        else:
            cost = math.ceil(approved / rng.uniform(0.5, 1.0) / 1e5) * 100_000
        if over_cap:
            cost = math.ceil(approved * 2.1 / 1e6) * 1_000_000
        disbursed = (
            approved
            if rng.random() < 0.8
            else round(approved * rng.uniform(0.8, 0.95) / 1e5) * 100_000
        )
        paid_on = None
        if paid:
            paid_on = min(dec_date + timedelta(days=rng.randint(25, 120)), date(year, 12, 28))
        s = Scheme(
            dec,
            dec_date,
            _name(support, unit, year),
            unit,
            fund,
            support,
            cost,
            approved,
            disbursed if paid else 0,
            paid_on,
            year,
        )
        out.append(s)
        return s

    def batch(
        year: int,
        fund: str,
        suffix: str,
        amounts: list[int],
        pool: list[Unit],
        supports: tuple[str, ...],
        paid: bool = True,
    ) -> list[Scheme]:
        made, per_decision = [], 1 if fund == "Quốc gia" else rng.randint(3, 5)
        for i, amount in enumerate(amounts):
            if i % per_decision == 0:
                dec_date = date(year, rng.randint(3, 9), rng.randint(1, 28))
                dec = decision(suffix, dec_date)
            made.append(
                add(year, fund, rng.choice(supports), amount, pool.pop(), dec, dec_date, paid)
            )
        return made

    # 2021: national (one over the machinery cap), provincial, district, one carried over
    n_nat = max(1, round(2 * scale))
    for i in range(n_nat):
        dec_date = date(2021, rng.randint(4, 8), rng.randint(1, 28))
        amount = rng.randint(320, 360) * 1_000_000 if i == 0 else rng.randint(180, 280) * 10**6
        add(
            2021,
            "Quốc gia",
            MACHINERY,
            amount,
            pool21.pop(),
            decision("BCT", dec_date),
            dec_date,
            True,
            over_cap=i == 0,
        )
    batch(
        2021,
        "Tỉnh",
        "SCT",
        [rng.randint(55, 110) * 10**6 for _ in range(max(1, round(5 * scale)))],
        pool21,
        (MACHINERY, MACHINERY, "Mô hình trình diễn", "Sản xuất sạch hơn"),
    )
    batch(
        2021,
        "Huyện",
        "UBND",
        [rng.randint(40, 70) * 500_000 for _ in range(max(1, round(9 * scale)))],
        pool21,
        (MACHINERY, "Đào tạo nghề", "Hội chợ triển lãm", "Thông tin tuyên truyền", "Khác"),
    )
    carried = []
    n_carry = max(1, round(scale))
    dec_date = date(2021, 12, rng.randint(10, 22))
    dec = decision("UBND", dec_date)
    for _ in range(n_carry):
        carried.append(
            add(
                2021,
                "Huyện",
                MACHINERY,
                rng.randint(50, 70) * 500_000,
                pool21.pop(),
                dec,
                dec_date,
                False,
            )
        )

    # 2022 (the carried-over facilities get nothing new, so ~19 distinct beneficiaries)
    carried_units = {id(c.unit) for c in carried}
    pool22 = [u for u in pool22 if id(u) not in carried_units]
    n_prov, n_dist = max(1, round(6 * scale)), max(2, round(14 * scale))
    prov = batch(
        2022,
        "Tỉnh",
        "SCT",
        _split(rng, rng.uniform(0.49e9, 0.52e9) * scale, n_prov),
        pool22,
        (MACHINERY, MACHINERY, "Mô hình trình diễn", "Sản xuất sạch hơn"),
    )
    district_total = rng.uniform(0.355e9, 0.372e9) * scale
    amounts = _split(rng, district_total - sum(c.approved for c in carried), n_dist - n_carry)
    dist = batch(
        2022,
        "Huyện",
        "UBND",
        amounts,
        pool22,
        (
            MACHINERY,
            "Đào tạo nghề",
            "Hội chợ triển lãm",
            "Sản phẩm CNNT tiêu biểu",
            "Thông tin tuyên truyền",
        ),
    )
    dist[-1].unit = prov[0].unit  # one facility gets provincial and district support
    dist[-1].scheme_name = _name(dist[-1].support, dist[-1].unit, 2022)
    for c in carried:  # paid in January 2022, repeated in the 2022 file
        paid = replace(
            c, disbursed=c.approved, paid_on=date(2022, 1, rng.randint(12, 26)), year_file=2022
        )
        out.append(paid)
    # approved late in 2022, nothing paid yet (one of them national)
    pending = max(1, round(2 * scale))
    for i in range(pending):
        fund, suffix = ("Quốc gia", "BCT") if i == 0 else ("Huyện", "UBND")
        dec_date = date(2022, rng.randint(11, 12), rng.randint(1, 15))
        add(
            2022,
            fund,
            MACHINERY if i == 0 else "Đào tạo nghề",
            rng.randint(150, 250) * 10**6 if i == 0 else rng.randint(40, 60) * 500_000,
            pool22.pop(),
            decision(suffix, dec_date),
            dec_date,
            False,
        )
    # bad rows: each breaks one rule
    n_bad = max(len(BAD_RULES), round(0.01 * len(out)))
    for i in range(n_bad):
        rule = tuple(BAD_RULES)[i % len(BAD_RULES)]
        year = 2021 if rule == "tax_check" else 2022
        dec_date = date(year, rng.randint(3, 8), rng.randint(1, 28))
        s = add(
            year,
            "Huyện",
            "Đào tạo nghề",
            rng.randint(40, 60) * 500_000,
            pool21.pop() if year == 2021 else pool22.pop(),
            decision("UBND", dec_date),
            dec_date,
            True,
        )
        s.bad = rule
        if rule == "disbursed_gt":
            s.disbursed = s.approved + rng.randint(2, 10) * 1_000_000
            s.cost = max(s.cost, s.disbursed + 1_000_000)
        elif rule == "date_before":
            s.paid_on = s.decision_date - timedelta(days=rng.randint(5, 40))
    return out


def build_schemes_2023(
    rng: random.Random,
    schemes: list[Scheme],
    units: list[Unit],
    households: list[Unit],
    scale: float,
) -> list[Scheme]:
    """January–June 2023 (the 2023 file): the decisions of late 2022 paid in February–March
    (one of them national), a provincial and a district batch decided in February–May and
    paid 25–90 days later when that is before 30/06/2023 (else approved, nothing paid), and
    two household establishments that never report among the district beneficiaries."""
    numbers = {s.decision_no for s in schemes}
    out: list[Scheme] = []
    for s in schemes:
        if (
            s.year_file == 2022
            and s.paid_on is None
            and not s.bad
            and s.decision_date >= date(2022, 11, 1)
        ):
            out.append(
                replace(
                    s,
                    disbursed=s.approved,
                    year_file=2023,
                    paid_on=date(2023, rng.randint(2, 3), rng.randint(1, 28)),
                )
            )
    supported = {s.unit.tax_code for s in schemes if s.decision_date.year == 2022}
    pool = [
        u
        for u in units
        if u.industrial
        and u.first <= 26
        and u.last == FINAL
        and u.tax_code not in supported
        and "-" not in u.tax_code
    ]
    rng.shuffle(pool)
    per_day = {"UBND": 8.0, "SCT": 3.5}

    def decision(suffix: str, day: date) -> str:
        base = _free_window(int(day.timetuple().tm_yday * per_day[suffix]), suffix, numbers)
        while True:
            no = f"{base + rng.randint(0, 9)}/QĐ-{suffix}"
            if no not in numbers:
                numbers.add(no)
                return no

    def scheme(
        fund: str,
        suffix: str,
        supports: tuple[str, ...],
        approved: int,
        unit: Unit,
        dec: str,
        dec_date: date,
    ) -> None:
        support = rng.choice(supports)
        share = rng.uniform(0.36, 0.5) if support == MACHINERY else rng.uniform(0.5, 1.0)
        step = 1_000_000 if support == MACHINERY else 100_000
        cost = math.ceil(approved / share / step) * step
        paid_on = dec_date + timedelta(days=rng.randint(40, 150))
        paid = paid_on <= date(2023, 6, 28)
        disbursed = (
            approved
            if rng.random() < 0.8
            else round(approved * rng.uniform(0.8, 0.95) / 1e5) * 100_000
        )
        out.append(
            Scheme(
                dec,
                dec_date,
                _name(support, unit, 2023),
                unit,
                fund,
                support,
                cost,
                approved,
                disbursed if paid else 0,
                paid_on if paid else None,
                2023,
            )
        )

    n_prov, n_dist = max(1, round(3 * scale)), max(2, round(6 * scale))
    dec_date = date(2023, rng.randint(2, 4), rng.randint(1, 28))
    dec = decision("SCT", dec_date)
    for _ in range(min(n_prov, len(pool))):
        scheme(
            "Tỉnh",
            "SCT",
            (MACHINERY, MACHINERY, "Mô hình trình diễn"),
            rng.randint(60, 110) * 10**6,
            pool.pop(),
            dec,
            dec_date,
        )
    beneficiaries = [pool.pop() for _ in range(min(n_dist, len(pool)))] + households[:2]
    for i, unit in enumerate(beneficiaries):
        if i % 3 == 0:
            dec_date = date(2023, rng.randint(2, 5), rng.randint(1, 28))
            dec = decision("UBND", dec_date)
        scheme(
            "Huyện",
            "UBND",
            (MACHINERY, "Đào tạo nghề", "Hội chợ triển lãm", "Thông tin tuyên truyền"),
            rng.randint(40, 70) * 500_000,
            unit,
            dec,
            dec_date,
        )
    return out


def write_khuyen_cong(
    out: Output, rng: random.Random, schemes: list[Scheme], rng23: random.Random
) -> None:
    """One workbook per year (2023: the first half, from rng23); later file wins per
    (decision_no, beneficiary_tax_code)."""
    effective: dict[tuple[str, str], dict] = {}
    for year in (2021, 2022, 2023):
        if year == 2023:
            rng = rng23
        rows = sorted(
            (s for s in schemes if s.year_file == year),
            key=lambda s: (s.decision_date, s.decision_no, s.unit.tax_code),
        )
        rel = (
            f"{SOURCE}/khuyen_cong_{year}.xlsx"
            if year < 2023
            else f"{SOURCE}/khuyen_cong_2023_6_thang.xlsx"
        )
        span = f"NĂM {year}" if year < 2023 else "6 THÁNG ĐẦU NĂM 2023 (ĐẾN 30/6/2023)"
        title = [
            ["TRUNG TÂM PHÁT TRIỂN CỤM CÔNG NGHIỆP, KHUYẾN CÔNG VÀ DỊCH VỤ DU LỊCH BIỂN"],
            [f"DANH SÁCH ĐỀ ÁN KHUYẾN CÔNG ĐƯỢC PHÊ DUYỆT VÀ GIẢI NGÂN {span}"],
            ["Đơn vị tính: đồng"],
        ]
        table: list[list] = [*title, ["STT"] + [f"{n}\n({u})" if u else n for _, n, u in COLUMNS]]
        sums = dict.fromkeys(MONEY, 0)
        text_rows = set(rng.sample(range(len(rows)), min(2, len(rows)))) if year >= 2022 else set()
        for i, s in enumerate(rows):
            tax = break_check_digit(s.unit.tax_code) if s.bad == "tax_check" else s.unit.tax_code
            commune = fmt_commune(s.unit.commune_code, rng.choice(("full", "bare", "abbr")))
            rec = {
                "decision_no": s.decision_no,
                "decision_date": s.decision_date,
                "scheme_name": s.scheme_name,
                "beneficiary_name": s.unit.name,
                "beneficiary_tax_code": tax,
                "commune": commune,
                "fund_source": s.fund,
                "support_type": s.support,
                "scheme_cost": s.cost,
                "approved_amount": s.approved,
                "disbursed_amount": s.disbursed,
                "disbursement_date": s.paid_on,
            }
            cells: list = [i + 1] + [rec[c] for c, _, _ in COLUMNS]
            if i in text_rows:  # amounts typed as text with thousands dots
                for c in MONEY:
                    pos = 1 + [x[0] for x in COLUMNS].index(c)
                    cells[pos] = fmt_number(rec[c], "vn", 0)
            if year == 2021 and i % 7 == 3:  # a decision date typed as text
                cells[2] = fmt_date(s.decision_date, "d/m/y")
            for c in MONEY:
                sums[c] += rec[c]
            table.append(cells)
            row_number = len(table)
            if s.bad:
                column, text = BAD_RULES[s.bad]
                out.bad(SOURCE, rel, row_number, column, text)
                continue
            rec.update(
                beneficiary_name=nfc(s.unit.name),
                commune=nfc(commune),
                commune_code=s.unit.commune_code,
                scheme_cost=float(s.cost),
                approved_amount=float(s.approved),
                disbursed_amount=float(s.disbursed),
                over_cap=s.over_cap,
                file=rel,
                row_number=row_number,
            )
            effective[s.decision_no, tax] = rec
        total: list = [None, "Cộng"] + [None] * (len(COLUMNS) - 1)
        for c in MONEY:
            total[1 + [x[0] for x in COLUMNS].index(c)] = sums[c]
        table.append(total)
        arrived = (
            datetime(year + 1, 1, 6 + rng.randint(0, 4), 10, rng.randint(0, 59))
            if year < 2023
            else datetime(2023, 7, 6 + rng.randint(0, 4), 10, rng.randint(0, 59))
        )
        quirks = (
            "title block 3 rows, STT, 'Cộng' total row, amounts in VND, a decision shared "
            "by several beneficiaries, approved-not-disbursed rows (0, blank date)"
        )
        quirks += (
            ", one decision of 12/2021 repeated with its January 2022 disbursement, "
            "two rows with amounts typed as text '150.000.000'"
            if year == 2022
            else ", one national machinery scheme over the legal cap, some decision dates "
            "typed as text"
            if year == 2021
            else ", first half of 2023 only, decisions of late 2022 repeated with their 2023 "
            "disbursement, two household beneficiaries that never report, two rows with "
            "amounts typed as text"
        )
        out.xlsx(
            rel,
            SOURCE,
            [(f"Nam {year}", table, len(title))],
            mtime=arrived,
            data_rows=len(rows),
            quirks=quirks,
        )
    out.truth.khuyen_cong = list(effective.values())
