"""Reporting units and their monthly enterprise reports (clean values, before writing)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from .names import FOREIGN_TRADE, TRADE_NAMES, make_tax_code
from .reference import COMMUNE_BY_CODE, COMMUNES

N_MONTHS = 24  # the base span 01/2021–12/2022, drawn from the main random stream
FINAL = 29  # 06/2023: the last month of the partial 2023 data (its own stream)
MONTHS = [date(2021 + i // 12, i % 12 + 1, 1) for i in range(FINAL + 1)]


def month_index(p: date) -> int:
    """0 for 01/2021 … 23 for 12/2022 … 29 for 06/2023."""
    return (p.year - 2021) * 12 + p.month - 1


def next_month(p: date) -> date:
    """First day of the following month."""
    return date(p.year + p.month // 12, p.month % 12 + 1, 1)


# vsic (4 digits), label, size multiplier, labour productivity (million VND/worker/month),
# may be supporting industry, may be a household establishment
ACTIVITIES: tuple[tuple[str, str, float, float, bool, bool], ...] = (
    ("1610", "Chế biến gỗ", 1.6, 28, False, False),
    ("1621", "Sản xuất ván ép", 2.0, 30, False, False),
    ("3100", "Mộc dân dụng", 0.5, 18, False, True),
    ("2219", "Chế biến cao su", 2.2, 35, False, False),
    ("1020", "Chế biến thủy hải sản", 1.2, 25, False, True),
    ("1079", "Chế biến nước mắm", 0.3, 20, False, True),
    ("1074", "Sản xuất bún, miến", 0.3, 15, False, True),
    ("1061", "Xay xát lương thực", 0.4, 30, False, True),
    ("1080", "Sản xuất thức ăn chăn nuôi", 2.0, 45, False, False),
    ("1104", "Sản xuất nước uống đóng chai", 0.6, 25, False, True),
    ("1410", "May mặc", 1.4, 9, True, True),
    ("1520", "Sản xuất giày dép", 1.4, 10, True, False),
    ("2392", "Sản xuất gạch ngói", 1.0, 22, False, True),
    ("2395", "Sản xuất gạch không nung", 0.8, 24, True, True),
    ("2511", "Cơ khí", 0.8, 20, True, True),
    ("2592", "Gia công cơ khí", 0.5, 18, True, True),
    ("2599", "Sản xuất sản phẩm kim loại", 0.7, 22, True, False),
    ("2220", "Sản xuất sản phẩm nhựa", 0.8, 26, True, False),
    ("0810", "Khai thác cát, sỏi", 1.0, 40, False, False),
    ("3511", "Điện mặt trời", 4.0, 400, False, False),
    ("3600", "Cấp nước sạch", 2.0, 60, False, False),
    ("3811", "Thu gom rác thải", 0.6, 15, False, False),
    ("3312", "Sửa chữa máy móc", 0.3, 16, False, True),
    ("1811", "In ấn", 0.4, 20, False, False),
    ("3290", "Thủ công mỹ nghệ", 0.2, 10, False, True),
)
SUPPORTING_ACTS = [a for a in ACTIVITIES if a[4]]
ZONE_ACTS = [a for a in ACTIVITIES if a[0] not in ("3511", "3600", "0810", "3811", "3290")]
OWNERSHIP_MULT = {"FDI": 4.0, "DNNN": 3.0, "Ngoài nhà nước": 1.5, "HTX": 0.6, "Hộ cá thể": 0.2}
# commune weights for units outside the zones (Hồ Xá and the coast have most industry)
COMMUNE_WEIGHTS = {"19363": 14, "19414": 6, "19366": 4, "19387": 6, "19375": 4, "19423": 4}


@dataclass
class Unit:
    """A reporting unit (or, with industrial=False, an employer that never reports)."""

    tax_code: str
    name: str
    ownership: str
    vsic_code: str
    commune_code: str
    zone_code: str | None
    supporting: bool
    category: str
    first: int = 0
    last: int = N_MONTHS - 1
    size: float = 1.0
    trend: float = 0.0
    season: float = 0.0
    productivity: float = 25.0
    trained_share: float = 0.8
    income: float = 6.0
    tax_rate: float = 0.05
    deflator_bias: float = 0.0
    advanced_from: int | None = None
    industrial: bool = True
    employees: int = 0
    capital: dict[int, float] = field(default_factory=dict)

    def active(self, t: int) -> bool:
        """Does the unit report for month index t?"""
        return self.first <= t <= self.last

    def record(self) -> dict:
        """The unit as a Truth record."""
        return {
            "tax_code": self.tax_code,
            "name": self.name,
            "ownership": self.ownership,
            "vsic_code": self.vsic_code,
            "commune_code": self.commune_code,
            "zone_code": self.zone_code,
            "supporting_industry": self.supporting,
            "industrial": self.industrial,
            "category": self.category,
            "first_period": MONTHS[self.first] if self.industrial else None,
            "last_period": MONTHS[self.last] if self.industrial else None,
        }


class NameBook:
    """Hands out unique business names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def make(self, ownership: str, label: str, commune: str) -> str:
        """A unique, plausible name for a unit of this ownership and activity."""
        for _ in range(4):
            name = self._draw(ownership, label, commune)
            if name not in self.used:
                break
        base, k, place = name, 2, COMMUNE_BY_CODE[commune][1]
        while name in self.used:
            name = f"{base} {place}" if k == 2 else f"{base} {k}"
            k += 1
        self.used.add(name)
        return name

    def _draw(self, ownership: str, label: str, commune: str) -> str:
        rng = self.rng
        trade = rng.choice(TRADE_NAMES)
        if ownership == "FDI":
            return f"Công ty TNHH {rng.choice(FOREIGN_TRADE)} Việt Nam"
        if ownership == "DNNN":
            return f"Công ty TNHH MTV {label} {trade}"
        if ownership == "HTX":
            return f"HTX {label} {COMMUNE_BY_CODE[commune][1]}"
        if ownership == "Hộ cá thể":
            return f"Cơ sở {label.lower()} {trade}"
        kind = rng.choice(("Công ty TNHH", "Công ty TNHH", "Công ty CP", "DNTN"))
        return f"{kind} {label} {trade}" if kind != "DNTN" else f"DNTN {trade}"


