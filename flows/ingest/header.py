"""Find the header row of a grid and map its cells to a source's fields.

The header is the row, among the first rows of a sheet, whose cells match most of the
source's headers and aliases (compared folded: no case, diacritics, line breaks or units in
brackets). Title blocks above it are ignored; an "STT" column is recognised and dropped;
unknown columns are kept aside as extras.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.ingest.readers import FileRejected, Grid
from flows.ingest.text import fold
from schemas.base import Source

SCAN_ROWS = 30
ROW_NUMBER_HEADERS = {"stt", "tt", "so tt", "so thu tu", "no"}


@dataclass
class HeaderMatch:
    grid: Grid
    header_index: int  # position of the header row in grid.frame
    fields: dict[str, str]  # grid column → field name
    written: dict[str, str]  # field name → header as written in the file
    extras: dict[str, str]  # grid column → header as written (unknown columns)
    row_number_column: str | None  # the "STT" column, if any


def alias_index(source: Source) -> dict[str, str]:
    """Folded header or alias → field name."""
    index: dict[str, str] = {}
    for f in source.fields:
        for label in (f.header, f.name.replace("_", " "), *f.aliases):
            index.setdefault(fold(label), f.name)
    return index


def _score(cells: list[str | None], index: dict[str, str]) -> int:
    return len({index[k] for k in (fold(c) for c in cells if c) if k in index})


def locate_header(grids: list[Grid], source: Source) -> HeaderMatch:
    """The first grid (sheet) with a recognisable header, mapped to the source's fields."""
    index = alias_index(source)
    needed = min(3, len(source.fields))
    best: tuple[int, Grid, int] | None = None
    for grid in grids:
        data_cols = [c for c in grid.frame.columns if c != "_row"]
        head = grid.frame.head(SCAN_ROWS).select(data_cols).rows()
        for i, cells in enumerate(head):
            score = _score(list(cells), index)
            if score >= needed and (best is None or score > best[0]):
                best = (score, grid, i)
        if best is not None:
            break  # the first sheet with a header wins; later sheets are notes or pivots
    if best is None:
        expected = ", ".join(f.header for f in source.fields if f.required)
        raise FileRejected("no_header", expected)
    _, grid, header_index = best
    return _map_columns(grid, header_index, index, source)


def _map_columns(grid: Grid, header_index: int, index: dict[str, str],
                 source: Source) -> HeaderMatch:
    header_cells = grid.frame.row(header_index, named=True)
    fields: dict[str, str] = {}
    written: dict[str, str] = {}
    extras: dict[str, str] = {}
    row_number_column = None
    duplicates = []
    for column, text in header_cells.items():
        if column == "_row" or text is None or not str(text).strip():
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
    return HeaderMatch(grid, header_index, fields, written, extras, row_number_column)
