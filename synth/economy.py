"""Economic accounts (district statistics office): value added by sector, yearly or quarterly."""

from __future__ import annotations

import random
from datetime import datetime

from .enterprise_files import header
from .formats import fmt_number, resolve_column
from .output import Output

SOURCE = "economic_accounts"
FOLDER = "economy"
AGRI, INDUSTRY, CONSTRUCTION, SERVICES, TAXES = SECTORS = (
    "Nông, lâm nghiệp và thủy sản",
    "Công nghiệp",
    "Xây dựng",
    "Dịch vụ",
    "Thuế sản phẩm",
)
COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("year", "Năm", None),
    ("quarter", "Quý", None),
    ("sector", "Khu vực", None),
    ("value_added_current", "Giá trị tăng thêm theo giá hiện hành", "triệu đồng"),
)
BAD_RULES = {
    "quarter": ("quarter", "quarter outside 1-4"),
    "sector": ("sector", "unknown sector"),
}
OFFICE = "CHI CỤC THỐNG KÊ HUYỆN VĨNH LINH"
# share of each quarter in the year, by sector (harvests in Q2 and Q4, Tết in Q1)
QUARTER_WEIGHTS = {
    AGRI: (0.21, 0.29, 0.2, 0.3),
    INDUSTRY: (0.23, 0.25, 0.25, 0.27),
    CONSTRUCTION: (0.18, 0.24, 0.26, 0.32),
    SERVICES: (0.26, 0.24, 0.24, 0.26),
    TAXES: (0.24, 0.25, 0.25, 0.26),
}
BASE_2021 = {
    AGRI: (980_000, 1_060_000),
    CONSTRUCTION: (360_000, 400_000),
    SERVICES: (1_180_000, 1_280_000),
    TAXES: (180_000, 200_000),
}


def _split(rng: random.Random, total: float, weights: tuple[float, ...]) -> list[float]:
    w = [x * rng.uniform(0.95, 1.05) for x in weights]
    parts = [round(total * x / sum(w), 1) for x in w]
    parts[-1] = round(total - sum(parts[:-1]), 1)
    return parts


def build_accounts(rng: random.Random) -> tuple[dict[str, float], dict[str, list[float]], float]:
    """2021 yearly values, 2022 final quarterly values, and the official 2022 yearly value
    of industry (1.5–4 % above the sum of its quarters). Industry's 2022 share, measured
    from that yearly row, is 12.6–14.6 %."""
    y21 = {s: round(rng.uniform(*BASE_2021[s]), 1) for s in BASE_2021}
    share21 = rng.uniform(0.122, 0.132)
    y21[INDUSTRY] = round(share21 / (1 - share21) * sum(y21.values()), 1)
    q22 = {s: _split(rng, y21[s] * rng.uniform(1.06, 1.11), QUARTER_WEIGHTS[s]) for s in BASE_2021}
    share22 = rng.uniform(0.126, 0.146)
    ind_year = round(share22 / (1 - share22) * sum(sum(v) for v in q22.values()), 1)
    q22[INDUSTRY] = _split(rng, ind_year / rng.uniform(1.015, 1.04), QUARTER_WEIGHTS[INDUSTRY])
    return {s: y21[s] for s in SECTORS}, {s: q22[s] for s in SECTORS}, ind_year