def _pick_commune(rng: random.Random) -> str:
    codes = [c[0] for c in COMMUNES]
    return rng.choices(codes, weights=[COMMUNE_WEIGHTS.get(c, 2) for c in codes])[0]


def _vsic(rng: random.Random, code4: str) -> str:
    return code4 + "0" if rng.random() < 0.3 else code4


@dataclass
class UnitPlan:
    """How many units of each category a dataset has."""

    kcn_new_support: int
    kcn_old_support: int
    kcn_new_other: int
    kcn_regular: int
    ccn_new_support: int
    ccn_regular: int
    commune_new_support: int
    commune_support: int
    commune_regular: int


def unit_plan(rng: random.Random, scale: float) -> UnitPlan:
    """Category counts for a scale; every special category keeps at least one unit."""
    total = max(40, round(150 * scale))
    newcomers = max(2, round(rng.choice((3, 4, 5)) * scale))
    kcn_regular = min(round(6 * scale), 150)
    ccn_regular = min(max(4, round(24 * scale)), 250)
    # zone units go to the (xlsx) zone workbooks: their numbers are capped at large scales
    fixed = dict(
        kcn_new_support=min(newcomers, 40),
        kcn_old_support=min(max(1, round(2 * scale)), 20),
        kcn_new_other=min(max(1, round(scale)), 10),
        kcn_regular=kcn_regular,
        ccn_new_support=min(max(1, round(scale)), 10),
        ccn_regular=ccn_regular,
        commune_new_support=max(1, round(scale)),
        commune_support=max(1, round(4 * scale)),
    )
    return UnitPlan(**fixed, commune_regular=max(10, total - sum(fixed.values())))


