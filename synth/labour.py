"""Labour-office employment spells and the district lists sent about twice a year.

The labour office lists the workers of most reporting units (choose_employers); at each month
end their headcount follows the employees the unit reports (track_spells: hires, leavers and
a little turnover, never more than 5 % or 1 person off). The former spell model
(build_spells) still runs on the main random stream, so that everything drawn after it keeps
its values; only its spells at employers that never report are kept."""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .enterprises import FINAL, MONTHS, N_MONTHS, Unit, next_month
from .files import Cell
from .formats import fmt_commune, fmt_date, fmt_number, nfc, strip_diacritics
from .names import break_check_digit, full_name, make_citizen_id
from .output import Output
from .reference import COMMUNE_BY_CODE

SOURCE = "labour"
LEVELS = ("Chưa qua đào tạo", "Sơ cấp", "Trung cấp", "Cao đẳng", "Đại học trở lên")
WAGE_BASE = {
    "Chưa qua đào tạo": 4.8,
    "Sơ cấp": 5.9,
    "Trung cấp": 6.5,
    "Cao đẳng": 7.2,
    "Đại học trở lên": 8.8,
}
AS_OF = (
    date(2021, 6, 30),
    date(2021, 12, 31),
    date(2022, 6, 30),
    date(2022, 12, 31),
    date(2023, 6, 30),
)
XLSX_MAX_ROWS = 20_000
Y21_END, Y22_START = date(2021, 12, 31), date(2022, 1, 1)

# canonical, header, unit
COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("citizen_id", "Số CCCD", None),
    ("full_name", "Họ và tên", None),
    ("birth_year", "Năm sinh", None),
    ("sex", "Giới tính", None),
    ("employer_tax_code", "Mã số thuế đơn vị", None),
    ("employer_name", "Tên đơn vị", None),
    ("start_date", "Ngày bắt đầu làm việc", None),
    ("end_date", "Ngày nghỉ việc", None),
    ("training_level", "Trình độ chuyên môn kỹ thuật", None),
    ("monthly_wage", "Tiền lương tháng", "đồng"),
    ("residence_commune", "Xã nơi cư trú", None),
)
BAD_RULES = {
    "cid_length": ("citizen_id", "citizen ID not 12 digits"),
    "under_15": ("birth_year", "worker aged under 15 at the start date"),
    "end_before_start": ("end_date", "end date before start date"),
    "tax_check": ("employer_tax_code", "invalid tax-code check digit"),
}


@dataclass
class Spell:
    """One person employed by one employer from a start date."""

    citizen_id: str
    full_name: str
    birth_year: int
    female: bool
    employer: Unit
    start: date
    end: date | None
    level: str
    wage21: int
    wage22: int
    residence: str | None
    bad: str | None = None
    wage23: int | None = None  # None: as in 2022


