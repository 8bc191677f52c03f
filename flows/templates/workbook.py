"""One template workbook: the data sheet, the "Hướng dẫn" sheet and the hidden lists.

The data sheet comes first (the pipeline reads the first sheet with a recognisable header):
row 1 holds the declared headers, frozen, each with a note; the rows below are formatted and
checked for data entry. The lists the dropdowns offer sit on a hidden sheet, referenced by
range.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from flows.templates.describe import (
    DATA_ROWS,
    DATA_SHEET,
    EXCEL_TEXT_LIMIT,
    FIRST_ROW,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    Catalog,
    ColumnSpec,
    describe,
    fit,
    words,
)
from flows.templates.instructions import (
    BORDER,
    OPTIONAL_FILL,
    REQUIRED_FILL,
    write_instructions,
)
from flows.templates.lists import ReferenceList
from flows.xlsx_text import text_cell
from schemas.base import Lookup, Source

AUTHOR = "vlpipe"
ERROR_TITLE = "Giá trị không hợp lệ"  # Excel: at most 32 characters


def build_workbook(source: Source, lists: dict[Lookup, ReferenceList]) -> Workbook:
    catalog = Catalog()
    columns = describe(source, lists, catalog)
    wb = Workbook()
    data = wb.active
    data.title = DATA_SHEET
    _data_sheet(data, columns)
    write_instructions(wb.create_sheet(INSTRUCTIONS_SHEET), source, columns, lists)
    if catalog.lists:
        _lists_sheet(wb.create_sheet(LISTS_SHEET), catalog)
    wb.active = 0
    wb.properties.title = f"Mẫu: {source.title_vi}"
    wb.properties.subject = words(source.name)
    wb.properties.creator = AUTHOR
    return wb


def note(column: ColumnSpec) -> str:
    """The header's note: meaning, required or not, unit, type, allowed values, example."""
    f = column.field
    lines = [f.header]
    if f.description_vi:
        lines.append(f.description_vi)
    lines.append(f"[{column.meaning[1]}]")
    lines.append("Bắt buộc [required]" if f.required else "Không bắt buộc [optional]")
    if f.unit:
        lines.append(f"Đơn vị [unit]: {f.unit}")
    lines.append(f"Kiểu: {column.kind[0]} [{column.kind[1]}]")
    if column.allowed[0]:
        lines.append(f"Giá trị: {column.allowed[0]} [{column.allowed[1]}]")
    if column.example:
        lines.append(f"Ví dụ [example]: {column.example}")
    return "\n".join(lines)


def _data_sheet(ws: Worksheet, columns: list[ColumnSpec]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = text_cell(ws, 1, index, column.header)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else OPTIONAL_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        text = note(column)
        cell.comment = Comment(
            text, AUTHOR, width=340, height=22 * (text.count("\n") + 1 + len(text) // 60)
        )
        dimension = ws.column_dimensions[column.letter]
        dimension.width = column.width
        dimension.number_format = column.number_format  # rows typed beyond the checked ones
        for row in range(FIRST_ROW, FIRST_ROW + DATA_ROWS):
            ws.cell(row, index).number_format = column.number_format
        if column.check is not None:
            ws.add_data_validation(_validation(column))
    ws.row_dimensions[1].height = 48
    ws.freeze_panes = f"A{FIRST_ROW}"


def _validation(column: ColumnSpec) -> DataValidation:
    check = column.check
    assert check is not None  # only columns with a check get a validation
    prompt = fit(
        f"{column.kind[0]}"
        + ("; bắt buộc" if column.required else "")
        + (f". {column.allowed[0]}" if column.allowed[0] else ""),
        column.kind[1] + ("; required" if column.required else ""),
    )
    dv = DataValidation(
        type=check.type,
        operator=check.operator,
        formula1=check.formula1,
        formula2=check.formula2,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle=ERROR_TITLE,
        error=check.error,
        showInputMessage=True,
        promptTitle=_title(column.header),
        prompt=prompt[:EXCEL_TEXT_LIMIT],
    )
    dv.add(column.cells)
    return dv


def _title(text: str, limit: int = 32) -> str:
    """A prompt's title: Excel takes at most 32 characters."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _lists_sheet(ws: Worksheet, catalog: Catalog) -> None:
    for j, (title, values) in enumerate(catalog.lists, start=1):
        text_cell(ws, 1, j, title).font = Font(bold=True)
        for i, value in enumerate(values, start=FIRST_ROW):
            cell = text_cell(ws, i, j, value)
            cell.number_format = "@"
        ws.column_dimensions[ws.cell(1, j).column_letter].width = min(
            max(len(v) for v in (title, *values)) + 2, 60
        )
    ws.sheet_state = "hidden"
