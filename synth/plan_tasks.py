"""Plan tasks (sections III–IV of Kế hoạch 24/KH-UBND): progress reports of the lead units."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from .enterprise_files import header
from .formats import fmt_date, fmt_number, nfc, resolve_column
from .output import Output
from .reference import LEAD_UNITS

SOURCE = "plan_tasks"
FOLDER = "plan_tasks"
UNIT = dict(LEAD_UNITS)
COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("task_code", "Mã nhiệm vụ", None),
    ("task_name", "Nội dung nhiệm vụ", None),
    ("lead_unit", "Đơn vị chủ trì", None),
    ("partner_units", "Đơn vị phối hợp", None),
    ("due_date", "Hạn hoàn thành", None),
    ("report_date", "Ngày báo cáo", None),
    ("status", "Tình trạng", None),
    ("percent_done", "Tỷ lệ hoàn thành", "%"),
    ("done_date", "Ngày hoàn thành", None),
)
NOT_STARTED, ONGOING, DONE, PAUSED = "Chưa triển khai", "Đang thực hiện", "Hoàn thành", "Tạm dừng"
BAD_RULES = {
    "no_done_date": ("done_date", "status 'Hoàn thành' without a done date"),
    "percent": ("percent_done", "percent done above 100"),
    "lead_unit": ("lead_unit", "lead unit not in the reference list"),
}
KKT = "Ban Quản lý Khu kinh tế tỉnh"
# code, task, lead unit code, partners (codes or names), due date, outcome, first round
# outcome: on_time | on_due (done on the due date) | late | overdue | paused | future |
# future_todo (not started at its first report)
TASKS: tuple[tuple[str, str, str, tuple[str, ...], date, str, int], ...] = (
    (
        "KH24-01",
        "Khảo sát, đánh giá thực trạng hạ tầng kinh tế - xã hội phục vụ phát triển Công nghiệp",
        "KTHT",
        ("TCKH", "UBNDXA"),
        date(2022, 6, 30),
        "on_time",
        0,
    ),
    (
        "KH24-02",
        "KCN Tây Bắc Hồ Xá: hỗ trợ nhà đầu tư Công ty Cổ phần Quang Anh Quảng Trị "
        "hoàn thiện thủ tục, triển khai đầu tư cơ sở hạ tầng Khu A",
        "KTHT",
        (KKT, "BQLDA", "UBND xã Vĩnh Long", "UBND xã Vĩnh Chấp"),
        date(2022, 12, 31),
        "overdue",
        0,
    ),
    (
        "KH24-03",
        "Giải phóng mặt bằng Khu A KCN Tây Bắc Hồ Xá",
        "BQLDA",
        ("TNMT", "UBND xã Vĩnh Long", "UBND xã Vĩnh Chấp"),
        date(2023, 6, 30),
        "future",
        1,
    ),
    (
        "KH24-04",
        "CCN Vùng Đông: làm việc với các đơn vị liên quan, thống nhất giao chủ đầu tư "
        "cơ sở hạ tầng CCN",
        "KTHT",
        ("TCKH", "TTCCN"),
        date(2022, 9, 30),
        "late",
        0,
    ),
    (
        "KH24-05",
        "CCN phía Tây: nghiên cứu bổ sung vào quy hoạch phát triển công nghiệp",
        "KTHT",
        ("TNMT", "TTCCN"),
        date(2022, 10, 31),
        "on_due",
        0,
    ),
    (
        "KH24-06",
        "CCN phía Tây: tổ chức lập quy hoạch chi tiết CCN",
        "TTCCN",
        ("KTHT", "TNMT"),
        date(2023, 6, 30),
        "future_todo",
        1,
    ),
    (
        "KH24-07",
        "Lập dự án đầu tư kết cấu hạ tầng CCN Vùng Đông",
        "TTCCN",
        ("BQLDA", "TCKH"),
        date(2023, 12, 31),
        "future_todo",
        2,
    ),
    (
        "KH24-08",
        "Hỗ trợ Công ty Scavi Huế hoàn thiện thủ tục, đưa Nhà máy sản xuất trang phục "
        "lót và hàng thể thao vào hoạt động trong Quý 4/2022",
        "KTHT",
        (KKT, "LDTBXH"),
        date(2022, 12, 31),
        "on_time",
        1,
    ),
    (
        "KH24-09",
        "Hỗ trợ nhà máy nước sạch tại KCN Tây Bắc Hồ Xá hoàn thiện thủ tục đầu tư",
        "KTHT",
        (KKT, "TNMT"),
        date(2022, 12, 31),
        "late",
        1,
    ),
    (
        "KH24-10",
        "Hỗ trợ Nhà máy sản xuất thức ăn chăn nuôi Hiền Lương tại KCN Tây Bắc Hồ Xá",
        "KTHT",
        ("NNPTNT", "TNMT"),
        date(2022, 12, 31),
        "paused",
        1,
    ),
    (
        "KH24-11",
        "Hướng dẫn, hỗ trợ các nhà đầu tư xây dựng hoàn thiện nhà máy, đi vào hoạt "
        "động tại CCN Cửa Tùng",
        "TTCCN",
        ("KTHT", "UBND thị trấn Cửa Tùng"),
        date(2022, 12, 31),
        "on_time",
        0,
    ),
    (
        "KH24-12",
        "Thu hút đầu tư dự án công nghiệp mới: thủ công mỹ nghệ, đồ hộp, thủy hải "
        "sản, năng lượng mặt trời, năng lượng gió",
        "TCKH",
        ("KTHT",),
        date(2022, 12, 31),
        "overdue",
        0,
    ),
    (
        "KH24-13",
        "Tham gia hội chợ kết nối hàng nông sản do UBND tỉnh, UBND các huyện tổ chức",
        "TTCCN",
        ("NNPTNT", "KTHT"),
        date(2022, 11, 30),
        "on_time",
        0,
    ),
    (
        "KH24-14",
        "Hỗ trợ xây dựng 01 gian hàng bán sản phẩm OCOP và nông sản sạch địa phương",
        "NNPTNT",
        ("KTHT", "TTCCN"),
        date(2022, 9, 30),
        "on_time",
        0,
    ),
    (
        "KH24-15",
        "Tham gia bình chọn sản phẩm công nghiệp nông thôn tiêu biểu của tỉnh năm 2022",
        "TTCCN",
        ("KTHT",),
        date(2022, 8, 31),
        "on_time",
        0,
    ),
    (
        "KH24-16",
        "Hỗ trợ cá nhân, cơ sở sản xuất mở website, trang bán hàng điện tử",
        "KTHT",
        ("VHTT", "TTCCN"),
        date(2022, 12, 31),
        "overdue",
        1,
    ),
    (
        "KH24-17",
        "Xây dựng Chương trình xúc tiến thương mại năm 2022",
        "KTHT",
        ("TCKH",),
        date(2022, 4, 30),
        "on_due",
        0,
    ),
    (
        "KH24-18",
        "Tham mưu UBND huyện bố trí nguồn kinh phí khuyến công năm 2022",
        "TCKH",
        ("TTCCN",),
        date(2022, 3, 31),
        "on_time",
        0,
    ),
    (
        "KH24-19",
        "Kiểm tra công tác bảo vệ môi trường tại các doanh nghiệp, cơ sở sản xuất Công nghiệp",
        "TNMT",
        ("KTHT", "UBNDXA"),
        date(2022, 11, 30),
        "late",
        0,
    ),
    (
        "KH24-20",
        "Hướng dẫn các xã, thị trấn thực hiện Chương trình mỗi xã một sản phẩm (OCOP) năm 2022",
        "NNPTNT",
        ("UBNDXA",),
        date(2022, 12, 31),
        "on_time",
        0,
    ),
    (
        "KH24-21",
        "Thông tin, tuyên truyền, quảng bá tiềm năng, cơ chế chính sách thu hút đầu tư "
        "phát triển Công nghiệp",
        "VHTT",
        ("KTHT",),
        date(2022, 12, 31),
        "on_time",
        0,
    ),
    (
        "KH24-22",
        "Thanh tra, kiểm tra việc chấp hành chính sách phát triển Công nghiệp, công "
        "tác bồi thường, giải phóng mặt bằng",
        "TTRA",
        ("TNMT", "BQLDA"),
        date(2022, 12, 31),
        "on_time",
        1,
    ),
    (
        "KH24-23",
        "Đào tạo nghề, giải quyết việc làm cho người lao động, đặc biệt là lao động may mặc",
        "LDTBXH",
        ("UBNDXA", "TTCCN"),
        date(2022, 12, 31),
        "on_time",
        0,
    ),
    (
        "KH24-24",
        "Tổ chức thực hiện hoạt động khuyến công đến các doanh nghiệp, cơ sở sản xuất",
        "TTCCN",
        ("KTHT", "TCKH"),
        date(2022, 12, 31),
        "on_time",
        0,
    ),
    (
        "KH24-25",
        "Tuyên truyền chủ trương, chính sách; báo cáo tình hình hoạt động của các cơ sở "
        "Công nghiệp",
        "UBNDXA",
        ("KTHT",),
        date(2022, 12, 31),
        "on_time",
        0,
    ),
)
# bad rows: (task, round) -> rule
BAD_REPORTS = {
    ("KH24-23", 3): "no_done_date",
    ("KH24-11", 1): "percent",
    ("KH24-08", 1): "lead_unit",
}
ROUND_WINDOWS = (
    date(2022, 4, 4),
    date(2022, 7, 4),
    date(2022, 10, 3),
    date(2023, 1, 4),
    date(2023, 4, 3),
    date(2023, 7, 3),
)
ROUND_NAMES = (
    "Quý I/2022",
    "6 tháng đầu năm 2022",
    "9 tháng năm 2022",
    "năm 2022",
    "Quý I/2023",
    "6 tháng đầu năm 2023",
)
ROUND_FOLDERS = ("2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4", "2023-Q1", "2023-Q2")
ROUNDS_2022, ROUNDS_2023 = range(4), range(4, 6)
OWN_FILES = ("TTCCN", "NNPTNT", "BQLDA")  # units that send their own CSV; others via KTHT
NOTES = {
    PAUSED: "Nhà đầu tư tạm dừng, chờ điều chỉnh chủ trương đầu tư",
    NOT_STARTED: "Chờ bố trí kinh phí",
}


@dataclass
class Report:
    """One progress report of one task."""

    task: tuple
    round: int
    report_date: date
    status: str
    percent: float
    done_date: date | None
    bad: str | None = None
    extra: dict = field(default_factory=dict)


def _partners(codes: tuple[str, ...]) -> str:
    return "; ".join(UNIT.get(c, c) for c in codes)


def build_reports(rng: random.Random) -> list[Report]:
    """2–4 reports per task over the four reporting rounds (the last one in January 2023)."""
    unit_dates = {
        (u, k): ROUND_WINDOWS[k] + timedelta(days=rng.randint(0, 8)) for u in UNIT for k in range(4)
    }
    out: list[Report] = []
    for task in TASKS:
        code, _, unit, _, due, outcome, first = task
        if outcome == "on_time" and due.month > 6 and rng.random() < 0.15:
            outcome = "late"  # some tasks slip, depending on the seed
        start = date(2022, 2, 15) + timedelta(days=91 * first + rng.randint(0, 30))
        start = min(start, due - timedelta(days=30))
        last_date = unit_dates[unit, 3]
        done = None
        if outcome == "on_time":
            done = due - timedelta(days=rng.randint(0, min(40, (due - start).days - 20)))
        elif outcome == "on_due":
            done = due
        elif outcome == "late":
            done = min(due + timedelta(days=rng.randint(12, 60)), last_date - timedelta(days=1))
        rounds = list(range(first, 4))
        if done is not None:  # a finished task is reported once more, then dropped
            done_round = next(k for k in rounds if unit_dates[unit, k] >= done)
            rounds = [k for k in rounds if k <= done_round + 1]
        has_bad = any(c == code for c, _ in BAD_REPORTS)
        if len(rounds) == 4 and rng.random() < 0.3 and not has_bad:
            rounds.remove(rng.choice(rounds[1:3]))
        assert len(rounds) >= 2, code
        end_pct = rng.choice((60, 70, 75, 80, 85, 90))
        for k in rounds:
            day = unit_dates[unit, k]
            frac = max(0.0, (day - start).days / max(1, ((done or due) - start).days))
            if done is not None and day >= done:
                status, pct, dd = DONE, 100.0, done
            elif day < start or (outcome == "future_todo" and k == first):
                status, pct, dd = NOT_STARTED, 0.0, None
            elif outcome == "paused" and k >= 2:
                status, pct, dd = PAUSED, 30.0, None
            else:
                cap = end_pct if outcome in ("overdue", "future", "future_todo") else 95
                pct = float(min(cap, max(5, round(frac * cap / 5) * 5)))
                status, dd = ONGOING, None
            out.append(Report(task, k, day, status, pct, dd, BAD_REPORTS.get((code, k))))
    for r in out:
        if r.bad == "no_done_date":
            r.status, r.percent, r.done_date = DONE, 100.0, None
        elif r.bad == "percent":
            r.percent = 120.0
    return out


def build_reports_2023(rng: random.Random, reports: list[Report]) -> list[Report]:
    """The two 2023 rounds (Quý I and 6 tháng đầu năm 2023), continuing each task from its
    latest 2022 report: a task done in the last 2022 round is reported once more; an open
    task progresses (an overdue one may be finished, late); the one due mid-2023 ('future')
    is finished on time in late June, which only the July round reports. Tasks whose latest
    2022 row was rejected are not reported again (their 2022 result stays as it was)."""
    unit_dates = {
        (u, k): ROUND_WINDOWS[k] + timedelta(days=rng.randint(0, 8))
        for u in UNIT
        for k in ROUNDS_2023
    }
    out: list[Report] = []
    for task in TASKS:
        code, _, unit, _, due, outcome, _ = task
        mine = sorted((r for r in reports if r.task[0] == code), key=lambda r: r.round)
        last = mine[-1]
        if last.bad:
            continue
        if last.status == DONE:
            if sum(r.status == DONE for r in mine) == 1 and last.round == ROUNDS_2022[-1]:
                k = ROUNDS_2023[0]
                out.append(Report(task, k, unit_dates[unit, k], DONE, 100.0, last.done_date))
            continue
        status, pct, done = last.status, last.percent, None
        for k in ROUNDS_2023:
            day = unit_dates[unit, k]
            previous = unit_dates[unit, k - 1] if k > ROUNDS_2023[0] else last.report_date
            if done is not None:  # reported once more, then dropped
                out.append(Report(task, k, day, DONE, 100.0, done))
                break
            if outcome == "paused":
                status = PAUSED
            elif outcome == "future" and due <= day:
                done = due - timedelta(days=rng.randint(3, 15))
            elif outcome == "overdue" and rng.random() < 0.4:
                done = previous + timedelta(days=rng.randint(5, max(6, (day - previous).days - 5)))
            else:
                status = ONGOING
                pct = float(min(95, pct + rng.choice((10, 15, 20, 25))))
            if done is not None:
                out.append(Report(task, k, day, DONE, 100.0, done))
            else:
                out.append(Report(task, k, day, status, pct, None))
    return out


@dataclass(frozen=True)
class _Layout:
    fmt: str  # xlsx | csv
    encoding: str
    delimiter: str
    numbers: str
    dates: str
    headers: str


LAYOUTS = {
    "KTHT": _Layout("xlsx", "", "", "", "", "xlsx"),
    "TTCCN": _Layout("csv", "utf-8-sig", ",", "plain", "dmy", "vi"),
    "NNPTNT": _Layout("csv", "cp1258", ";", "vn", "d/m/y", "vi"),
    "BQLDA": _Layout("csv", "utf-8", ";", "vn", "iso", "ascii"),
}
QUIRKS = {
    "KTHT": "xlsx compiled by Phòng KT&HT for the other lead units: title block 4 rows, STT, "
    "date cells, several report dates in one file, extra column 'Khó khăn, vướng mắc'",
    "TTCCN": "UTF-8 BOM, ',' (the centre's own name, which holds a comma, quoted; ';' "
    "inside partner units unquoted), dd/mm/yyyy",
    "NNPTNT": "Windows-1258, ';', partner units holding ';' quoted, d/m/yyyy, one title line",
    "BQLDA": "UTF-8, ';', headers without diacritics, ISO dates",
}


def write_plan_tasks(out: Output, rng: random.Random, rng23: random.Random) -> None:
    """Per reporting round: Phòng KT&HT's compiled workbook, and the CSV of the units that
    report directly; the two 2023 rounds (April and July 2023) from rng23."""
    reports = build_reports(rng)
    history: list[dict] = []
    for k in ROUNDS_2022:
        _write_round(out, rng, k, reports, history)
    reports23 = build_reports_2023(rng23, reports)
    for k in ROUNDS_2023:
        _write_round(out, rng23, k, reports23, history)
    out.truth.plan_tasks = sorted(history, key=lambda r: (r["task_code"], r["report_date"]))


def _write_round(
    out: Output, rng: random.Random, k: int, reports: list[Report], history: list[dict]
) -> None:
    """Round k: Phòng KT&HT's compiled workbook and the CSVs of the units reporting directly
    (folder of the quarter reported on, e.g. 2022-Q4 for the reports of January 2023)."""
    folder = f"{FOLDER}/{ROUND_FOLDERS[k]}"
    for sender in ("TTCCN", "NNPTNT", "BQLDA", "KTHT"):
        rows = [
            r
            for r in reports
            if r.round == k
            and (r.task[2] == sender if sender in OWN_FILES else r.task[2] not in OWN_FILES)
        ]
        if not rows:
            continue
        rows.sort(key=lambda r: r.task[0])
        layout = LAYOUTS[sender]
        sent = max(r.report_date for r in rows)
        if sender == "KTHT":
            sent += timedelta(days=2)
            rel = f"{folder}/TH_tien_do_KH24_{sent:%Y%m%d}.xlsx"
        else:
            rel = f"{folder}/{sender}_bao_cao_tien_do_KH24_{sent:%Y%m%d}.csv"
        table: list[list] = []
        if sender == "KTHT":
            table += [
                ["UBND HUYỆN VĨNH LINH"],
                ["PHÒNG KINH TẾ VÀ HẠ TẦNG"],
                ["TỔNG HỢP TIẾN ĐỘ THỰC HIỆN CÁC NHIỆM VỤ KẾ HOẠCH SỐ 24/KH-UBND"],
                [f"Kỳ báo cáo: {ROUND_NAMES[k]}"],
            ]
        elif sender == "NNPTNT":
            table.append([f"BÁO CÁO TIẾN ĐỘ NHIỆM VỤ KẾ HOẠCH 24/KH-UBND - {ROUND_NAMES[k]}"])
        n_title = len(table)
        head = [header(c, n, u, layout.headers) for c, n, u in COLUMNS]
        table.append(["STT", *head, "Khó khăn, vướng mắc"] if sender == "KTHT" else head)
        pcts = [r.percent for r in rows]
        pct_cells = resolve_column(
            [fmt_number(p, layout.numbers or "plain", 1) for p in pcts],
            pcts,
            layout.numbers or "plain",
            1,
        )
        for i, r in enumerate(rows):
            code, name, unit, partners, due = r.task[:5]
            lead = KKT if r.bad == "lead_unit" else UNIT[unit]
            rec = {
                "task_code": code,
                "task_name": name,
                "lead_unit": lead,
                "partner_units": _partners(partners),
                "due_date": due,
                "report_date": r.report_date,
                "status": r.status,
                "percent_done": r.percent,
                "done_date": r.done_date,
            }
            if layout.fmt == "xlsx":
                cells: list = [
                    rec[c]
                    if c != "percent_done"
                    else (int(r.percent) if r.percent.is_integer() else r.percent)
                    for c, _, _ in COLUMNS
                ]
                note = NOTES.get(r.status)
                if r.status == ONGOING and r.report_date > due:
                    note = "Chậm so với kế hoạch, đang tháo gỡ vướng mắc"
                table.append([i + 1, *cells, note])
            else:
                table.append(
                    [
                        fmt_date(v, layout.dates)
                        if c.endswith("_date")
                        else pct_cells[i]
                        if c == "percent_done"
                        else v
                        for c, v in rec.items()
                    ]
                )
            row_number = len(table)
            if r.bad:
                out.bad(SOURCE, rel, row_number, *BAD_RULES[r.bad])
                continue
            rec.update(
                task_name=nfc(name),
                lead_unit=nfc(lead),
                partner_units=nfc(rec["partner_units"]),
                lead_unit_code=unit,
                file=rel,
                row_number=row_number,
            )
            history.append(rec)
        arrived = datetime.combine(sent, time(16, rng.randint(0, 59), 44))
        quirks = QUIRKS[sender] + f"; round '{ROUND_NAMES[k]}'"
        if any(r.bad for r in rows):
            quirks += "; " + ", ".join(BAD_RULES[r.bad][1] for r in rows if r.bad)
        if layout.fmt == "xlsx":
            out.xlsx(
                rel,
                SOURCE,
                [("Tien do", table, n_title)],
                mtime=arrived,
                data_rows=len(rows),
                quirks=quirks,
            )
        else:
            out.csv(
                rel,
                SOURCE,
                table,
                delimiter=layout.delimiter,
                encoding=layout.encoding,
                mtime=arrived,
                data_rows=len(rows),
                quirks=quirks,
            )
