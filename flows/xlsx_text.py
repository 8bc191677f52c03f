"""Text written into a workbook stays text: never a live formula.

openpyxl turns any string that begins with "=" into a formula (``data_type`` "f"), and Excel
evaluates a cell typed "+…", "-…" or "@…" when it is edited. A header or a cell a sender
wrote (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``), or a reference value, must come back as
the characters it is: every text cell the pipeline writes (response workbooks, templates)
goes through :func:`put_text`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def put_text(cell: Cell, value: object) -> Cell:
    """Set ``cell`` to ``value``; a string is stored as a string (``t="s"``/inline), with
    Excel's leading-apostrophe flag when it looks like a formula, so it stays text even when
    the cell is edited."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    return cell


def text_cell(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    """``ws.cell(row, column, value)``, with :func:`put_text`'s guarantee."""
    return put_text(ws.cell(row, column), value)


def append_text(ws: Worksheet, values: list) -> tuple[Cell, ...]:
    """``ws.append(values)``, with :func:`put_text`'s guarantee for every cell."""
    ws.append([None] * len(values))
    if not values:
        return ()
    cells = ws[ws.max_row][: len(values)]
    for cell, value in zip(cells, values, strict=True):
        put_text(cell, value)
    return cells