def _new_unit(
    rng: random.Random,
    names: NameBook,
    used_tax: set[str],
    category: str,
    zone: str | None,
    supporting: bool,
    first: int,
) -> Unit:
    """A new reporting unit: commune, activity, ownership, tax code, size, parameters."""
    if zone == "KCN_TBHX":
        commune = rng.choice(("19387", "19375"))
    elif zone == "CCN_CUA_TUNG":
        commune = rng.choices(("19414", "19423"), weights=(4, 1))[0]
    else:
        commune = _pick_commune(rng)
    acts = SUPPORTING_ACTS if supporting else (ZONE_ACTS if zone else ACTIVITIES)
    act = rng.choice(acts)
    if zone:
        ownership = rng.choices(("Ngoài nhà nước", "FDI", "DNNN", "HTX"), weights=(72, 14, 6, 8))[0]
    elif act[5]:
        ownership = rng.choices(("Hộ cá thể", "Ngoài nhà nước", "HTX"), weights=(55, 33, 12))[0]
    else:
        ownership = rng.choices(("Ngoài nhà nước", "DNNN", "HTX"), weights=(80, 12, 8))[0]
    tax = make_tax_code(rng, used_tax)
    if ownership != "Hộ cá thể" and rng.random() < 0.04:
        tax += f"-{rng.randint(1, 3):03d}"  # branch of a company based elsewhere
    size = (
        math.exp(rng.gauss(5.4, 0.9)) * act[2] * OWNERSHIP_MULT[ownership] * (1.6 if zone else 1.0)
    )
    return Unit(
        tax_code=tax,
        name=names.make(ownership, act[1], commune),
        ownership=ownership,
        vsic_code=_vsic(rng, act[0]),
        commune_code=commune,
        zone_code=zone,
        supporting=supporting,
        category=category,
        first=first,
        size=size,
        trend=rng.gauss(0.05, 0.06),
        season=rng.uniform(0.0, 0.15),
        productivity=act[3] * rng.uniform(0.75, 1.3),
        trained_share=rng.uniform(0.55, 0.98),
        income=rng.uniform(4.6, 8.8),
        tax_rate=rng.uniform(0.02, 0.08),
        deflator_bias=rng.uniform(-0.04, 0.04),
    )


def build_units(rng: random.Random, scale: float, used_tax: set[str]) -> list[Unit]:
    """The reporting units with their timelines and size parameters."""
    plan = unit_plan(rng, scale)
    names = NameBook(rng)
    units: list[Unit] = []

    def add(category: str, zone: str | None, supporting: bool, first: int) -> None:
        units.append(_new_unit(rng, names, used_tax, category, zone, supporting, first))

    for _ in range(plan.kcn_new_support):
        add("kcn_new_support", "KCN_TBHX", True, rng.randint(17, 20))
    for _ in range(plan.kcn_old_support):
        add("kcn_old_support", "KCN_TBHX", True, rng.randint(0, 8))
    for _ in range(plan.kcn_new_other):
        add("kcn_new_other", "KCN_TBHX", False, rng.randint(15, 20))
    for _ in range(plan.kcn_regular):
        add("kcn_regular", "KCN_TBHX", False, 0)
    for _ in range(plan.ccn_new_support):
        add("ccn_new_support", "CCN_CUA_TUNG", True, rng.randint(13, 20))
    for _ in range(plan.ccn_regular):
        add("ccn_regular", "CCN_CUA_TUNG", False, 0)
    for _ in range(plan.commune_new_support):
        add("commune_new_support", None, True, rng.randint(12, 20))
    for _ in range(plan.commune_support):
        add("commune_support", None, True, 0)
    for _ in range(plan.commune_regular):
        add("commune_regular", None, False, 0)
    for unit in units:
        if unit.category.endswith("regular") and rng.random() < 0.06:
            unit.first = rng.randint(3, 11)  # started reporting during 2021
        elif unit.category.endswith("regular") and rng.random() < 0.05:
            unit.last = rng.randint(6, 20)  # closed
    return units


