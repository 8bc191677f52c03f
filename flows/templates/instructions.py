"""The "Hướng dẫn" sheet: what the file is for, each column, the row rules, how to fill it
in, how to name and send it, and the reference lists, in Vietnamese with English in brackets.

Every source-specific line comes from the declaration (title, fields, key, versioning, row
rules, personal data, folder and file pattern) and the rule messages; nothing here names a
source.
"""

from __future__ import annotations

import datetime as dt

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from flows.templates.describe import (
    DATA_ROWS,
    DATA_SHEET,
    FIRST_ROW,
    ColumnSpec,
    key_fields,
    rule_text,
    words,
)
from flows.templates.lists import ReferenceList
from flows.xlsx_text import text_cell
from schemas.base import Kind, Lookup, Source

OFFICE_VI = "Phòng Kinh tế và Hạ tầng huyện Vĩnh Linh"
OFFICE_EN = "the Vĩnh Linh district Economic and Infrastructure Office"
PLAN = "24/KH-UBND (2022)"
REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")  # also the data sheet's header fills
OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
TABLE_FILL = PatternFill("solid", fgColor="D9D9D9")
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
EN_FONT = Font(italic=True, color="595959")
WIDTHS = (7, 30, 30, 13, 30, 48, 14, 22)


class _Writer:
    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 1

    def line(self, vi: str, en: str = "", *, bold: bool = False, size: int = 11) -> None:
        """One statement: Vietnamese, then its English on the row below (not wrapped: long
        lines run over the empty cells to their right)."""
        text_cell(self.ws, self.row, 1, vi).font = Font(bold=bold, size=size)
        self.row += 1
        if en:
            text_cell(self.ws, self.row, 1, f"[{en}]").font = EN_FONT
            self.row += 1

    def bullet(self, vi: str, en: str = "") -> None:
        self.line(f"- {vi}", en and f"  {en}")

    def section(self, vi: str, en: str) -> None:
        self.row += 1
        self.line(f"{vi} [{en}]", bold=True, size=12)

    def table(
        self,
        header: list[str],
        rows: list[list[object]],
        fills: list[PatternFill | None] | None = None,
    ) -> None:
        for j, text in enumerate(header, start=1):
            cell = text_cell(self.ws, self.row, j, text)
            cell.font = Font(bold=True)
            cell.fill = TABLE_FILL
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        self.row += 1
        for i, values in enumerate(rows):
            for j, value in enumerate(values, start=1):
                cell = text_cell(self.ws, self.row, j, value)
                cell.border = BORDER
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cell.number_format = "@"
                if fills and j == 2 and fills[i] is not None:
                    cell.fill = fills[i]
            self.row += 1


def _both(vi: str, en: str) -> str:
    return f"{vi}\n[{en}]" if en and en != vi else vi


def _headers(fields) -> str:
    return ", ".join(f"'{f.header}'" for f in fields)


def write_instructions(
    ws: Worksheet, source: Source, columns: list[ColumnSpec], lists: dict[Lookup, ReferenceList]
) -> None:
    for j, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[chr(64 + j)].width = width
    w = _Writer(ws)
    w.line(f"HƯỚNG DẪN ĐIỀN MẪU: {source.title_vi.upper()}", bold=True, size=14)
    w.line(f"[Template instructions: {words(source.name)}]")
    w.line(
        "Mẫu được tạo tự động từ khai báo nguồn dữ liệu của hệ thống (lệnh vlpipe "
        "templates); không sửa cấu trúc mẫu.",
        "Generated from the source's declaration (vlpipe templates); do not change its layout.",
    )
    _purpose(w, source)
    _columns(w, columns)
    _row_rules(w, source)
    _how_to_fill(w, source, columns)
    _sending(w, source)
    _reference_lists(w, source, lists)
    ws.sheet_view.showGridLines = False


def _purpose(w: _Writer, source: Source) -> None:
    keys = key_fields(source)
    w.section("1. Mẫu này dùng để làm gì?", "What is this file for?")
    w.bullet(
        f"Nhập số liệu '{source.title_vi}' gửi {OFFICE_VI} để theo dõi thực hiện Kế hoạch {PLAN}.",
        f"Data on {words(source.name)} sent to {OFFICE_EN} to monitor plan {PLAN}.",
    )
    w.bullet(
        f"Điền vào trang '{DATA_SHEET}': dòng 1 là tiêu đề cột, từ dòng {FIRST_ROW} trở "
        f"đi mỗi dòng là một bản ghi, xác định bởi {_headers(keys)}.",
        f"Fill in the sheet '{DATA_SHEET}': row 1 holds the headers; from row {FIRST_ROW}, "
        f"one row per {' + '.join(words(f.name) for f in keys)}.",
    )
    if source.version_by:
        later = _headers(source.field(v) for v in source.version_by)
        w.bullet(
            f"Gửi lại một bản ghi (cùng {_headers(keys)}): bản có {later} muộn hơn được "
            "tính, bản trước được giữ làm lịch sử.",
            f"A record sent again: the one with the later {later} counts; the earlier one "
            "is kept as history.",
        )
    else:
        w.bullet(
            f"Gửi lại một bản ghi (cùng {_headers(keys)}): bản trong tệp gửi sau được tính.",
            "A record sent again: the one in the later file counts.",
        )
    personal = [f for f in source.fields if f.pii]
    if personal:
        w.bullet(
            f"Tệp có dữ liệu cá nhân ({_headers(personal)}): chỉ gửi qua kênh được cơ "
            "quan cho phép; không lưu bản sao ở nơi khác.",
            "The file holds personal data: send it only through the channel the office "
            "approves; keep no copies elsewhere.",
        )


