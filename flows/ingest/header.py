"""Find the header row of a grid and map its cells to a source's fields.

The header is the row, among the first rows of a sheet, whose cells match most of the
source's headers and aliases (compared folded: no case, diacritics, line breaks or units in
brackets). A two-row header — a group label merged over several columns ("Giá trị sản
xuất") with its parts in the row below ("theo giá hiện hành") — is read as one, the group
label joined to each part, whenever that matches more fields than the upper row alone.
Title blocks above it are ignored; an "STT" column is recognised and dropped; unknown
columns are kept aside as extras.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.ingest.readers import FileRejected, Grid
from flows.ingest.text import fold
from schemas.base import Source

SCAN_ROWS = 30
# The sheets of our own Excel templates (flows/templates) that hold no data: never named as
# sheets left unread.
INSTRUCTIONS_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
TEMPLATE_SHEETS = {INSTRUCTIONS_SHEET, LISTS_SHEET}
# "STT", "S.T.T", "TT", "Số TT", "Số thứ tự", "No." folded
ROW_NUMBER_HEADERS = {"stt", "s t t", "tt", "t t", "so tt", "so t t", "so thu tu", "no"}


@dataclass
class HeaderMatch:
    grid: Grid
    header_index: int  # position of the (first) header row in grid.frame
    fields: dict[str, str]  # grid column → field name
    written: dict[str, str]  # field name → header as written in the file
    extras: dict[str, str]  # grid column → header as written (unknown columns)
    row_number_column: str | None  # the "STT" column, if any
    header_rows: int = 1  # 2 for a group label row above its parts
    labels: dict[str, str | None] | None = None  # grid column → header text as read

    @property
    def data_start(self) -> int:
        """Position in grid.frame of the first row below the header."""
        return self.header_index + self.header_rows


def alias_index(source: Source) -> dict[str, str]:
    """Folded header or alias → field name."""
    index: dict[str, str] = {}
    for f in source.fields:
        for label in (f.header, f.name.replace("_", " "), *f.aliases):
            index.setdefault(fold(label), f.name)
    return index


def _score(cells: list[str | None], index: dict[str, str]) -> int:
    return len({index[k] for k in (fold(c) for c in cells if c) if k in index})


def _two_row_labels(upper: list[str | None], lower: list[str | None]) -> list[str | None]:
    """Each part below joined to the group label above it (merged cells read blank but for
    their first cell, so the label carries right until the next one)."""
    labels: list[str | None] = []
    group = None
    for top, part in zip(upper, lower, strict=True):
        if top is not None and str(top).strip():
            group = str(top)
        if part is not None and str(part).strip():
            labels.append(f"{group} {part}" if group else str(part))
        else:
            labels.append(top)
    return labels


def locate_header(grids: list[Grid], source: Source) -> HeaderMatch:
    """The first grid (sheet) with a recognisable header, mapped to the source's fields."""
    return locate_headers(grids, source).matches[0]


@dataclass
class Located:
    matches: list[HeaderMatch]  # every sheet carrying the source's header, in order
    unread: list[tuple[str | None, str]]  # (sheet, why it was not read) for the others


def locate_headers(grids: list[Grid], source: Source) -> Located:
    """Every grid (sheet) carrying the source's header, mapped to its fields; the others
    named with the reason they were not read (a notes sheet, a pivot, a header lacking
    columns). A workbook of one sheet per month is read whole.

    Raises FileRejected when no sheet can be read: with the best candidate's reason (its
    missing or duplicated columns), else "no header".
    """
    index = alias_index(source)
    found: list[HeaderMatch] = []
    unread: list[tuple[str | None, str]] = []
    best_failure: tuple[int, FileRejected] | None = None
    for grid in grids:
        if grid.hidden:
            if grid.sheet not in TEMPLATE_SHEETS:
                unread.append((grid.sheet, "trang ẩn / hidden sheet"))
            continue
        candidate = _best_header(grid, index, min(3, len(source.fields)))
        if candidate is None:
            if grid.sheet not in TEMPLATE_SHEETS:
                unread.append((grid.sheet, "không có dòng tiêu đề / no header row"))
            continue
        score, header_index, rows, labels = candidate
        columns = [c for c in grid.frame.columns if c != "_row"]
        try:
            match = _map_columns(
                grid, header_index, dict(zip(columns, labels, strict=True)), index, source
            )
        except FileRejected as exc:
            unread.append((grid.sheet, f"{exc.rule}: {exc.detail}"))
            if best_failure is None or score > best_failure[0]:
                best_failure = (score, exc)
            continue
        match.header_rows = rows
        found.append(match)
    if not found:
        if best_failure is not None:
            raise best_failure[1]
        expected = ", ".join(f.header for f in source.fields if f.required)
        raise FileRejected("no_header", expected)
    return Located(found, unread)


def _best_header(
    grid: Grid, index: dict[str, str], needed: int
) -> tuple[int, int, int, list[str | None]] | None:
    """(score, row position, 1 or 2 header rows, labels) of the grid's best header row."""
    best = None
    data_cols = [c for c in grid.frame.columns if c != "_row"]
    head = [list(r) for r in grid.frame.head(SCAN_ROWS + 1).select(data_cols).rows()]
    for i, cells in enumerate(head[:SCAN_ROWS]):
        options = [(1, cells)]
        if i + 1 < len(head):
            options.append((2, _two_row_labels(cells, head[i + 1])))
        for rows, labels in options:
            score = _score(labels, index)
            if score >= needed and (best is None or score > best[0]):
                best = (score, i, rows, labels)
    return best


def _map_columns(
    grid: Grid,
    header_index: int,
    header_cells: dict[str, str | None],
    index: dict[str, str],
    source: Source,
) -> HeaderMatch:
    fields: dict[str, str] = {}
    written: dict[str, str] = {}
    extras: dict[str, str] = {}
    row_number_column = None
    duplicates = []
    for column, text in header_cells.items():
        if text is None or not str(text).strip():
            continue
        folded = fold(text)
        name = index.get(folded)
        if name is None and folded in ROW_NUMBER_HEADERS and row_number_column is None:
            row_number_column = column
        elif name is None:
            label = " ".join(str(text).split())
            while label in extras.values():  # two unknown columns with one header
                label += " (2)"
            extras[column] = label
        elif name in written:
            duplicates.append(" ".join(str(text).split()))
        else:
            fields[column] = name
            written[name] = " ".join(str(text).split())
    if duplicates:
        raise FileRejected("duplicate_columns", ", ".join(duplicates))
    missing = [f.header for f in source.fields if f.required and f.name not in written]
    if missing:
        raise FileRejected("missing_columns", ", ".join(missing))
    return HeaderMatch(
        grid, header_index, fields, written, extras, row_number_column, labels=header_cells
    )