def write_economy(out: Output, rng: random.Random, rng23: random.Random) -> None:
    """2021 yearly workbook; 2022 one file per quarter (the Q2 file revises Q1: later file
    wins), and the official 2022 yearly figure of industry on top of its quarterly rows;
    2023 Q1 and Q2 (the Q2 file revises Q1), from rng23."""
    y21, q22, ind_year = build_accounts(rng)
    effective: dict[tuple[int, int | None, str], dict] = {}
    text_col = len(COLUMNS)  # position of the value cell in an xlsx row with STT

    def keep(
        rel: str, row_number: int, year: int, quarter: int | None, sector: str, value: float
    ) -> None:
        effective[year, quarter, sector] = {
            "year": year,
            "quarter": quarter,
            "sector": sector,
            "value_added_current": value,
            "file": rel,
            "row_number": row_number,
        }

    def workbook(
        rel: str,
        title: list[list],
        rows: list[tuple[int, int | None, str, float]],
        total_label: str | None,
        arrived: datetime,
        quirks: str,
    ) -> None:
        head = ["STT"] + [header(c, n, u, "xlsx") for c, n, u in COLUMNS]
        table: list[list] = [*title, head]
        for i, (year, quarter, sector, value) in enumerate(rows):
            table.append([i + 1, year, quarter, sector, value])
            keep(rel, len(table), year, quarter, sector, value)
        if total_label:
            total: list = [total_label, None, None, None, None]
            total[text_col] = round(sum(r[3] for r in rows), 1)
            table.append(total)
        out.xlsx(
            rel,
            SOURCE,
            [("GTTT", table, len(title))],
            mtime=arrived,
            data_rows=len(rows),
            quirks=quirks,
        )

    workbook(
        f"{FOLDER}/2021/GTTT_2021_ca_nam.xlsx",
        [
            [OFFICE],
            ["GIÁ TRỊ TĂNG THÊM THEO GIÁ HIỆN HÀNH PHÂN THEO KHU VỰC KINH TẾ NĂM 2021"],
            ["Đơn vị tính: triệu đồng"],
        ],
        [(2021, None, s, y21[s]) for s in SECTORS],
        "Tổng cộng",
        datetime(2022, 2, rng.randint(14, 24), 14, rng.randint(0, 59), 33),
        "yearly rows (quarter blank), title block 3 rows, STT, 'Tổng cộng' total row "
        "(label in the STT column) = the district's gross product",
    )

    # 2022 quarterly CSV exports (Q1 preliminary, revised in the Q2 file)
    pre_q1 = {s: round(q22[s][0] * rng.uniform(0.97, 0.995), 1) for s in SECTORS}
    bad_quarter = rng.choice((CONSTRUCTION, SERVICES, TAXES))
    csvs = (
        (
            "GTTT_2022_Q1.csv",
            "cp1258",
            ";",
            "vn",
            "vi",
            [(1, s, pre_q1[s], None) for s in SECTORS],
            "Windows-1258, ';', numbers '98.765,4', preliminary Q1 (revised in the Q2 file), one "
            "quarter typed '5'",
        ),
        (
            "GTTT_2022_Q2.csv",
            "utf-8-sig",
            ",",
            "plain",
            "vi",
            [(1, s, q22[s][0], "Số điều chỉnh") for s in SECTORS]
            + [(2, s, q22[s][1], None) for s in SECTORS],
            "UTF-8 BOM, ',', plain numbers, revised Q1 rows repeated (later file wins), extra "
            "column 'Ghi chú'",
        ),
        (
            "GTTT_2022_Q3.csv",
            "utf-8",
            ";",
            "vn",
            "ascii",
            [(3, s, q22[s][2], None) for s in SECTORS],
            "UTF-8, ';', headers without diacritics, numbers '98.765,4', an extra row for a "
            "sector that is not one of the five",
        ),
    )

    def quarter_csvs(
        year: int,
        csvs: tuple,
        rng: random.Random,
        bad_quarter: str | None,
        mining_quarter: int | None,
    ) -> None:
        """One CSV export per quarter; optionally a bad quarter number and a mining row."""
        for k, (name, enc, delim, numbers, heads, rows, quirks) in enumerate(csvs):
            rel = f"{FOLDER}/{year}/{name}"
            has_note = any(r[3] for r in rows)
            written: list[tuple[str, str, float, str | None, str | None]] = []
            for quarter, sector, value, note in rows:
                bad = "quarter" if k == 0 and sector == bad_quarter else None
                written.append(("5" if bad else str(quarter), sector, value, note, bad))
            if k == mining_quarter:  # mining split out of industry by mistake
                written.insert(
                    2,
                    (str(k + 1), "Khai khoáng", round(q22[INDUSTRY][2] * 0.06, 1), None, "sector"),
                )
            values = [w[2] for w in written]
            cells = resolve_column(
                [fmt_number(v, numbers, 1) for v in values],
                values,
                numbers,
                1,
                trusted=[w[4] is None for w in written],
            )
            lines: list[list[str]] = [
                [header(c, n, u, heads) for c, n, u in COLUMNS] + (["Ghi chú"] if has_note else [])
            ]
            for w, cell in zip(written, cells, strict=True):
                lines.append([str(year), w[0], w[1], cell] + ([w[3] or ""] if has_note else []))
                if w[4]:
                    out.bad(SOURCE, rel, len(lines), *BAD_RULES[w[4]])
                else:
                    keep(rel, len(lines), year, int(w[0]), w[1], w[2])
            arrived = datetime(year, 3 * k + 4, rng.randint(12, 20), 8, rng.randint(0, 59), 33)
            out.csv(
                rel,
                SOURCE,
                lines,
                delimiter=delim,
                encoding=enc,
                mtime=arrived,
                data_rows=len(written),
                quirks=quirks,
            )

    quarter_csvs(2022, csvs, rng, bad_quarter, 2)

    workbook(
        f"{FOLDER}/2022/GTTT_2022_Q4.xlsx",
        [
            [OFFICE],
            ["GIÁ TRỊ TĂNG THÊM THEO GIÁ HIỆN HÀNH QUÝ IV NĂM 2022"],
            ["Đơn vị tính: triệu đồng"],
            [],
        ],
        [(2022, 4, s, q22[s][3]) for s in SECTORS],
        "Cộng",
        datetime(2023, 1, rng.randint(9, 13), 9, rng.randint(0, 59), 33),
        "quarterly rows, title block 4 rows, STT, 'Cộng' total row (label in the STT column)",
    )
    workbook(
        f"{FOLDER}/2022/GTTT_2022_nam_CN.xlsx",
        [[OFFICE], ["GIÁ TRỊ TĂNG THÊM NGÀNH CÔNG NGHIỆP NĂM 2022 (SỐ CHÍNH THỨC)"]],
        [(2022, None, INDUSTRY, ind_year)],
        None,
        datetime(2023, 1, rng.randint(20, 27), 15, rng.randint(0, 59), 33),
        "one yearly row for industry 2022 (quarter blank) while its four quarterly rows "
        "are loaded too: the yearly row is used, never both",
    )
    # 2023: Q1 (preliminary) and Q2 (revising Q1), as in 2022, from their own stream
    q23 = {
        s: [round(v * g, 1) for v in q22[s][:2]]
        for s, g in (
            (s, rng23.uniform(1.07, 1.13) if s == INDUSTRY else rng23.uniform(1.05, 1.10))
            for s in SECTORS
        )
    }
    pre23 = {s: round(q23[s][0] * rng23.uniform(0.97, 0.995), 1) for s in SECTORS}
    quarter_csvs(
        2023,
        (
            (
                "GTTT_2023_Q1.csv",
                "cp1258",
                ";",
                "vn",
                "vi",
                [(1, s, pre23[s], None) for s in SECTORS],
                "Windows-1258, ';', numbers '98.765,4', preliminary Q1 (revised in the Q2 file)",
            ),
            (
                "GTTT_2023_Q2.csv",
                "utf-8-sig",
                ",",
                "plain",
                "vi",
                [(1, s, q23[s][0], "Số điều chỉnh") for s in SECTORS]
                + [(2, s, q23[s][1], None) for s in SECTORS],
                "UTF-8 BOM, ',', plain numbers, revised Q1 rows repeated (later file wins), extra "
                "column 'Ghi chú'",
            ),
        ),
        rng23,
        None,
        None,
    )
    out.truth.economic_accounts = sorted(
        effective.values(), key=lambda r: (r["year"], r["quarter"] or 0, SECTORS.index(r["sector"]))
    )
