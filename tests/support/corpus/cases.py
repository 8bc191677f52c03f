"""The corpus of broken inputs: one declarative case per kind of damage a sender's file may carry.

Each case writes its file(s) below a raw dir (``write(path, n)`` gets the path of its main file,
``raw/<folder>/<name>``, and a number that makes its rows unique in the corpus) and states the
outcome it expects: the file's status and words of its reason (file level), the exact set of
``(row_number, column, rule)`` rejections, or the values loaded. Everything is fixed content:
writing the corpus twice gives the same files (xlsx bytes aside from zip timestamps).

``xfail`` documents, for a case the pipeline does not meet yet, what it does today.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from tests.support.helpers import ENTERPRISE_HEADERS, enterprise_row, tax_code, write_csv

ER = "enterprise_reports"
LABOUR = "labour_spells"
FOLDERS = {ER: "enterprise_reports", LABOUR: "labour"}
UNREADABLE = ("Không đọc được tệp", "cannot be read")
LABOUR_HEADERS = [
    "Số CCCD",
    "Họ và tên",
    "Năm sinh",
    "Giới tính",
    "Mã số thuế đơn vị",
    "Ngày bắt đầu làm việc",
    "Ngày nghỉ việc",
    "Trình độ chuyên môn kỹ thuật",
    "Tiền lương tháng",
    "Xã nơi cư trú",
]
LEADING_ZERO_TAX_CODE = "0100100008"  # valid (Hà Nội); typed as a number it loses its 0
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


@dataclass(frozen=True)
class Case:
    id: str
    description: str
    write: Callable[[Path, int], None]
    file: str  # path of the case's file below raw/
    n: int  # makes the case's rows (tax codes) unique in the corpus
    source: str = ER
    status: str = "loaded"  # expected outcome of the file
    reason: tuple[str, ...] = ()  # substrings the file's reason must hold
    not_in_reason: tuple[str, ...] = ()  # substrings it must not hold (misleading words)
    rules: frozenset[tuple[int, str, str]] | None = frozenset()  # exact rejections, None = any
    cells: frozenset[tuple[int, str]] = frozenset()  # rejected cells, whatever the rule
    values: dict[str, tuple] = field(default_factory=dict)  # column → loaded values in order
    source_rows: tuple[int, ...] | None = None
    sheet: str | None = None
    xfail: str | None = None  # what the pipeline does today, where it misses the case


CASES: list[Case] = []


def case(id: str, description: str, name: str, **expect) -> Callable:
    """Register the decorated writer as a case whose file is ``<folder>/<name>``."""

    def register(write: Callable[[Path, int], None]) -> Callable[[Path, int], None]:
        source = expect.get("source", ER)
        if expect.get("status") == "rejected":
            expect.setdefault("rules", None)
        CASES.append(
            Case(
                id=id,
                description=description,
                write=write,
                file=f"{FOLDERS[source]}/{name}",
                n=100 + len(CASES),
                **expect,
            )
        )
        return write

    return register


def write_case(raw: Path, c: Case) -> Path:
    path = raw / c.file
    path.parent.mkdir(parents=True, exist_ok=True)
    c.write(path, c.n)
    return path


# --- small writers ----------------------------------------------------------------------------


def _csv(path: Path, n: int, overrides: dict | None = None, count: int = 1, **kw) -> Path:
    rows = [enterprise_row(n * 10 + i, overrides) for i in range(count)]
    return write_csv(path, kw.pop("headers", ENTERPRISE_HEADERS), rows, **kw)


def _xlsx(
    path: Path,
    table: list[list],
    title: tuple[str, ...] = (),
    sheet: str = "Báo cáo",
    edit: Callable[[openpyxl.Workbook], None] | None = None,
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for line in title:
        ws.append([line])
    for row in table:
        ws.append(row)
    if edit:
        edit(wb)
    wb.save(path)
    _fix_zip(path)
    return path


FIXED_TIME = (2022, 4, 8, 0, 0, 0)


def _fix_zip(path: Path, edit: Callable[[str, bytes], bytes] = lambda name, data: data) -> None:
    """Rewrite a saved workbook with fixed timestamps (reproducible bytes), optionally editing
    its parts (what openpyxl cannot write, e.g. a formula's cached value)."""
    with zipfile.ZipFile(path) as zin:
        parts = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts:
            data = edit(name, data)
            if name == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2022-04-08T00:00:00Z", data)
            zout.writestr(zipfile.ZipInfo(name, FIXED_TIME), data, zipfile.ZIP_DEFLATED)


def _er_table(n: int, overrides: dict | None = None, count: int = 1) -> list[list]:
    return [
        ENTERPRISE_HEADERS,
        *[list(enterprise_row(n * 10 + i, overrides).values()) for i in range(count)],
    ]


def _patch_sheet_xml(
    path: Path, edit: Callable[[str], str], member: str = "xl/worksheets/sheet1.xml"
) -> None:
    _fix_zip(path, lambda name, data: edit(data.decode()).encode() if name == member else data)


def _col(header: str) -> int:
    return ENTERPRISE_HEADERS.index(header) + 1


def _labour_row(citizen_id: object, n: int) -> list:
    return [
        citizen_id,
        f"Nguyễn Văn {n}",
        1990,
        "Nam",
        tax_code(n),
        "01/03/2022",
        "",
        "Trung cấp",
        "6500000",
        "Vĩnh Linh",
    ]


# --- the file cannot be used as a whole ------------------------------------------------------


@case(
    "html_as_xlsx",
    "An HTML page saved under an .xlsx name (a web 'export to Excel').",
    "html_as_xlsx.xlsx",
    status="rejected",
    reason=UNREADABLE,
)
def _(path, n):
    path.write_text("<html><body><table><tr><td>Mã số thuế</td></tr></table></body></html>")


@case(
    "csv_as_xlsx",
    "A CSV file renamed to .xlsx.",
    "csv_as_xlsx.xlsx",
    status="rejected",
    reason=UNREADABLE,
)
def _(path, n):
    _csv(path, n)


@case(
    "xlsx_as_csv",
    "A workbook renamed to .csv: the reason must not blame an encoding.",
    "xlsx_as_csv.csv",
    status="rejected",
    reason=UNREADABLE,
    not_in_reason=("cp1258",),
)
def _(path, n):
    tmp = path.with_suffix(".tmp.xlsx")
    _xlsx(tmp, _er_table(n))
    path.write_bytes(tmp.read_bytes())
    tmp.unlink()


@case(
    "zero_byte_xlsx",
    "A 0-byte file named .xlsx.",
    "zero_byte.xlsx",
    status="rejected",
    reason=("0 byte", "empty file"),
)
def _(path, n):
    path.write_bytes(b"")


@case(
    "zero_byte_csv",
    "A 0-byte file named .csv.",
    "zero_byte.csv",
    status="rejected",
    reason=("0 byte", "empty file"),
)
def _(path, n):
    path.write_bytes(b"")


@case(
    "truncated_xlsx",
    "A workbook cut in half (interrupted download or copy).",
    "truncated.xlsx",
    status="rejected",
    reason=UNREADABLE,
)
def _(path, n):
    _xlsx(path, _er_table(n, count=20))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@case(
    "zip_without_workbook",
    "A valid zip archive under an .xlsx name, with no workbook in it.",
    "zip_not_workbook.xlsx",
    status="rejected",
    reason=UNREADABLE,
)
def _(path, n):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("readme.txt", (2022, 4, 8, 0, 0, 0)), "không phải Excel")


