"""The smallest file of each kind of hostility the invariants found broken, by hand.

Each is what the generator's failing batches reduce to: one enterprise report (or labour list)
with one or two rows of the corpus' known-good values (tests.support.helpers.enterprise_row) and the
one hostile feature. tests/e2e/test_hostile_files.py checks the same invariants on each.
"""

from __future__ import annotations

from tests.support.corpus.cases import LABOUR_HEADERS, _labour_row
from tests.support.helpers import ENTERPRISE_HEADERS, enterprise_row
from tests.support.hostile.files import Batch, Cell, HostileFile, Row, Sheet

ER, ER_DIR = "enterprise_reports", "enterprise_reports"
LABOUR, LABOUR_DIR = "labour_spells", "labour"
REVENUE = ENTERPRISE_HEADERS.index("Doanh thu")
PERIOD = ENTERPRISE_HEADERS.index("Kỳ báo cáo")


def er_row(n: int, **cells: Cell) -> Row:
    """A valid enterprise row; ``cells`` by column position (c10=…) make it hostile."""
    values: list[Cell] = list(enterprise_row(n).values())
    for key, value in cells.items():
        values[int(key[1:])] = value
    clean = not cells or all(int(k[1:]) != REVENUE for k in cells)
    return Row("data", tuple(v if v != "" else None for v in values), clean)


def header(headers: list[str] = ENTERPRISE_HEADERS) -> Row:
    return Row("header", tuple(headers))


def er_file(name: bytes, rows: list[Row], fmt: str = "csv", **kw: object) -> HostileFile:
    return HostileFile(ER, ER_DIR, name, fmt, (Sheet("Số liệu", (header(), *rows)),), **kw)


def one(f: HostileFile) -> Batch:
    return Batch((f,))


def _labour_subtotal() -> HostileFile:
    rows = [
        header(LABOUR_HEADERS),
        Row("data", tuple(_labour_row("038095000100", 100))),
        Row("subtotal", (None, "Cộng các xã", *[None] * 8)),
    ]
    return HostileFile(
        LABOUR,
        LABOUR_DIR,
        b"lao_dong.csv",
        "csv",
        (Sheet("Sheet1", tuple(rows)),),
        encoding="cp1258",
    )


def _dotted_stt() -> HostileFile:
    """An "S.T.T" column: the template's numbered empty row below the data."""
    first = er_row(30)
    rows = (
        Row("header", ("S.T.T", *ENTERPRISE_HEADERS)),
        Row("data", ("1", *first.cells)),
        Row("stt_only", ("2", *[None] * len(ENTERPRISE_HEADERS))),
    )
    return HostileFile(ER, ER_DIR, b"stt_co_cham.csv", "csv", (Sheet("Sheet1", rows),))


def _per_month() -> HostileFile:
    sheets = tuple(
        Sheet(f"Tháng {m}", (header(), er_row(10 + m, **{f"c{PERIOD}": f"0{m}/2022"})))
        for m in (1, 2)
    )
    return HostileFile(ER, ER_DIR, b"theo_thang.xlsx", "xlsx", sheets)


def _merged_period() -> HostileFile:
    rows = (header(), er_row(20), er_row(21))
    return HostileFile(
        ER,
        ER_DIR,
        b"gop_o.xlsx",
        "xlsx",
        (Sheet("Số liệu", rows, merges=((1, PERIOD, 2, PERIOD),)),),
    )


# kind of failure → the smallest batch showing it
MINIMAL: dict[str, Batch] = {
    "name_not_utf8": one(er_file(b"b\xe1o c\xe1o \xff.csv", [er_row(1)])),
    "name_control_chars_feedback": one(
        er_file(b"bao\ncao \x1b[31m.csv", [er_row(2), er_row(3, **{f"c{REVENUE}": "=1+2"})])
    ),
    "csv_cr_line_endings": one(er_file(b"cr.csv", [er_row(4), er_row(5)], line_endings=("\r",))),
    "repeated_header_row": one(er_file(b"lap_tieu_de.csv", [er_row(6), header(), er_row(7)])),
    "sheet_per_month": one(_per_month()),
    "merged_cells_in_data_rows": one(_merged_period()),
    "labour_cp1258_subtotal": one(_labour_subtotal()),
    "stt_header_dotted": one(_dotted_stt()),
    "utf8_stray_byte": one(er_file(b"byte_la.csv", [er_row(8)], stray_bytes=b"\xa0")),
}