def _columns(w: _Writer, columns: list[ColumnSpec]) -> None:
    units = any(c.field.unit for c in columns)
    w.section("2. Các cột", "Columns")
    w.line(
        "Tiêu đề nền cam: cột bắt buộc; nền xanh: không bắt buộc. Di chuột vào tiêu đề cột "
        f"trên trang '{DATA_SHEET}' để xem ghi chú.",
        f"Orange header: required; blue: optional. Hover over a header of '{DATA_SHEET}' to "
        "read its note.",
    )
    header = [
        "Cột\n[Column]",
        "Tiêu đề cột (giữ nguyên)\n[Header, keep as is]",
        "Ý nghĩa\n[Meaning]",
        "Bắt buộc?\n[Required?]",
        "Kiểu, định dạng\n[Type, format]",
        "Giá trị cho phép\n[Allowed values]",
        *(["Đơn vị\n[Unit]"] if units else []),
        "Ví dụ\n[Example]",
    ]
    rows: list[list[object]] = []
    for c in columns:
        meaning = (
            _both(c.field.description_vi, c.meaning[1])
            if c.field.description_vi
            else (f"[{c.meaning[1]}]")
        )
        rows.append(
            [
                c.letter,
                c.header,
                meaning,
                _both("Bắt buộc", "required") if c.required else _both("Không", "optional"),
                _both(*c.kind),
                _both(*c.allowed) if c.allowed[0] else "",
                *([c.field.unit] if units else []),
                c.example,
            ]
        )
    w.table(header, rows, [REQUIRED_FILL if c.required else OPTIONAL_FILL for c in columns])


def _row_rules(w: _Writer, source: Source) -> None:
    required = [f for f in source.fields if f.required]
    w.section("3. Dòng bị trả lại khi", "A row is rejected when")
    if required:
        w.bullet(f"Để trống cột bắt buộc: {_headers(required)}.", "A required column is blank.")
    w.bullet(
        "Giá trị sai kiểu, ngoài khoảng cho phép hoặc không có trong danh sách của cột "
        "(xem mục 2).",
        "A value has the wrong type, is out of range or not in the column's list (see 2).",
    )
    for rule in source.row_rules:
        try:
            header = source.field(rule.column).header
        except KeyError:
            header = rule.column
        w.bullet(*rule_text(rule.rule, header))
    keys = ", ".join(f.header for f in key_fields(source))
    w.bullet(*rule_text("duplicate_in_file", detail=keys))
    w.bullet(
        "Các dòng khác của tệp vẫn được nhận. Dòng bị trả lại được gửi lại cho người gửi "
        "trong phiếu phản hồi, ghi rõ dòng, cột và lý do.",
        "The other rows still load. Rejected rows come back to the sender in a response "
        "workbook (phiếu phản hồi) with row, column and reason.",
    )