@case(
    "password_protected_xlsx",
    "A password-protected workbook. Excel stores it as an encrypted OLE/CFB container, "
    "emulated here by the OLE magic bytes D0 CF 11 E0 A1 B1 1A E1 + junk under an .xlsx name "
    "(msoffcrypto-tool is not installed). The sender should be told to remove the password.",
    "password.xlsx",
    status="rejected",
    reason=("mật khẩu", "password"),
)
def _(path, n):
    path.write_bytes(OLE_MAGIC + b"\x00" * 504 + b"EncryptedPackage" * 64)


@case(
    "corrupt_xls",
    "An .xls that is not one (OLE/CFB magic + junk): rejected as a corrupt .xls with a "
    "request for .xlsx.",
    "legacy.xls",
    status="rejected",
    reason=(".xls", ".xlsx"),
)
def _(path, n):
    path.write_bytes(OLE_MAGIC + b"\x00" * 504 + b"Workbook" * 64)


def _xls(path: Path, table: list[list], title: tuple[str, ...] = ()) -> None:
    """A real Excel 97–2003 workbook (BIFF8), numbers as numeric cells, as Excel saves it."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Báo cáo")
    for i, row in enumerate([[line] for line in title] + table):
        for j, value in enumerate(row):
            if value is None or value == "":
                continue
            number = value if isinstance(value, int | float) else _number_or_none(value)
            sheet.write(i, j, number if number is not None else value)
    book.save(str(path))


def _number_or_none(text: str) -> float | None:
    try:
        return float(text) if re.fullmatch(r"\d+(\.\d+)?", text) and len(text) < 9 else None
    except ValueError:
        return None


@case(
    "legacy_xls",
    "A real Excel 97–2003 .xls (written by xlwt, numbers as numeric cells, a "
    "title row): read like an .xlsx.",
    "legacy_real.xls",
    source_rows=(3, 4),
    values={"revenue": (1300.0, 1300.0)},
)
def _(path, n):
    _xls(path, _er_table(n, count=2), title=("BÁO CÁO THÁNG 3/2022",))


@case(
    "xls_under_xlsx_name",
    "A real .xls saved under an .xlsx name: recognised by its content and read.",
    "xls_named_xlsx.xlsx",
    source_rows=(2,),
    values={"revenue": (1300.0,)},
)
def _(path, n):
    _xls(path, _er_table(n))


@case(
    "pdf",
    "A PDF under its own name.",
    "bao_cao.pdf",
    status="rejected",
    reason=(".pdf", "not supported"),
)
def _(path, n):
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n")


@case(
    "no_header",
    "A table whose header matches no declared column.",
    "no_header.csv",
    status="rejected",
    reason=("Không tìm thấy dòng tiêu đề", "No header row", "Mã số thuế"),
)
def _(path, n):
    path.write_text("Họ tên,Điện thoại,Địa chỉ\nA,0912,Hồ Xá\nB,0913,Cửa Tùng\n")


@case(
    "missing_required_column",
    "The required 'Mã số thuế' column is absent.",
    "missing_tax_code.csv",
    status="rejected",
    reason=("Thiếu cột bắt buộc", "Mã số thuế", "missing"),
)
def _(path, n):
    _csv(path, n, headers=[h for h in ENTERPRISE_HEADERS if h != "Mã số thuế"])


@case(
    "duplicate_column",
    "The 'Doanh thu' column appears twice.",
    "doanh_thu_twice.csv",
    status="rejected",
    reason=("hai lần", "twice", "Doanh thu"),
)
def _(path, n):
    _csv(path, n, headers=[*ENTERPRISE_HEADERS, "Doanh thu"])


@case(
    "header_only",
    "A header and no data rows.",
    "header_only.xlsx",
    status="rejected",
    reason=("không có dòng dữ liệu", "no data rows"),
)
def _(path, n):
    _xlsx(path, [ENTERPRISE_HEADERS])


@case(
    "tcvn3_csv",
    "Text typed with a TCVN3 (.VnTime) font, saved as 8-bit CSV.",
    "tcvn3.csv",
    status="rejected",
    reason=("TCVN3",),
)
def _(path, n):
    title = "B¸o c¸o t×nh h×nh s¶n xuÊt kinh doanh th¸ng 3 n¨m 2022"
    rows = [
        [title],
        ["M· sè thuÕ", "Tªn doanh nghiÖp", "Kú b¸o c¸o"],
        [tax_code(n), "C«ng ty TNHH Hå X¸", "03/2022"],
    ]
    path.write_bytes("\r\n".join(",".join(r) for r in rows).encode("cp1252"))


@case(
    "vni_csv",
    "Text typed with a VNI font, saved as 8-bit CSV.",
    "vni.csv",
    status="rejected",
    reason=("VNI",),
)
def _(path, n):
    title = "Baùo caùo tình hình saûn xuaát kinh doanh thaùng 3 naêm 2022"
    rows = [
        [title],
        ["Maõ soá thueá", "Teân doanh nghieäp", "Kyø baùo caùo"],
        [tax_code(n), "Coâng ty TNHH Hoà Xaù", "03/2022"],
    ]
    path.write_bytes("\r\n".join(",".join(r) for r in rows).encode("cp1252"))


@case(
    "tcvn3_xlsx",
    "A workbook whose cells were typed with a TCVN3 (.VnTime) font.",
    "tcvn3.xlsx",
    status="rejected",
    reason=("TCVN3",),
)
def _(path, n):
    _xlsx(
        path,
        [
            ["M· sè thuÕ", "Tªn doanh nghiÖp", "Kú b¸o c¸o"],
            [tax_code(n), "C«ng ty TNHH Hå X¸ vµ §«ng Hµ", "03/2022"],
        ],
        title=("B¸o c¸o t×nh h×nh s¶n xuÊt kinh doanh",),
    )


@case(
    "csv_with_nul",
    "A CSV with NUL bytes in it (binary garbage).",
    "nul.csv",
    status="rejected",
    reason=UNREADABLE,
)
def _(path, n):
    _csv(path, n)
    path.write_bytes(path.read_bytes() + b"\x00\x00\x01\x02garbage")


@case(
    "symlink_outside_raw",
    "A symlink to a (good) file outside raw/: never followed.",
    "symlink_out.csv",
    status="rejected",
    reason=("symlink outside raw",),
)
def _(path, n):
    outside = path.parents[2] / "outside_raw"
    outside.mkdir(parents=True, exist_ok=True)
    target = _csv(outside / f"secret_{n}.csv", n)
    path.symlink_to(os.path.relpath(target, path.parent))  # relative: reproducible


# --- layout ---------------------------------------------------------------------------------


@case(
    "several_sheets",
    "An instructions sheet first, the data on the second sheet: the sheet "
    "with a recognisable header is read and named in the outcome.",
    "several_sheets.xlsx",
    sheet="Số liệu",
    source_rows=(3,),
)
def _(path, n):
    def edit(wb):
        notes = wb.active
        notes.title = "Hướng dẫn"
        data = wb.create_sheet("Số liệu")
        data.append(["BÁO CÁO THÁNG 3/2022"])
        for row in _er_table(n):
            data.append(row)
        wb.create_sheet("Tổng hợp").append(["Tổng", "=SUM('Số liệu'!K3:K10)"])

    _xlsx(
        path, [["Hướng dẫn: điền số liệu vào trang 'Số liệu'."], ["Đơn vị: triệu đồng"]], edit=edit
    )


@case(
    "hidden_sheet_first",
    "A hidden sheet with an old table comes first: only visible sheets are read.",
    "hidden_sheet.xlsx",
    sheet="Tháng 3",
    values={"revenue": (1300.0,)},
)
def _(path, n):
    def edit(wb):
        old = wb.active
        old.title = "Tháng 2 (cũ)"
        old.sheet_state = "hidden"
        new = wb.create_sheet("Tháng 3")
        for row in _er_table(n):
            new.append(row)

    _xlsx(path, _er_table(n + 5000, {"Doanh thu": "999"}), edit=edit)


@case(
    "hidden_rows",
    "Rows hidden in Excel are still data and load.",
    "hidden_rows.xlsx",
    source_rows=(2, 3, 4),
)
def _(path, n):
    def edit(wb):
        wb.active.row_dimensions[3].hidden = True

    _xlsx(path, _er_table(n, count=3), edit=edit)


@case(
    "merged_title_and_vertical_header",
    "A merged title over the table; each header cell "
    "merged over two rows (row 4 is the empty lower half).",
    "merged_header.xlsx",
    source_rows=(5, 6),
    values={"revenue": (1300.0, 1300.0)},
)
def _(path, n):
    def edit(wb):
        ws = wb.active
        ws.merge_cells("A1:S1")
        for j in range(1, len(ENTERPRISE_HEADERS) + 1):
            ws.merge_cells(start_row=3, start_column=j, end_row=4, end_column=j)

    table = _er_table(n, count=2)
    _xlsx(
        path,
        [table[0], [None] * len(ENTERPRISE_HEADERS), *table[1:]],
        title=("BÁO CÁO SẢN XUẤT KINH DOANH THÁNG 3/2022", ""),
        edit=edit,
    )


@case(
    "merged_group_header",
    "A two-row header: 'Giá trị sản xuất' merged over two columns, "
    "its parts ('theo giá hiện hành', 'theo giá so sánh 2010') in the row below.",
    "merged_group_header.xlsx",
    source_rows=(4,),
    values={"gross_output_current": (1200.5,), "gross_output_const2010": (1000.0,)},
)
def _(path, n):
    i, j = (
        _col("Giá trị sản xuất theo giá hiện hành"),
        _col("Giá trị sản xuất theo giá so sánh 2010"),
    )
    upper = list(ENTERPRISE_HEADERS)
    upper[i - 1], upper[j - 1] = "Giá trị sản xuất", None
    lower = [None] * len(ENTERPRISE_HEADERS)
    lower[i - 1], lower[j - 1] = "theo giá hiện hành", "theo giá so sánh 2010"

    def edit(wb):
        ws = wb.active
        ws.merge_cells(start_row=2, start_column=i, end_row=2, end_column=j)
        for k in range(1, len(ENTERPRISE_HEADERS) + 1):
            if k not in (i, j):
                ws.merge_cells(start_row=2, start_column=k, end_row=3, end_column=k)

    _xlsx(path, [upper, lower, *_er_table(n)[1:]], title=("BÁO CÁO THÁNG 3/2022",), edit=edit)


@case(
    "subtotal_rows",
    "Two groups, each closed by a subtotal row ('Cộng khu công nghiệp …', "
    "no tax code), and a grand total that matches: subtotals are set aside, the total is "
    "checked, a company named 'Công ty Cộng Hòa' is data.",
    "subtotals.xlsx",
    source_rows=(2, 3, 5),
    values={"gross_output_current": (1200.5, 1200.5, 1200.5)},
)
def _(path, n):
    table = _er_table(n, count=3)
    go = _col("Giá trị sản xuất theo giá hiện hành") - 1
    table[2][1] = "Công ty Cộng Hòa"

    def label_row(label: str, amount: float) -> list:
        row = [None] * len(ENTERPRISE_HEADERS)
        row[1], row[go] = label, amount
        return row

    _xlsx(
        path,
        [
            table[0],
            table[1],
            table[2],
            label_row("Cộng khu công nghiệp Tây Bắc Hồ Xá", 2401.0),
            table[3],
            label_row("Cộng các xã", 1200.5),
            label_row("Tổng cộng", 3601.5),
        ],
    )


@case(
    "header_on_row_7",
    "Six title rows above the header (header on Excel row 7).",
    "header_row_7.xlsx",
    source_rows=(8, 9),
)
def _(path, n):
    _xlsx(
        path,
        _er_table(n, count=2),
        title=(
            "UBND HUYỆN VĨNH LINH",
            "PHÒNG KINH TẾ VÀ HẠ TẦNG",
            "",
            "BÁO CÁO SẢN XUẤT KINH DOANH",
            "Tháng 3 năm 2022",
            "Đơn vị tính: triệu đồng",
        ),
    )


@case(
    "used_range_million_rows",
    "A stray space in S1048576: the sheet's used range runs a million empty rows past the data.",
    "million_rows.xlsx",
    source_rows=(2, 3),
)
def _(path, n):
    def edit(wb):
        wb.active.cell(row=1048576, column=len(ENTERPRISE_HEADERS)).value = " "

    _xlsx(path, _er_table(n, count=2), edit=edit)


# --- formulas and error cells ---------------------------------------------------------------


@case(
    "formula_cached_value",
    "'Doanh thu' is a formula (=1000+300) saved with its cached "
    "value 1300: the cached value is used.",
    "formula_cached.xlsx",
    values={"revenue": (1300.0,)},
)
def _(path, n):
    _xlsx(path, _er_table(n, {"Doanh thu": "=1000+300"}))
    _patch_sheet_xml(
        path, lambda x: x.replace("<f>1000+300</f><v />", "<f>1000+300</f><v>1300</v>")
    )


@case(
    "formula_not_cached",
    "'Doanh thu' is a formula with no cached value (written by a "
    "program, never opened in Excel): that row is rejected.",
    "formula_no_cache.xlsx",
    rules=frozenset({(2, "revenue", "formula_no_value")}),
)
def _(path, n):
    _xlsx(path, _er_table(n, {"Doanh thu": "=1000+300"}))


def _error_cell_case(code: str, slug: str) -> None:
    @case(
        f"error_cell_{slug}",
        f"'Doanh thu' holds the error cell {code}: that row is rejected naming the error.",
        f"error_{slug}.xlsx",
        rules=frozenset({(2, "revenue", "excel_error")}),
    )
    def _(path, n):
        _xlsx(path, _er_table(n, {"Doanh thu": code}))  # openpyxl stores it as an error cell


for _code, _slug in (("#REF!", "ref"), ("#DIV/0!", "div0"), ("#N/A", "na")):
    _error_cell_case(_code, _slug)


# --- dates ------------------------------------------------------------------------------------

APRIL_8 = dt.date(2022, 4, 8)


@case(
    "date_serial_text",
    "Report date as an Excel serial number written as text (44659).",
    "date_serial_text.csv",
    values={"report_date": (APRIL_8,)},
)
def _(path, n):
    _csv(path, n, {"Ngày lập báo cáo": "44659"})


@case(
    "date_serial_number_cell",
    "Report date as a numeric (unformatted) cell 44659.",
    "date_serial_cell.xlsx",
    values={"report_date": (APRIL_8,)},
)
def _(path, n):
    _xlsx(path, _er_table(n, {"Ngày lập báo cáo": 44659}))


for _i, _text in enumerate(("08/04/2022", "8/4/2022", "2022-04-08", "08-04-2022", "08.04.2022")):
    case(
        f"date_text_{_i + 1}",
        f"Report date written as text '{_text}'.",
        f"date_text_{_i + 1}.csv",
        values={"report_date": (APRIL_8,)},
    )(lambda path, n, t=_text: _csv(path, n, {"Ngày lập báo cáo": t}))


@case(
    "date_impossible",
    "Report date 31/02/2022 does not exist.",
    "date_31_02.csv",
    rules=frozenset({(2, "report_date", "date_format")}),
)
def _(path, n):
    _csv(path, n, {"Ngày lập báo cáo": "31/02/2022"})


@case(
    "date_us_order",
    "Report date in US order 04/13/2022 (month 13 in d/m/y).",
    "date_us.csv",
    rules=frozenset({(2, "report_date", "date_format")}),
)
def _(path, n):
    _csv(path, n, {"Ngày lập báo cáo": "04/13/2022"})


# --- numbers ----------------------------------------------------------------------------------

for _slug, _text in (
    ("spaces", "1 385,5"),
    ("nbsp", "1\u00a0385,5"),
    ("narrow_nbsp", "1\u202f385,5"),
    ("apostrophe", "1'385.5"),
    ("leading_apostrophe", "'1385.5"),
):
    case(
        f"number_{_slug}",
        f"'Doanh thu' written {_text!r}: read as 1385.5.",
        f"number_{_slug}.csv",
        values={"revenue": (1385.5,)},
    )(lambda path, n, t=_text: _csv(path, n, {"Doanh thu": t}, delimiter=";"))


@case(
    "number_ambiguous",
    "'Nộp ngân sách' = '1.110' with no other evidence in its column: rejected, never guessed.",
    "number_ambiguous.csv",
    rules=frozenset({(2, "taxes_paid", "number_ambiguous")}),
)
def _(path, n):
    _csv(path, n, {"Nộp ngân sách": "1.110"}, delimiter=";")


@case(
    "number_percent",
    "'Doanh thu' written '12,5%': the percent sign is dropped.",
    "number_percent.csv",
    values={"revenue": (12.5,)},
)
def _(path, n):
    _csv(path, n, {"Doanh thu": "12,5%"}, delimiter=";")


@case(
    "number_negative_parentheses",
    "'Doanh thu' written '(1.385,5)' (accounting negative): "
    "read as -1385.5, which revenue may not be → rejected by the minimum rule.",
    "number_parentheses.csv",
    rules=frozenset({(2, "revenue", "min")}),
)
def _(path, n):
    _csv(path, n, {"Doanh thu": "(1.385,5)"}, delimiter=";")


@case(
    "number_negative_minus",
    "'Doanh thu' written '-1.385,5': rejected by the minimum rule.",
    "number_minus.csv",
    rules=frozenset({(2, "revenue", "min")}),
)
def _(path, n):
    _csv(path, n, {"Doanh thu": "-1.385,5"}, delimiter=";")


@case(
    "integer_with_decimals",
    "'Tổng số lao động' written '50,5': must be a whole number.",
    "integer_decimals.csv",
    rules=frozenset({(2, "employees", "integer")}),
)
def _(path, n):
    _csv(path, n, {"Tổng số lao động": "50,5"}, delimiter=";")


# --- identifiers damaged by Excel -------------------------------------------------------------


@case(
    "tax_code_scientific",
    "Tax code shown by Excel as 3.2E+09 and saved that way to CSV.",
    "tax_code_sci.csv",
    rules=frozenset({(2, "tax_code", "tax_code")}),
)
def _(path, n):
    _csv(path, n, {"Mã số thuế": "3.2E+09"})


@case(
    "tax_code_leading_zero_lost",
    f"Tax code {LEADING_ZERO_TAX_CODE} typed as a number: saved as 100100008 (9 digits).",
    "tax_code_zero_lost.csv",
    rules=frozenset({(2, "tax_code", "tax_code")}),
)
def _(path, n):
    _csv(path, n, {"Mã số thuế": LEADING_ZERO_TAX_CODE.lstrip("0")})


@case(
    "tax_code_number_cell",
    "A valid tax code stored as a numeric cell: loads as text.",
    "tax_code_number.xlsx",
    values={"tax_code": (tax_code(4242),)},
)
def _(path, n):
    _xlsx(path, _er_table(n, {"Mã số thuế": int(tax_code(4242))}))


@case(
    "citizen_id_number_cell",
    "A 12-digit citizen ID stored as a numeric cell: loads.",
    "cccd_number.xlsx",
    source=LABOUR,
    source_rows=(2,),
)
def _(path, n):
    _xlsx(path, [LABOUR_HEADERS, _labour_row(245190001234, n)])


@case(
    "citizen_id_leading_zero_lost",
    "Citizen ID 038095000123 stored as a numeric cell "
    "(Excel dropped the leading zero, 11 digits): the zero is restored and the row loads.",
    "cccd_zero_lost.xlsx",
    source=LABOUR,
    source_rows=(2,),
)
def _(path, n):
    _xlsx(path, [LABOUR_HEADERS, _labour_row(38095000123, n)])


@case(
    "citizen_id_leading_zero_lost_csv",
    "Citizen ID typed as text with 11 digits in a CSV: "
    "the sender's mistake, rejected, value hidden.",
    "cccd_short.csv",
    source=LABOUR,
    rules=frozenset({(2, "citizen_id", "citizen_id")}),
)
def _(path, n):
    row = dict(zip(LABOUR_HEADERS, _labour_row("38095000123", n), strict=True))
    write_csv(path, LABOUR_HEADERS, [row])


@case(
    "tax_code_leading_zero_lost_cell",
    f"Tax code {LEADING_ZERO_TAX_CODE} in a numeric cell "
    "(Excel shows 100100008): the zero is restored.",
    "tax_code_zero_lost.xlsx",
    values={"tax_code": (LEADING_ZERO_TAX_CODE,)},
)
def _(path, n):
    _xlsx(path, _er_table(n, {"Mã số thuế": int(LEADING_ZERO_TAX_CODE)}))


@case(
    "citizen_id_scientific",
    "Citizen ID shown as 3.80950E+11 and saved that way to CSV.",
    "cccd_sci.csv",
    source=LABOUR,
    rules=frozenset({(2, "citizen_id", "citizen_id")}),
)
def _(path, n):
    row = dict(zip(LABOUR_HEADERS, _labour_row("3.80950E+11", n), strict=True))
    write_csv(path, LABOUR_HEADERS, [row])


LONG_NOTE = "Ghi chú dài. " * 7692 + "xxxx"  # 100,000 characters


# --- text and encodings -----------------------------------------------------------------------


@case(
    "nfd_text",
    "Headers and values in decomposed Unicode (NFD, as macOS writes them).",
    "nfd.csv",
    values={"unit_name": ("Cơ sở Hồ Xá",), "commune_code": ("19363",)},
)
def _(path, n):
    headers = [unicodedata.normalize("NFD", h) for h in ENTERPRISE_HEADERS]
    row = enterprise_row(n * 10, {"Tên doanh nghiệp / cơ sở": "Cơ sở Hồ Xá"})
    values = [unicodedata.normalize("NFD", str(v)) for v in row.values()]
    write_csv(path, headers, [dict(zip(headers, values, strict=True))])


def _encoded(path: Path, n: int, encoding: str, delimiter: str, bom: bytes = b"") -> None:
    text = io.StringIO()
    row = enterprise_row(n * 10, {"Tên doanh nghiệp / cơ sở": "HTX Vĩnh Long"})
    csv.writer(text, delimiter=delimiter).writerows([ENTERPRISE_HEADERS, row.values()])
    path.write_bytes(bom + text.getvalue().encode(encoding))


@case(
    "utf16_le_bom_tab",
    "Excel's 'Unicode Text': UTF-16 LE with BOM, tab-separated.",
    "utf16_le.csv",
    values={"unit_name": ("HTX Vĩnh Long",)},
)
def _(path, n):
    _encoded(path, n, "utf-16-le", "\t", codecs.BOM_UTF16_LE)


@case(
    "utf16_be_bom",
    "UTF-16 BE with BOM, comma-separated.",
    "utf16_be.csv",
    values={"unit_name": ("HTX Vĩnh Long",)},
)
def _(path, n):
    _encoded(path, n, "utf-16-be", ",", codecs.BOM_UTF16_BE)


@case(
    "utf16_le_no_bom",
    "UTF-16 LE without a BOM.",
    "utf16_no_bom.csv",
    values={"unit_name": ("HTX Vĩnh Long",)},
)
def _(path, n):
    _encoded(path, n, "utf-16-le", ",")


@case(
    "quoted_newlines",
    "A quoted cell holding line breaks: one record, Excel row numbers kept.",
    "quoted_newlines.csv",
    source_rows=(2, 3),
    values={"unit_name": ("Công ty TNHH Hồ Xá", "Công ty B"), "note": ("dòng 1 dòng 2", None)},
)
def _(path, n):
    rows = [
        enterprise_row(
            n * 10,
            {"Tên doanh nghiệp / cơ sở": "Công ty TNHH\nHồ Xá", "Ghi chú": "dòng 1\r\ndòng 2"},
        ),
        enterprise_row(n * 10 + 1, {"Tên doanh nghiệp / cơ sở": "Công ty B"}),
    ]
    write_csv(path, ENTERPRISE_HEADERS, rows)


@case(
    "cell_100k_chars",
    "A 100,000-character note (beyond Excel's 32,767): the row is "
    "rejected (cell_too_long), never stored whole.",
    "cell_100k.csv",
    rules=frozenset({(2, "note", "cell_too_long")}),
)
def _(path, n):
    _csv(path, n, {"Ghi chú": LONG_NOTE})


@case(
    "control_characters",
    "Control characters (BEL, SOH, ESC) inside a name: removed, the text kept.",
    "control_chars.csv",
    values={"unit_name": ("Công ty ABC",)},
)
def _(path, n):
    _csv(path, n, {"Tên doanh nghiệp / cơ sở": "Công ty \x07\x01ABC\x1b"})


for _slug, _text in (
    ("equals", "=SUM(A1:A3) Công ty"),
    ("plus", "+84 912 345 678"),
    ("minus", "-Hộ kinh doanh Lê Văn A"),
    ("at", "@Công ty Hồ Xá"),
):
    case(
        f"text_starting_{_slug}",
        f"A name starting with {_text[0]!r}: kept as text.",
        f"text_{_slug}.csv",
        values={"unit_name": (_text,)},
    )(lambda path, n, t=_text: _csv(path, n, {"Tên doanh nghiệp / cơ sở": t}))


@case(
    "text_starting_equals_xlsx",
    "A text cell (not a formula) '=Công ty' in a workbook.",
    "text_equals.xlsx",
    values={"unit_name": ("=Công ty Hồ Xá",)},
)
def _(path, n):
    def edit(wb):
        wb.active.cell(row=2, column=_col("Tên doanh nghiệp / cơ sở")).data_type = "s"

    _xlsx(path, _er_table(n, {"Tên doanh nghiệp / cơ sở": "=Công ty Hồ Xá"}), edit=edit)


# --- file names -------------------------------------------------------------------------------


@case(
    "name_spaces_vietnamese",
    "A file name with spaces, Vietnamese letters and brackets.",
    "Báo cáo tháng 3 (bản cuối).csv",
    source_rows=(2,),
)
def _(path, n):
    _csv(path, n)


@case(
    "name_dot_dot",
    "A file name holding '..' (not a path traversal).",
    "bao_cao..thang_3..csv",
    source_rows=(2,),
)
def _(path, n):
    _csv(path, n)


@case(
    "name_folder_dot_dot",
    "A sub-folder whose name holds '..'.",
    "quy..1/bao cao.csv",
    source_rows=(2,),
)
def _(path, n):
    _csv(path, n)


@case("name_upper_suffix", "An upper-case suffix .XLSX.", "BAO_CAO.XLSX", source_rows=(2,))
def _(path, n):
    _xlsx(path, _er_table(n))


def _check_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    names = [unicodedata.normalize("NFC", c.file).lower() for c in CASES]
    assert len(names) == len(set(names)), "case files must be unique"
    assert all(re.fullmatch(r"[a-z0-9_]+", i) for i in ids)


_check_unique()
