"""The output directory being written, and the Truth being collected alongside it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from .files import Cell, csv_bytes, set_mtime, write_xlsx
from .truth import BadRow, FileInfo, Truth

FORMATS = ("mixed", "csv", "xlsx")
XLSX_SHEET_ROWS = 1_048_576  # a worksheet holds no more rows than this


def _swap_suffix(rel: str, suffix: str) -> str:
    return rel.rsplit(".", 1)[0] + suffix


def _csv_cell(v: Cell) -> str:
    """A workbook cell as a CSV exporter writes it: dates dd/mm/yyyy, plain numbers."""
    if v is None:
        return ""
    if isinstance(v, date):
        return f"{v.day:02d}/{v.month:02d}/{v.year}"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


class Output:
    """Writes files under the root and records them (and bad rows) in the Truth.

    ``formats``: "mixed" writes each file as the office receives it (xlsx or CSV); "csv"
    writes every table as CSV (a workbook's first sheet, UTF-8 with BOM, ','), "xlsx" every
    table as a workbook (a CSV's text cells in one sheet; a table too long for a sheet stays
    CSV). Renamed files are listed in ``renamed`` (old → new relative path).
    """

    def __init__(self, root: Path, truth: Truth, formats: str = "mixed") -> None:
        if formats not in FORMATS:
            raise ValueError(f"formats must be one of {FORMATS}, got {formats!r}")
        self.root = root
        self.truth = truth
        self.formats = formats
        self.renamed: dict[str, str] = {}
        self._mtimes: set[datetime] = set()

    def _path(self, rel: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def _record(
        self, rel: str, source: str, fmt: str, mtime: datetime, rows: int, quirks: str
    ) -> None:
        """Register a file under the name its records use until relabel_truth()."""
        while mtime in self._mtimes:  # arrival times are distinct (no file ties another)
            mtime += timedelta(seconds=1)
        self._mtimes.add(mtime)
        set_mtime(self.root / self.renamed.get(rel, rel), mtime)
        self.truth.files.append(FileInfo(rel, source, fmt, mtime, rows, quirks))

    def csv(
        self,
        rel: str,
        source: str,
        rows: Sequence[Sequence[Cell]],
        *,
        delimiter: str,
        encoding: str,
        mtime: datetime,
        data_rows: int,
        quirks: str,
    ) -> None:
        """Write a CSV file (text cells) and register it."""
        if self.formats == "xlsx" and len(rows) <= XLSX_SHEET_ROWS:
            new = self.renamed[rel] = _swap_suffix(rel, ".xlsx")
            header = next((i for i, r in enumerate(rows) if len(r) > 1), 0)
            write_xlsx(self._path(new), [("Sheet1", rows, header)], created=mtime)
            self._record(rel, source, "xlsx", mtime, data_rows, quirks + " [xlsx of the CSV]")
            return
        self._path(rel).write_bytes(csv_bytes(rows, delimiter, encoding))
        self._record(rel, source, "csv", mtime, data_rows, quirks)

    def xlsx(
        self,
        rel: str,
        source: str,
        sheets: Sequence[tuple[str, list, int]],
        *,
        mtime: datetime,
        data_rows: int,
        quirks: str,
    ) -> None:
        """Write a workbook and register it."""
        if self.formats == "csv":
            new = self.renamed[rel] = _swap_suffix(rel, ".csv")
            rows = [[_csv_cell(v) for v in row] for row in sheets[0][1]]
            self._path(new).write_bytes(csv_bytes(rows, ",", "utf-8-sig"))
            self._record(rel, source, "csv", mtime, data_rows, quirks + " [CSV of sheet 1]")
            return
        write_xlsx(self._path(rel), sheets, created=mtime)
        self._record(rel, source, "xlsx", mtime, data_rows, quirks)

    def raw(
        self, rel: str, source: str, data: bytes, *, fmt: str, mtime: datetime, quirks: str
    ) -> None:
        """Write arbitrary bytes (e.g. the unreadable file) and register it."""
        self._path(rel).write_bytes(data)
        self._record(rel, source, fmt, mtime, 0, quirks)

    def bad(self, source: str, rel: str, row_number: int, column: str, rule: str) -> None:
        """Register a deliberately bad row."""
        self.truth.bad_rows.append(BadRow(source, rel, row_number, column, rule))

    def relabel_truth(self) -> None:
        """Point the Truth's records at the files as written (after a change of format)."""
        self.truth.relabel(self.renamed)