def _how_to_fill(w: _Writer, source: Source, columns: list[ColumnSpec]) -> None:
    kinds = {c.field.kind for c in columns}
    codes = [c.field for c in columns if c.number_format == "@" and c.field.kind is Kind.CODE]
    w.section("4. Lưu ý khi điền", "How to fill it in")
    w.bullet(
        "Không sửa, xoá, thêm hay đổi thứ tự các tiêu đề cột ở dòng 1.",
        "Do not change, delete, add or reorder the headers in row 1.",
    )
    w.bullet(
        "Không gộp ô (merge), không chèn dòng tiêu đề nhóm hay dòng trống xen giữa; màu "
        "và chú thích không được đọc.",
        "Do not merge cells or insert group or blank rows; colours and comments are not read.",
    )
    w.bullet(
        "Mỗi dòng một bản ghi; không cần dòng 'Tổng cộng' (nếu có, dòng tổng không được "
        "tính và được đối chiếu với tổng các dòng phía trên).",
        "One row per record; no total row needed (one is not counted, and is checked "
        "against the sum of the rows above).",
    )
    if kinds & {Kind.NUMBER, Kind.INTEGER}:
        w.bullet(
            "Số: nhập bằng số, không kèm đơn vị hay chữ; để trống khi không có số liệu "
            "(ô trống khác với số 0).",
            "Numbers as numbers, no units or words; leave blank when unknown (blank is not 0).",
        )
    if kinds & {Kind.DATE, Kind.MONTH}:
        w.bullet(
            "Ngày nhập dạng dd/mm/yyyy (ví dụ 25/03/2022); kỳ, tháng nhập dạng mm/yyyy "
            "(ví dụ 03/2022).",
            "Dates as dd/mm/yyyy (e.g. 25/03/2022); periods and months as mm/yyyy (e.g. 03/2022).",
        )
    if codes:
        w.bullet(
            f"Các cột mã ({_headers(codes)}) đã định dạng văn bản để giữ số 0 ở đầu và "
            "không bị đổi thành dạng 3,2E+09; không đổi định dạng các ô này.",
            "Code columns are formatted as text so leading zeros stay and no code turns "
            "into 3.2E+09; keep that format.",
        )
    w.bullet(
        "Chọn giá trị trong danh sách thả xuống; khi dán dữ liệu từ nơi khác, dùng Dán "
        "giá trị (Paste Special > Values) để giữ định dạng và phần kiểm tra.",
        "Pick from the dropdowns; when pasting from elsewhere use Paste Special > Values "
        "to keep the formats and checks.",
    )
    w.bullet(
        f"Mẫu đã định dạng và kiểm tra sẵn {DATA_ROWS} dòng (dòng {FIRST_ROW} đến "
        f"{FIRST_ROW + DATA_ROWS - 1}); cần thêm thì sao chép dòng cuối xuống, hoặc gửi "
        "nhiều tệp.",
        f"{DATA_ROWS} rows are formatted and checked; for more, copy the last row down or "
        "send several files.",
    )
    w.bullet(
        f"Chỉ trang '{DATA_SHEET}' được đọc: giữ nó là trang đầu tiên; không đặt mật khẩu cho tệp.",
        f"Only the sheet '{DATA_SHEET}' is read: keep it first; do not password-protect the file.",
    )


def _file_pattern(source: Source) -> str | None:
    """The name a file must have, when the source's glob asks for one ('communes*')."""
    last = source.files.rsplit("/", 1)[-1]
    return None if last in ("*", "*.*") else last


def _sending(w: _Writer, source: Source) -> None:
    w.section("5. Đặt tên và gửi tệp", "File name and where to send it")
    pattern = _file_pattern(source)
    if pattern:
        w.bullet(
            f"Tên tệp phải có dạng '{pattern}' (ví dụ {pattern.replace('*', '_2025')}.xlsx).",
            f"The file name must match '{pattern}'.",
        )
    else:
        w.bullet(
            f"Tên tệp tuỳ ý, nên ghi rõ nội dung, kỳ và đơn vị gửi, ví dụ "
            f"{source.folder}_<kỳ>_<đơn vị gửi>.xlsx.",
            f"Any file name; best: {source.folder}_<period>_<sender>.xlsx.",
        )
    w.bullet(
        "Lưu dạng Excel (.xlsx); hệ thống cũng nhận CSV (UTF-8).",
        "Save as Excel (.xlsx); CSV (UTF-8) is accepted too.",
    )
    w.bullet(
        f"Gửi cho {OFFICE_VI}; cán bộ tiếp nhận đặt tệp vào thư mục raw/{source.folder}/ "
        "để hệ thống xử lý trong đêm.",
        f"Send it to {OFFICE_EN}, which puts it in raw/{source.folder}/ for the nightly run.",
    )
    w.bullet(
        "Tệp sửa lỗi là một tệp mới: sửa các dòng bị trả lại rồi gửi lại; một tệp trùng "
        "nội dung với tệp đã nhận được bỏ qua.",
        "A corrected file is a new file: fix the rejected rows and send it again; a file "
        "identical to one already received is skipped.",
    )


def _cell(value: object) -> object:
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else value


def _reference_lists(w: _Writer, source: Source, lists: dict[Lookup, ReferenceList]) -> None:
    used = [
        (lookup, ref)
        for lookup, ref in lists.items()
        if any(f.lookup is lookup for f in source.fields)
    ]
    if not used:
        return
    w.section("6. Danh mục tham chiếu", "Reference lists")
    for lookup, ref in used:
        columns = _headers(f for f in source.fields if f.lookup is lookup)
        w.row += 1
        w.line(
            f"{ref.source.title_vi} (dùng cho cột {columns})",
            f"{words(ref.source.name)}, for {columns}",
            bold=True,
        )
        w.table(
            [f.header for f in ref.source.fields],
            [[_cell(v) for v in row] for row in ref.table.iter_rows()],
        )