def _fit_trend(totals: list[float], growth: float) -> float:
    """k such that Σ_{2022} T_t e^{kt} / Σ_{2021} T_t e^{kt} = 1 + growth."""

    def ratio(k: float) -> float:
        a = sum(v * math.exp(k * t) for t, v in enumerate(totals[:12]))
        b = sum(v * math.exp(k * (t + 12)) for t, v in enumerate(totals[12:]))
        return b / a

    lo, hi = -0.2, 0.2
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if ratio(mid) < 1 + growth else (lo, mid)
    return (lo + hi) / 2


def _plan_capital(
    rng: random.Random, units: list[Unit], scale: float, blank_month: int | None
) -> None:
    """Own-capital investment months per unit, rescaled to plausible yearly totals."""
    for u in units:
        if rng.random() < (0.6 if u.zone_code else 0.25) or u.first >= 12:
            months = [
                t
                for t in range(u.first, u.last + 1)
                if not (t == blank_month and u.zone_code is None)
            ]
            for t in rng.sample(months, min(len(months), rng.randint(1, 4))):
                u.capital[t] = u.size * rng.uniform(0.5, 6.0)
    target22 = rng.uniform(272_000, 328_000) * scale
    targets = {2021: target22 * rng.uniform(0.65, 0.85), 2022: target22}
    for year, target in targets.items():
        span = range(0, 12) if year == 2021 else range(12, 24)
        total = sum(v for u in units for t, v in u.capital.items() if t in span)
        factor = target / total if total else 0.0
        for u in units:
            for t in list(u.capital):
                if t in span:
                    u.capital[t] = round(u.capital[t] * factor, 1)


def _shape(rng: random.Random, u: Unit, t: int) -> float:
    """Constant-price output of month t before scaling: size, trend, season, Tết, ramp-up."""
    season = 1 + u.season * math.sin(2 * math.pi * (t % 12 - 2) / 12)
    tet = 0.78 if t % 12 == 1 else 1.0
    ramp = (0.4, 0.7)[t - u.first] if u.first > 0 and t - u.first < 2 else 1.0
    return u.size * (1 + u.trend) ** (t / 12) * season * tet * ramp * rng.uniform(0.93, 1.07)


@dataclass(frozen=True)
class OutputModel:
    """Scaling of the raw output shapes: output(t) = shape(t) × amp × e^(k·t)."""

    k: float
    amp: float

    def factor(self, t: int) -> float:
        """Scale of month index t."""
        return self.amp * math.exp(self.k * t)


def build_reports(
    rng: random.Random, units: list[Unit], scale: float, blank_capital_month: int | None
) -> tuple[list[dict], OutputModel]:
    """Monthly reports 2021–2022 (clean canonical values) for every unit and active month,
    and the output model (2023 continues it)."""
    # raw constant-price output with seasonality, ramp-up and noise
    raw: dict[tuple[int, int], float] = {}
    for i, u in enumerate(units):
        for t in range(u.first, u.last + 1):
            raw[i, t] = _shape(rng, u, t)
    totals = [0.0] * N_MONTHS
    for (_, t), v in raw.items():
        totals[t] += v
    growth = rng.uniform(0.058, 0.085)
    k = _fit_trend(totals, growth)
    target22 = rng.uniform(1_078_000, 1_125_000) * scale
    amp = target22 / sum(totals[t] * math.exp(k * t) for t in range(12, 24))
    model = OutputModel(k, amp)
    for key in raw:
        raw[key] *= amp * math.exp(k * key[1])

    _plan_capital(rng, units, scale, blank_capital_month)
    # advanced machinery: an exact share of the units reporting in 2022
    in_2022 = [u for u in units if u.last >= 12]
    share = rng.uniform(0.83, 0.875)
    adv = set(rng.sample(range(len(in_2022)), round(share * len(in_2022))))
    for j, u in enumerate(in_2022):
        if j in adv:
            late = rng.random() < 0.15 and u.first <= 18
            u.advanced_from = rng.randint(max(12, u.first), 21) if late else u.first
    for u in units:
        if u.last < 12 and rng.random() < 0.7:
            u.advanced_from = u.first

    reports = []
    for i, u in enumerate(units):
        mean_const = sum(raw[i, t] for t in range(u.first, u.last + 1)) / (u.last - u.first + 1)
        u.employees = max(2, round(mean_const / u.productivity))
        for t in range(u.first, u.last + 1):
            reports.append(_report(rng, u, t, raw[i, t]))
    return reports, model


