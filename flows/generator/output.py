"""The output directory being written, and the Truth being collected alongside it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from .files import Cell, csv_bytes, set_mtime, write_xlsx
from .truth import BadRow, FileInfo, Truth


class Output:
    """Writes files under the root and records them (and bad rows) in the Truth."""

    def __init__(self, root: Path, truth: Truth) -> None:
        self.root = root
        self.truth = truth

    def _path(self, rel: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def _record(self, rel: str, source: str, fmt: str, mtime: datetime, rows: int,
                quirks: str) -> None:
        used = {f.mtime for f in self.truth.files}
        while mtime in used:     # arrival times are distinct (no file ties another)
            mtime += timedelta(seconds=1)
        set_mtime(self.root / rel, mtime)
        self.truth.files.append(FileInfo(rel, source, fmt, mtime, rows, quirks))

    def csv(self, rel: str, source: str, rows: Sequence[Sequence[Cell]], *, delimiter: str,
            encoding: str, mtime: datetime, data_rows: int, quirks: str) -> None:
        """Write a CSV file (text cells) and register it."""
        self._path(rel).write_bytes(csv_bytes(rows, delimiter, encoding))
        self._record(rel, source, "csv", mtime, data_rows, quirks)

    def xlsx(self, rel: str, source: str, sheets: Sequence[tuple[str, list, int]], *,
             mtime: datetime, data_rows: int, quirks: str) -> None:
        """Write a workbook and register it."""
        write_xlsx(self._path(rel), sheets, created=mtime)
        self._record(rel, source, "xlsx", mtime, data_rows, quirks)

    def raw(self, rel: str, source: str, data: bytes, *, fmt: str, mtime: datetime,
            quirks: str) -> None:
        """Write arbitrary bytes (e.g. the unreadable file) and register it."""
        self._path(rel).write_bytes(data)
        self._record(rel, source, fmt, mtime, 0, quirks)

    def bad(self, source: str, rel: str, row_number: int, column: str, rule: str) -> None:
        """Register a deliberately bad row."""
        self.truth.bad_rows.append(BadRow(source, rel, row_number, column, rule))
