"""Enterprise-report files: a zone workbook and a commune CSV per month, with their quirks."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .enterprises import MONTHS, N_MONTHS, Unit, next_month
from .formats import (
    fmt_commune,
    fmt_date,
    fmt_number,
    fmt_period,
    fmt_yes_no,
    fmt_zone,
    nfc,
    resolve_column,
    strip_diacritics,
)
from .names import break_check_digit
from .output import Output
from .reference import COMMUNE_BY_CODE

SOURCE = "enterprise_reports"
RESUB_MONTH = 14  # 03/2022: the zone workbook is sent a second time
AMBIGUOUS_MONTH = 19  # 08/2022: commune CSV with an ambiguous number and no context
NFD_MONTH = 10  # 11/2021: commune CSV written in NFD

# canonical, Vietnamese header, unit in brackets, kind
COLUMNS: tuple[tuple[str, str, str | None, str], ...] = (
    ("tax_code", "Mã số thuế", None, "text"),
    ("unit_name", "Tên doanh nghiệp / cơ sở", None, "text"),
    ("ownership", "Loại hình", None, "text"),
    ("commune", "Xã, thị trấn", None, "text"),
    ("industrial_zone", "Khu, cụm công nghiệp", None, "text"),
    ("vsic_code", "Mã ngành VSIC", None, "text"),
    ("period", "Kỳ báo cáo", None, "period"),
    ("report_date", "Ngày lập báo cáo", None, "date"),
    ("gross_output_current", "Giá trị sản xuất theo giá hiện hành", "triệu đồng", "money"),
    ("gross_output_const2010", "Giá trị sản xuất theo giá so sánh 2010", "triệu đồng", "money"),
    ("revenue", "Doanh thu", "triệu đồng", "money"),
    ("taxes_paid", "Nộp ngân sách", "triệu đồng", "money"),
    ("own_capital_invested", "Vốn đầu tư thực hiện từ vốn tự có", "triệu đồng", "money"),
    ("employees", "Tổng số lao động", "người", "int"),
    ("trained_employees", "Lao động qua đào tạo", "người", "int"),
    ("avg_monthly_income", "Thu nhập bình quân", "triệu đồng/người/tháng", "money"),
    ("advanced_machinery", "Ứng dụng máy móc thiết bị tiên tiến", None, "bool"),
    ("supporting_industry", "Công nghiệp hỗ trợ", None, "bool"),
    ("note", "Ghi chú", None, "text"),
)
SUMMED = (
    "gross_output_current",
    "gross_output_const2010",
    "revenue",
    "taxes_paid",
    "own_capital_invested",
    "employees",
    "trained_employees",
)

BAD_RULES: dict[str, tuple[str, str]] = {
    "tax_check": ("tax_code", "invalid tax-code check digit"),
    "negative": ("gross_output_current", "negative gross output"),
    "trained_gt": ("trained_employees", "trained employees exceed employees"),
    "commune": ("commune", "unknown commune"),
    "vsic": ("vsic_code", "VSIC division outside 05-39"),
    "period": ("period", "period after the report date"),
    "ambiguous": ("own_capital_invested", "ambiguous number without context"),
}


@dataclass(frozen=True)
class CsvStyle:
    """How one exporting system writes a commune CSV."""

    name: str
    encoding: str
    delimiter: str
    numbers: str  # plain | vn | en
    dates: str
    headers: str  # vi | ascii | upper
    extra_address: bool = False
    shuffled: bool = False
    zero_capital: str = ""  # how a zero own-capital is written


STYLES = {
    "plain_bom": CsvStyle(
        "UTF-8 BOM, ',' , plain numbers 1385.5",
        "utf-8-sig",
        ",",
        "plain",
        "dmy",
        "vi",
        extra_address=True,
    ),
    "vn_1258": CsvStyle(
        "Windows-1258, ';', Vietnamese numbers 1.385,5", "cp1258", ";", "vn", "dmy", "vi"
    ),
    "vn_ascii": CsvStyle(
        "UTF-8, ';', Vietnamese numbers, headers without diacritics, ISO dates, columns reordered",
        "utf-8",
        ";",
        "vn",
        "iso",
        "ascii",
        shuffled=True,
    ),
    "en_semi": CsvStyle(
        "UTF-8 BOM, ';', English numbers 1,385.5, d/m/yyyy dates, upper-case headers",
        "utf-8-sig",
        ";",
        "en",
        "d/m/y",
        "upper",
        extra_address=True,
        zero_capital="0",
    ),
    "nfd": CsvStyle(
        "UTF-8 in NFD (decomposed), ',', plain numbers", "utf-8-nfd", ",", "plain", "dmy", "vi"
    ),
}


def csv_style(t: int) -> CsvStyle:
    """The export style of the commune CSV of month index t."""
    if t == NFD_MONTH:
        return STYLES["nfd"]
    if t == AMBIGUOUS_MONTH:
        return STYLES["vn_1258"]
    return STYLES[("plain_bom", "vn_1258", "vn_ascii", "en_semi")[t % 4]]


def header(canonical: str, name: str, unit: str | None, mode: str) -> str:
    """Header text: 'xlsx' puts the unit on a second line, 'vi'/'ascii'/'upper' for CSV."""
    if mode == "xlsx":
        return f"{name}\n({unit})" if unit else name
    text = f"{name} ({unit})" if unit else name
    if mode == "ascii":
        return strip_diacritics(text)
    return text.upper() if mode == "upper" else text


def _add_months(p: date, n: int) -> date:
    m = p.month - 1 + n
    return date(p.year + m // 12, m % 12 + 1, 1)


class EnterpriseWriter:
    """Turns clean monthly reports into files, bad rows, resubmission and Truth records."""

    def __init__(
        self, out: Output, rng: random.Random, units: list[Unit], reports: list[dict]
    ) -> None:
        self.out, self.rng = out, rng
        self.units = {u.tax_code: u for u in units}
        self.reports = reports
        self.bad: dict[int, str] = {}  # id(report) -> bad rule key
        self.history: list[dict] = []

    # ---------------------------------------------------------------- bad rows
    def choose_bad_rows(self) -> None:
        """About 1 % of rows, each breaking one rule; special units are left alone."""
        rng = self.rng
        # small, ordinary units make the mistakes (so the totals hardly move)
        eligible = [
            u
            for u in self.units.values()
            if u.category in ("commune_regular", "ccn_regular", "commune_support")
        ]
        sizes = sorted(u.size for u in eligible)
        small = {u.tax_code for u in eligible if u.size <= sizes[len(sizes) * 2 // 3]}
        plain = [r for r in self.reports if r["tax_code"] in small]
        commune_rows = [
            r
            for r in plain
            if r["zone_code"] is None and MONTHS.index(r["period"]) not in (AMBIGUOUS_MONTH,)
        ]
        zone_rows = [
            r
            for r in plain
            if r["zone_code"] is not None and MONTHS.index(r["period"]) != RESUB_MONTH
        ]
        ambiguous = [
            r
            for r in self.reports
            if r["zone_code"] is None
            and r["period"] == MONTHS[AMBIGUOUS_MONTH]
            and self.units[r["tax_code"]].category == "commune_regular"
        ]
        pick = rng.choice(ambiguous)
        pick["own_capital_invested"] = float(rng.randint(1001, 9999))
        self.bad[id(pick)] = "ambiguous"
        cycle = ("tax_check", "negative", "trained_gt", "commune", "vsic", "period")
        n_bad = max(len(cycle), round(0.01 * len(self.reports)) - 1)
        for i in range(n_bad):
            rule = cycle[i % len(cycle)]
            pool = zone_rows if rule == "trained_gt" and zone_rows else commune_rows
            for _ in range(100):
                rec = rng.choice(pool)
                ok = id(rec) not in self.bad and (
                    rule != "period" or MONTHS.index(rec["period"]) <= N_MONTHS - 3
                )
                if ok:
                    self.bad[id(rec)] = rule
                    break

    def _corrupt(self, rec: dict, rule: str) -> dict:
        rec = dict(rec)
        if rule == "tax_check":
            rec["tax_code"] = break_check_digit(rec["tax_code"])
        elif rule == "negative":
            rec["gross_output_current"] = -(rec["gross_output_current"] or 125.3)
        elif rule == "trained_gt":
            rec["trained_employees"] = rec["employees"] + self.rng.randint(1, 6)
        elif rule == "vsic":
            rec["vsic_code"] = self.rng.choice(("4632", "4663", "5610", "4100"))
        elif rule == "period":
            rec["period"] = _add_months(rec["period"], 2)
        return rec

    # ---------------------------------------------------------------- writing
    def write_all(self, months: range = range(N_MONTHS), extras: bool = True) -> None:
        """Every monthly file of the months; with extras, the resubmission and the
        unreadable file."""
        by_month: dict[int, tuple[list[dict], list[dict]]] = {t: ([], []) for t in months}
        for rec in self.reports:
            t = MONTHS.index(rec["period"])
            by_month[t][0 if rec["zone_code"] else 1].append(rec)
        for t in months:
            zone, commune = by_month[t]
            zone.sort(key=lambda r: (r["zone_code"], r["tax_code"]))
            commune.sort(key=lambda r: r["tax_code"])
            arrived = self._zone_workbook(t, zone)
            if t == RESUB_MONTH and extras:
                self._resubmission(t, zone, arrived)
            self._commune_csv(t, commune)
        if not extras:
            return
        html = (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Lỗi</title></head>'
            "<body><h1>Phiên làm việc đã hết hạn</h1><p>Vui lòng đăng nhập lại để tải báo "
            "cáo.</p></body></html>\n"
        )
        rel = f"{SOURCE}/2022/bao_cao_thang_13.xlsx"
        self.out.raw(
            rel,
            SOURCE,
            html.encode("utf-8"),
            fmt="html",
            mtime=datetime(2023, 1, 16, 10, 5),
            quirks="named .xlsx but is an HTML error page: cannot be read",
        )
        self.out.truth.unreadable_files.append(rel)

    def _written(self, rec: dict, commune_variant: str, zone_full: bool, rule: str | None) -> dict:
        """The record as written: corrupted if bad, commune and zone spelled as in the file."""
        vals = self._corrupt(rec, rule) if rule else dict(rec)
        commune = fmt_commune(rec["commune_code"], commune_variant)
        if rule == "commune":
            commune = self.rng.choice(("Xã Gio Mỹ", "Xã Gio Hải", "Trung Giang"))
        vals["commune"] = commune
        vals["industrial_zone"] = fmt_zone(rec["zone_code"], zone_full) or None
        return vals

    def _truth(self, vals: dict, rel: str, row_number: int) -> None:
        rec = {k: vals[k] for k in (c[0] for c in COLUMNS)}
        rec["commune"] = nfc(rec["commune"])
        rec["unit_name"] = nfc(rec["unit_name"])
        rec.update(
            commune_code=vals["commune_code"],
            zone_code=vals["zone_code"],
            file=rel,
            row_number=row_number,
        )
        self.history.append(rec)

    def _zone_workbook(self, t: int, rows: list[dict], resub: dict | None = None) -> datetime:
        rng = self.rng
        period = MONTHS[t]
        suffix = "_bo_sung" if resub is not None else ""
        stem = f"BC_SXKD_KCN-CCN_{period.year}-{period.month:02d}{suffix}"
        rel = f"{SOURCE}/{period.year}/{stem}.xlsx"
        title = [
            [
                "BÁO CÁO TÌNH HÌNH SẢN XUẤT KINH DOANH CÁC DOANH NGHIỆP TRONG KCN, CCN"
                + (" (BỔ SUNG, ĐIỀU CHỈNH)" if resub is not None else "")
            ],
            [f"Tháng {period.month} năm {period.year}"],
        ]
        if t % 3 != 1:
            title.append(["Đơn vị tính: triệu đồng"])
        if t % 2 == 0:
            title.append([])
        head = ["STT"] + [header(c, n, u, "xlsx") for c, n, u, _ in COLUMNS]
        period_style = ("mm/yyyy", "thang", "m/yyyy", "yyyy-mm")[t % 4]
        yes_no = 0 if t % 2 == 0 else 1
        text_dates = t == 6
        text_number_row = rng.randrange(len(rows)) if rows and t in (4, 16) else None
        sheet_rows: list[list] = [*title, head]
        sums = dict.fromkeys(SUMMED, 0.0)
        latest_dates: list[date] = []
        for i, rec in enumerate(rows):
            rule = self.bad.get(id(rec)) if resub is None else None
            if resub is not None and rec["tax_code"] in resub:
                rec = resub[rec["tax_code"]]
            vals = self._written(
                rec, rng.choice(("full", "full", "bare", "abbr", "code")), rng.random() < 0.3, rule
            )
            latest_dates.append(vals["report_date"])
            row_number = len(sheet_rows) + 1
            cells: list = [i + 1]
            for c, _, _, kind in COLUMNS:
                v = vals[c]
                if kind == "period":
                    v = fmt_period(v, period_style)
                elif kind == "date" and text_dates:
                    v = fmt_date(v, "dmy")
                elif kind == "bool":
                    v = fmt_yes_no(v, yes_no)
                elif c == "own_capital_invested" and not v:
                    v = None
                elif c in SUMMED:
                    sums[c] += v
                cells.append(v)
            if text_number_row == i:  # a number typed as text (unambiguous)
                pos = 1 + [c[0] for c in COLUMNS].index("gross_output_current")
                cells[pos] = fmt_number(cells[pos], "vn", 1, force_decimal=True)
            sheet_rows.append(cells)
            if rule:
                column, text = BAD_RULES[rule]
                self.out.bad(SOURCE, rel, row_number, column, text)
            else:
                self._truth(vals, rel, row_number)
        total = [None, "Tổng cộng"] + [None] * (len(COLUMNS) - 1)
        for c in SUMMED:
            pos = 1 + [x[0] for x in COLUMNS].index(c)
            total[pos] = (
                round(sums[c], 1) if c not in ("employees", "trained_employees") else int(sums[c])
            )
        sheet_rows.append(total)
        latest = max(latest_dates, default=next_month(period))
        arrived = datetime.combine(
            latest + timedelta(days=rng.randint(1, 2)), time(8, rng.randint(0, 59))
        )
        quirks = (
            f"title block {len(title)} rows, STT, 'Tổng cộng' total row, multi-line headers"
            f" with units, period as '{fmt_period(period, period_style)}', yes/no "
            f"{'Có/Không' if yes_no == 0 else 'x/blank'}"
        )
        if text_dates:
            quirks += ", report dates typed as text"
        if text_number_row is not None:
            quirks += ", one output typed as text '1.234,5'"
        if resub is not None:
            quirks += f", RESUBMISSION of {period:%m/%Y} ({len(resub)} units changed)"
        sheet = f"T{period.month}-{period.year}" if t % 2 else "Sheet1"
        self.out.xlsx(
            rel,
            SOURCE,
            [(sheet, sheet_rows, len(title))],
            mtime=arrived,
            data_rows=len(rows),
            quirks=quirks,
        )
        return arrived

    def _resubmission(self, t: int, rows: list[dict], first_arrival: datetime) -> None:
        """The same month's zone workbook sent again, with a few units corrected."""
        rng = self.rng
        n = min(len(rows), max(2, round(4 * len(self.units) / 150)), 12)
        changed = rng.sample(rows, n)
        new_date = first_arrival.date() + timedelta(days=rng.randint(8, 14))
        resub = {}
        for rec in changed:
            new = dict(rec)
            f = rng.choice((rng.uniform(0.85, 0.95), rng.uniform(1.05, 1.2)))
            for c in ("gross_output_current", "gross_output_const2010", "revenue"):
                new[c] = round(rec[c] * f, 1)
            new["employees"] = rec["employees"] + rng.randint(0, 5)
            new["report_date"] = new_date
            new["note"] = "Điều chỉnh số liệu"
            resub[rec["tax_code"]] = new
            self.out.truth.resubmissions.append(
                {
                    "tax_code": rec["tax_code"],
                    "period": rec["period"],
                    "old_report_date": rec["report_date"],
                    "new_report_date": new_date,
                    "old_gross_output_current": rec["gross_output_current"],
                    "new_gross_output_current": new["gross_output_current"],
                }
            )
        self._zone_workbook(t, rows, resub=resub)

    def _commune_csv(self, t: int, rows: list[dict]) -> None:
        rng = self.rng
        period = MONTHS[t]
        style = csv_style(t)
        rel = f"{SOURCE}/{period.year}/cn_xa_thi_tran_{period.year}{period.month:02d}.csv"
        order = list(range(len(COLUMNS)))
        if style.shuffled:
            rng.shuffle(order)
        cols = [COLUMNS[i] for i in order]
        head = [header(c, n, u, style.headers) for c, n, u, _ in cols]
        if style.extra_address:
            head.append("Địa chỉ")
        period_style = ("mm/yyyy", "m/yyyy", "yyyy-mm", "thang")[t % 4]
        yes_no = t % 3
        written, rules = [], []
        for rec in rows:
            rule = self.bad.get(id(rec))
            variant = rng.choice(("full", "full", "bare", "abbr", "abbr2", "code"))
            written.append(self._written(rec, variant, False, rule))
            rules.append(rule)
        columns: dict[str, list[str]] = {}
        for c, _, _, kind in cols:
            vals = [w[c] for w in written]
            if kind == "period":
                cells = [fmt_period(v, period_style) for v in vals]
            elif kind == "date":
                cells = [fmt_date(v, style.dates) for v in vals]
            elif kind == "bool":
                cells = [fmt_yes_no(v, yes_no) for v in vals]
            elif kind == "int":
                cells = [fmt_number(v, style.numbers, 0) for v in vals]
            elif kind == "money":
                cells = [
                    fmt_number(v, style.numbers, 1)
                    if v or c != "own_capital_invested"
                    else style.zero_capital
                    for v in vals
                ]
                cells = resolve_column(
                    cells,
                    vals,
                    style.numbers,
                    1,
                    trusted=[r is None for r in rules],
                    frozen=[r == "ambiguous" and c == "own_capital_invested" for r in rules],
                )
            else:
                cells = ["" if v is None else str(v) for v in vals]
            columns[c] = cells
        lines: list[list[str]] = [head]
        for i, w in enumerate(written):
            line = [columns[c][i] for c, *_ in cols]
            if style.extra_address:
                commune = COMMUNE_BY_CODE[w["commune_code"]]
                line.append(f"Thôn {rng.randint(1, 9)}, {commune[2]} {commune[1]}")
            lines.append(line)
            row_number = len(lines)
            if rules[i]:
                column, text = BAD_RULES[rules[i]]
                self.out.bad(SOURCE, rel, row_number, column, text)
            else:
                self._truth(w, rel, row_number)
        latest = max((r["report_date"] for r in rows), default=next_month(period))
        arrived = datetime.combine(
            latest + timedelta(days=rng.randint(2, 4)), time(14, rng.randint(0, 59))
        )
        yes, no = (("Có", "Không"), ("x", "blank"), ("1", "0"))[yes_no]
        quirks = (
            f"{style.name}; period as '{fmt_period(period, period_style)}'; yes/no "
            f"{yes}/{no}"
            "; communes as name, bare name, 'TT.' abbreviation or GSO code"
        )
        if style.extra_address:
            quirks += "; extra column 'Địa chỉ'"
        self.out.csv(
            rel,
            SOURCE,
            lines,
            delimiter=style.delimiter,
            encoding=style.encoding,
            mtime=arrived,
            data_rows=len(rows),
            quirks=quirks,
        )