def _report(rng: random.Random, u: Unit, t: int, const: float, final: int = N_MONTHS - 1) -> dict:
    period = MONTHS[t]
    stopped = u.ownership == "Hộ cá thể" and rng.random() < 0.02
    const = 0.0 if stopped else round(const, 1)
    deflator = (1.215 + 0.055 * t / 23) * (1 + u.deflator_bias)
    current = round(const * deflator, 1)
    revenue = round(current * rng.uniform(0.86, 1.06), 1)
    ramp = (0.5, 0.8)[t - u.first] if u.first > 0 and t - u.first < 2 else 1.0
    employees = max(1, round(u.employees * ramp * rng.uniform(0.97, 1.03)))
    report_day = rng.randint(1, 10) if rng.random() < 0.9 else rng.randint(11, 16)
    note = None
    if stopped:
        note = "Tạm nghỉ sản xuất"
    elif t == u.first and u.first > 0:
        note = "Đi vào hoạt động"
    elif t == u.last and u.last < final:
        note = "Ngừng hoạt động từ tháng sau"
    elif rng.random() < 0.03:
        note = "Số liệu ước tính"
    return {
        "tax_code": u.tax_code,
        "unit_name": u.name,
        "ownership": u.ownership,
        "commune_code": u.commune_code,
        "zone_code": u.zone_code,
        "vsic_code": u.vsic_code,
        "period": period,
        "report_date": next_month(period) + timedelta(days=report_day - 1),
        "gross_output_current": current,
        "gross_output_const2010": const,
        "revenue": 0.0 if stopped else revenue,
        "taxes_paid": 0.0 if stopped else round(revenue * u.tax_rate * rng.uniform(0.9, 1.1), 1),
        "own_capital_invested": u.capital.get(t, 0.0),
        "employees": employees,
        "trained_employees": min(employees, round(employees * u.trained_share)),
        "avg_monthly_income": round(u.income * (1 + 0.05 * t / 12) * rng.uniform(0.97, 1.03), 1),
        "advanced_machinery": u.advanced_from is not None and t >= u.advanced_from,
        "supporting_industry": u.supporting,
        "note": note,
    }


# employers in the labour lists that never send an industrial report (VSIC outside B–E)
OTHER_EMPLOYERS: tuple[tuple[str, str], ...] = (
    ("4100", "Công ty TNHH Xây dựng {}"),
    ("4711", "Siêu thị {}"),
    ("5510", "Khách sạn {}"),
    ("5610", "Nhà hàng {}"),
    ("4933", "Công ty CP Vận tải {}"),
    ("4663", "Công ty TNHH Vật tư {}"),
    ("8532", "Trường Trung cấp nghề {}"),
    ("8610", "Phòng khám đa khoa {}"),
    ("4520", "Garage ô tô {}"),
    ("6419", "Quỹ tín dụng nhân dân {}"),
)