def _day(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def _old_start(rng: random.Random) -> date:
    year = max(2008, 2020 - int(rng.expovariate(1 / 3.0)))
    return _day(rng, date(year, 1, 1), date(year, 12, 31))


class _Pools:
    """Employers weighted by size, restricted to those reporting by a given month."""

    def __init__(self, units: list[Unit], boost_new: bool) -> None:
        self.by_month = []
        for t in range(N_MONTHS):
            pool = [u for u in units if u.first <= t and u.last == N_MONTHS - 1]
            weights = [u.employees * (3 if boost_new and u.first >= 12 else 1) for u in pool]
            self.by_month.append((pool, list(itertools.accumulate(weights))))

    def pick(self, rng: random.Random, start: date) -> Unit:
        t = (
            0
            if start < MONTHS[0]
            else min(N_MONTHS - 1, (start.year - 2021) * 12 + start.month - 1)
        )
        pool, cum = self.by_month[t]
        return pool[bisect.bisect(cum, rng.random() * cum[-1])]


def build_spells(
    rng: random.Random, units: list[Unit], others: list[Unit], scale: float
) -> list[Spell]:
    """The former model: ~3,000 × scale spells drawn from employer pools. Kept for its draws
    on the main stream and for its spells at employers that never report (10 %)."""
    n = max(300, round(3000 * scale))
    n_other = max(20, round(0.1 * n))
    n_ind = n - n_other
    jobs = round(rng.uniform(420, 600) * n_ind / 2700)
    e, d, b = round(0.10 * n_ind), round(0.05 * n_ind), round(0.08 * n_ind)
    c = b + jobs
    a = n_ind - e - d - b - c
    untrained = rng.uniform(0.085, 0.125)
    used_ids: set[str] = set()
    ind = _Pools([u for u in units if u.industrial], boost_new=False)
    ind_new = _Pools([u for u in units if u.industrial], boost_new=True)
    oth = _Pools(others, boost_new=False)
    spells: list[Spell] = []
    ended: list[Spell] = []
    ends: list[date] = []
    reused: set[int] = set()

    def person(start: date) -> tuple[str, str, int, bool]:
        female = rng.random() < 0.48
        birth = start.year - rng.randint(18, 55)
        return (
            make_citizen_id(rng, used_ids, birth, female),
            full_name(rng, female),
            birth,
            female,
        )

    def add(kind: str, pools: _Pools) -> None:
        if kind in ("A", "B"):
            start = _old_start(rng) if rng.random() < 0.6 else _day(rng, MONTHS[0], Y21_END)
        elif kind == "E":
            start = (
                _old_start(rng) if rng.random() < 0.5 else _day(rng, MONTHS[0], date(2021, 11, 30))
            )
        elif kind == "C":
            start = _day(rng, Y22_START, date(2022, 12, 31))
        else:
            start = _day(rng, Y22_START, date(2022, 11, 15))
        end = None
        if kind == "B":
            end = _day(rng, max(Y21_END, start + timedelta(days=20)), date(2022, 12, 30))
        elif kind == "E":
            end = _day(rng, max(MONTHS[0], start + timedelta(days=20)), date(2021, 12, 30))
        elif kind == "D":
            end = _day(rng, start + timedelta(days=15), date(2022, 12, 30))
        prev = None
        if kind == "C" and ends and rng.random() < 0.08:
            k = bisect.bisect_left(ends, start)
            prev = ended[rng.randrange(k)] if k else None
        if prev is not None and id(prev) not in reused:
            reused.add(id(prev))  # the same person starts a new job after the old one ended
            cid, name, birth, female = prev.citizen_id, prev.full_name, prev.birth_year, prev.female
        else:
            cid, name, birth, female = person(start)
        level = (
            LEVELS[0]
            if rng.random() < untrained
            else rng.choices(LEVELS[1:], weights=(38, 27, 20, 15))[0]
        )
        wage22 = max(
            3_250_000, round(WAGE_BASE[level] * 1e6 * rng.lognormvariate(0, 0.15) / 50_000) * 50_000
        )
        wage21 = wage22 if rng.random() < 0.7 else round(wage22 * 0.95 / 50_000) * 50_000
        residence = None if rng.random() < 0.08 else rng.choice(list(COMMUNE_BY_CODE))
        sp = Spell(
            cid,
            name,
            birth,
            female,
            pools.pick(rng, start),
            start,
            end,
            level,
            max(3_100_000, wage21),
            wage22,
            residence,
        )
        spells.append(sp)
        if kind in ("B", "E") and pools is ind:
            ended.append(sp)

    for kind, count in (("E", e), ("B", b), ("A", a), ("D", d)):
        for _ in range(count):
            add(kind, ind)
    ended.sort(key=lambda s: (s.end, s.citizen_id))
    ends.extend(s.end for s in ended)
    for _ in range(c):
        add("C", ind_new)
    for i in range(n_other):
        add("AEBCD"[i % 5], oth)
    return spells


def _month_end(t: int) -> date:
    return next_month(MONTHS[t]) - timedelta(days=1)


def choose_employers(
    rng: random.Random, units: list[Unit], employees: dict[tuple[str, int], int], scale: float
) -> set[str]:
    """Tax codes of the reporting units the labour office lists: every unit but most
    household establishments; of the units that opened in 2022, largest first, those that
    bring the headcount growth of 2022 (LAB_NEW_JOBS) closer to a target of 420–600 × scale
    (the others' workers are registered elsewhere, e.g. with a parent company)."""
    covered: set[str] = set()
    opened_2022 = []
    for u in units:
        if not u.industrial or (u.ownership == "Hộ cá thể" and rng.random() >= 0.25):
            continue
        if 12 <= u.first < N_MONTHS:
            opened_2022.append(u)
        else:
            covered.add(u.tax_code)
    jobs = rng.uniform(420, 600) * scale
    growth = sum(employees.get((t, 23), 0) - employees.get((t, 11), 0) for t in covered)
    for u in sorted(
        opened_2022,
        key=lambda u: (
            -employees[u.tax_code, 23] if (u.tax_code, 23) in employees else 0,
            u.tax_code,
        ),
    ):
        d = employees.get((u.tax_code, 23), 0)
        if abs(growth + d - jobs) < abs(growth - jobs):
            covered.add(u.tax_code)
            growth += d
    return covered


class _People:
    """Workers hired by the tracked employers: new people, or (5 %) someone whose earlier
    job ended at least a fortnight before."""

    def __init__(self, rng: random.Random, used_ids: set[str]) -> None:
        self.rng, self.used = rng, used_ids
        self.untrained = rng.uniform(0.085, 0.125)
        self.free: list[Spell] = []  # ended spells whose person may be hired again
        self.spells: list[Spell] = []  # every spell, in hiring order

    def hire(self, employer: Unit, start: date) -> Spell:
        rng = self.rng
        prev = None
        if self.free and rng.random() < 0.05:
            i = rng.randrange(len(self.free))
            if (
                self.free[i].end is not None
                and self.free[i].end < start - timedelta(days=14)
                and self.free[i].employer is not employer
            ):
                prev = self.free.pop(i)
        if prev is not None:
            cid, name, birth, female = prev.citizen_id, prev.full_name, prev.birth_year, prev.female
        else:
            female = rng.random() < 0.48
            birth = start.year - rng.randint(18, 55)
            cid, name = make_citizen_id(rng, self.used, birth, female), full_name(rng, female)
        level = (
            LEVELS[0]
            if rng.random() < self.untrained
            else rng.choices(LEVELS[1:], weights=(38, 27, 20, 15))[0]
        )
        wage22 = max(
            3_250_000, round(WAGE_BASE[level] * 1e6 * rng.lognormvariate(0, 0.15) / 50_000) * 50_000
        )
        wage21 = wage22 if rng.random() < 0.7 else round(wage22 * 0.95 / 50_000) * 50_000
        wage23 = wage22 if rng.random() < 0.65 else round(wage22 * 1.06 / 50_000) * 50_000
        residence = None if rng.random() < 0.08 else rng.choice(list(COMMUNE_BY_CODE))
        sp = Spell(
            cid,
            name,
            birth,
            female,
            employer,
            start,
            None,
            level,
            max(3_100_000, wage21),
            wage22,
            residence,
            wage23=wage23,
        )
        self.spells.append(sp)
        return sp

    def leave(self, sp: Spell, end: date) -> None:
        sp.end = end
        self.free.append(sp)


def track_spells(
    rng: random.Random,
    units: list[Unit],
    covered: set[str],
    employees: dict[tuple[str, int], int],
    used_ids: set[str],
) -> list[Spell]:
    """Spells at the covered units whose headcount at every month end stays within
    max(1, 5 %) of the employees reported (hysteresis: it only moves when the report moves
    further), with ~11 % yearly turnover; a closing unit's staff leave the month after its
    last report; spells still open on 30/06/2023 have no end date."""
    people = _People(rng, used_ids)
    for u in units:
        if u.tax_code not in covered:
            continue
        staff: list[Spell] = []
        level = None
        for t in range(u.first, u.last + 1):
            reported = employees[u.tax_code, t]
            band = max(1, int(0.05 * reported))
            if level is None or abs(level - reported) > band:
                level = max(1, reported + rng.randint(-(band // 2), band // 2))
            first_day, last_day = MONTHS[t], _month_end(t)
            if t == u.first:
                for _ in range(level):
                    start = (
                        _old_start(rng)
                        if t == 0 and rng.random() < 0.85
                        else _day(rng, first_day, last_day)
                    )
                    staff.append(people.hire(u, start))
                continue
            leaving = {id(sp) for sp in staff if rng.random() < 0.009}
            stay = [sp for sp in staff if id(sp) not in leaving]
            if len(stay) > level:
                leaving |= {id(sp) for sp in rng.sample(stay, len(stay) - level)}
            for sp in staff:
                if id(sp) in leaving:
                    people.leave(sp, _day(rng, first_day, last_day - timedelta(days=1)))
            staff = [sp for sp in staff if id(sp) not in leaving]
            staff += [
                people.hire(u, _day(rng, first_day, last_day)) for _ in range(level - len(staff))
            ]
        if u.last < FINAL:  # closed: everyone leaves the month after the last report
            t = u.last + 1
            for sp in staff:
                people.leave(sp, _day(rng, MONTHS[t], _month_end(t) - timedelta(days=1)))
    return people.spells


def _bad_spells(rng: random.Random, spells: list[Spell], count: int) -> list[Spell]:
    """Extra spells, each breaking one rule, to be placed in a single file each."""
    used = {s.citizen_id for s in spells}
    out = []
    rules = tuple(BAD_RULES)
    for i in range(count):
        rule = rules[i % len(rules)]
        tmpl = rng.choice(spells)
        female = rng.random() < 0.5
        start = _day(rng, date(2021, 2, 1), date(2022, 11, 30))
        birth = start.year - rng.randint(20, 50)
        cid = make_citizen_id(rng, used, birth, female)
        sp = Spell(
            cid,
            full_name(rng, female),
            birth,
            female,
            tmpl.employer,
            start,
            None,
            tmpl.level,
            tmpl.wage22,
            tmpl.wage22,
            tmpl.residence,
            bad=rule,
        )
        if rule == "cid_length":
            sp.citizen_id = cid[:-1] if i % 2 == 0 else cid + str(rng.randint(0, 9))
        elif rule == "under_15":
            sp.birth_year = start.year - rng.randint(12, 13)
        elif rule == "end_before_start":
            sp.end = start - timedelta(days=rng.randint(10, 200))
        out.append(sp)
    return out


@dataclass(frozen=True)
class _Layout:
    rel: str
    fmt: str  # xlsx | csv
    encoding: str
    delimiter: str
    numbers: str
    dates: str
    headers: str  # xlsx | vi | ascii
    title: tuple[str, ...]
    stt: bool
    quirks: str


def _as_csv(layout: _Layout) -> _Layout:
    """The same list as a plain CSV file (an xlsx sheet cannot hold that many rows)."""
    return _Layout(
        layout.rel.replace(".xlsx", ".csv"),
        "csv",
        "utf-8-sig",
        ",",
        "plain",
        "dmy",
        "vi",
        (),
        False,
        "CSV instead of xlsx (too many rows)",
    )


def _layouts(n_rows: list[int]) -> list[_Layout]:
    big = [r > XLSX_MAX_ROWS for r in n_rows]
    t = "DANH SÁCH NGƯỜI LAO ĐỘNG LÀM VIỆC TẠI CÁC ĐƠN VỊ TRÊN ĐỊA BÀN HUYỆN VĨNH LINH"
    first = _Layout(
        "labour/2021/ds_lao_dong_20210630.xlsx",
        "xlsx",
        "",
        "",
        "",
        "",
        "xlsx",
        (t, "Tính đến ngày 30/06/2021", ""),
        True,
        "xlsx, 3-row title block, STT, extra column 'Tên đơn vị', date cells",
    )
    third = _Layout(
        "labour/2022/ds_lao_dong_20220630.xlsx",
        "xlsx",
        "",
        "",
        "",
        "",
        "xlsx",
        (t, "(Tính đến ngày 30/06/2022)"),
        False,
        "xlsx, 2-row title block, no STT, date cells, wages as numbers",
    )
    if big[0]:
        first = _as_csv(first)
    if big[2]:
        third = _as_csv(third)
    fifth = _Layout(
        "labour/2023/ds_lao_dong_20230630.xlsx",
        "xlsx",
        "",
        "",
        "",
        "",
        "xlsx",
        (t, "(Tính đến ngày 30/06/2023)"),
        False,
        "xlsx, 2-row title block, no STT, date cells, wages as numbers, end dates "
        "of earlier spells now filled in",
    )
    if big[4]:
        fifth = _Layout(
            fifth.rel.replace(".xlsx", ".csv"),
            "csv",
            "utf-8-sig",
            ",",
            "plain",
            "dmy",
            "vi",
            (),
            False,
            "CSV instead of xlsx (too many rows)",
        )
    return [
        first,
        _Layout(
            "labour/2021/ds_lao_dong_20211231.csv",
            "csv",
            "utf-8-sig",
            ";",
            "vn",
            "dmy",
            "vi",
            ("DANH SÁCH LAO ĐỘNG TÍNH ĐẾN 31/12/2021",),
            False,
            "UTF-8 BOM, ';', one title line, wages '5.500.000', dates dd/mm/yyyy, end "
            "dates of earlier spells now filled in",
        ),
        third,
        _Layout(
            "labour/2022/ds_lao_dong_20221231.csv",
            "csv",
            "cp1258",
            ",",
            "plain",
            "iso",
            "ascii",
            (),
            False,
            "Windows-1258, ',', headers without diacritics, ISO dates, plain wages, end "
            "dates of earlier spells now filled in",
        ),
        fifth,
    ]


def write_labour(out: Output, rng: random.Random, spells: list[Spell]) -> None:
    """Write the district lists (one per AS_OF date), with bad rows, and record Truth
    spells."""
    files: list[list[Spell]] = []
    for k, as_of in enumerate(AS_OF):
        prev = AS_OF[k - 1] if k else date(2020, 12, 31)
        rows = [s for s in spells if s.start <= as_of and (s.end is None or s.end > prev)]
        rows.sort(key=lambda s: (s.employer.tax_code, s.start, s.citizen_id))
        files.append(rows)
    n_bad = max(len(BAD_RULES), round(0.01 * sum(len(f) for f in files)))
    for i, sp in enumerate(_bad_spells(rng, spells, n_bad)):
        k = i % len(AS_OF) if i < len(AS_OF) else rng.randrange(len(AS_OF))
        sp.start = min(sp.start, AS_OF[k])
        if sp.bad == "end_before_start":
            sp.end = sp.start - timedelta(days=rng.randint(10, 200))
        files[k].insert(rng.randint(0, len(files[k])), sp)
    last_file = {id(sp): k for k, rows in enumerate(files) for sp in rows}
    effective: list[dict] = []
    for k, (layout, rows) in enumerate(zip(_layouts([len(f) for f in files]), files, strict=True)):
        as_of = AS_OF[k]
        table: list[list[Cell]] = [[x] for x in layout.title]
        names = [
            n if u is None else f"{n}\n({u})" if layout.headers == "xlsx" else f"{n} ({u})"
            for _, n, u in COLUMNS
        ]
        if layout.headers == "ascii":
            names = [strip_diacritics(n) for n in names]
        table.append((["STT"] if layout.stt else []) + names)
        for i, sp in enumerate(rows):
            end = sp.end if sp.end is not None and (sp.bad or sp.end <= as_of) else None
            wage = (
                sp.wage21
                if as_of.year == 2021
                else sp.wage22
                if as_of.year == 2022 or sp.wage23 is None
                else sp.wage23
            )
            residence = (
                None
                if sp.residence is None
                else fmt_commune(sp.residence, rng.choice(("full", "bare", "abbr")))
            )
            tax = (
                break_check_digit(sp.employer.tax_code)
                if sp.bad == "tax_check"
                else sp.employer.tax_code
            )
            rec = {
                "citizen_id": sp.citizen_id,
                "full_name": sp.full_name,
                "birth_year": sp.birth_year,
                "sex": "Nữ" if sp.female else "Nam",
                "employer_tax_code": tax,
                "employer_name": sp.employer.name,
                "start_date": sp.start,
                "end_date": end,
                "training_level": sp.level,
                "monthly_wage": wage,
                "residence_commune": residence,
            }
            if layout.fmt == "xlsx":
                cells: list[Cell] = [rec[c] for c, _, _ in COLUMNS]
            else:
                cells = [
                    fmt_date(v, layout.dates)
                    if c in ("start_date", "end_date")
                    else fmt_number(v, layout.numbers, 0)
                    if c == "monthly_wage"
                    else ""
                    if v is None
                    else str(v)
                    for c, v in ((c, rec[c]) for c, _, _ in COLUMNS)
                ]
            table.append(([i + 1] if layout.stt else []) + cells)
            row_number = len(table)
            if sp.bad:
                out.truth.pii_values.update((sp.citizen_id, sp.full_name))
                column, text = BAD_RULES[sp.bad]
                out.bad(SOURCE, layout.rel, row_number, column, text)
            elif last_file[id(sp)] == k:  # the latest file wins for this spell
                out.truth.pii_values.update((sp.citizen_id, sp.full_name))
                truth = {k2: v for k2, v in rec.items() if k2 != "employer_name"}
                truth.update(
                    full_name=nfc(sp.full_name),
                    monthly_wage=float(wage),
                    residence_commune=nfc(residence),
                    file=layout.rel,
                    row_number=row_number,
                )
                effective.append(truth)
        arrived = datetime.combine(
            as_of + timedelta(days=rng.randint(12, 20)), time(9 + k, rng.randint(0, 59))
        )
        if layout.fmt == "xlsx":
            out.xlsx(
                layout.rel,
                SOURCE,
                [("Danh sach", table, len(layout.title))],
                mtime=arrived,
                data_rows=len(rows),
                quirks=layout.quirks,
            )
        else:
            out.csv(
                layout.rel,
                SOURCE,
                table,
                delimiter=layout.delimiter,
                encoding=layout.encoding,
                mtime=arrived,
                data_rows=len(rows),
                quirks=layout.quirks,
            )
    out.truth.labour_spells = effective