def build_other_employers(rng: random.Random, scale: float, used_tax: set[str]) -> list[Unit]:
    """Employers of the labour source that are not industrial reporting units."""
    out, used_names = [], set()
    for i in range(max(3, round(14 * scale))):
        vsic, pattern = OTHER_EMPLOYERS[i % len(OTHER_EMPLOYERS)]
        name = pattern.format(rng.choice(TRADE_NAMES))
        while name in used_names:
            name = pattern.format(f"{rng.choice(TRADE_NAMES)} {len(used_names)}")
        used_names.add(name)
        out.append(
            Unit(
                tax_code=make_tax_code(rng, used_tax),
                name=name,
                ownership="Ngoài nhà nước",
                vsic_code=vsic,
                commune_code=_pick_commune(rng),
                zone_code=None,
                supporting=False,
                category="non_industrial",
                industrial=False,
                employees=rng.randint(5, 40),
            )
        )
    return out


def extend_2023(
    rng: random.Random, units: list[Unit], model: OutputModel, scale: float, used_tax: set[str]
) -> list[dict]:
    """January–June 2023 (its own random stream): units still reporting at the end of 2022
    go on (a few close), supporting-industry newcomers open in KCN Tây Bắc Hồ Xá and a
    couple of small ones elsewhere; output continues the 2021–2022 model, 3–7 % slower (a
    weak year for exports); own-capital investment of the half year 0–25 % above January–June
    2022's; a few more units adopt advanced machinery. Returns the clean 2023 reports (units
    are updated in place)."""
    names = NameBook(rng)
    names.used = {u.name for u in units}
    capital_h1 = sum(v for u in units for t, v in u.capital.items() if 12 <= t < 18)
    for u in units:
        if u.industrial and u.last == N_MONTHS - 1:
            closing = u.category.endswith("regular") and rng.random() < 0.03
            u.last = rng.randint(N_MONTHS, FINAL - 1) if closing else FINAL
    new: list[Unit] = []
    for _ in range(max(1, round(rng.choice((2, 3)) * scale))):
        new.append(
            _new_unit(
                rng,
                names,
                used_tax,
                "kcn_new_support_2023",
                "KCN_TBHX",
                True,
                rng.randint(N_MONTHS + 1, FINAL - 1),
            )
        )
    for _ in range(max(1, round(2 * scale))):
        new.append(
            _new_unit(
                rng,
                names,
                used_tax,
                "commune_new_2023",
                None,
                False,
                rng.randint(N_MONTHS, FINAL - 1),
            )
        )
    for u in new:
        u.last = FINAL
        u.advanced_from = u.first if rng.random() < 0.85 else None
    units.extend(new)
    active = [u for u in units if u.industrial and u.last >= N_MONTHS]
    for u in active:
        if u.advanced_from is None and rng.random() < 0.15:
            u.advanced_from = rng.randint(max(N_MONTHS, u.first), FINAL)
    slower = rng.uniform(0.93, 0.97)
    raw = {
        id(u): {
            t: _shape(rng, u, t) * model.factor(t) * slower
            for t in range(max(N_MONTHS, u.first), u.last + 1)
        }
        for u in active
    }
    opened = {id(u) for u in new}
    for u in new:
        u.employees = max(2, round(sum(raw[id(u)].values()) / len(raw[id(u)]) / u.productivity))
    # own capital: a few investment months per unit, rescaled on January–June 2022
    for u in active:
        if rng.random() < (0.4 if u.zone_code else 0.15) or id(u) in opened:
            months = list(raw[id(u)])
            for t in rng.sample(months, min(len(months), rng.randint(1, 2))):
                u.capital[t] = u.size * rng.uniform(0.5, 6.0)
    target = capital_h1 * rng.uniform(1.0, 1.25)
    total = sum(v for u in active for t, v in u.capital.items() if t >= N_MONTHS)
    for u in active:
        for t in [t for t in u.capital if t >= N_MONTHS]:
            u.capital[t] = round(u.capital[t] * target / total, 1)
    return [
        _report(rng, u, t, raw[id(u)][t], final=FINAL) for u in active for t in sorted(raw[id(u)])
    ]
