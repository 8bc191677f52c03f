"""A model of an office file as its sender sees it, and the writers that make the real file.

A :class:`HostileFile` holds sheets of rows as the sender sees them in Excel (a merged cell's
value in every cell it covers, a hidden sheet marked hidden); the writers turn it into the
bytes an office machine would send: an xlsx by openpyxl (merges, hidden sheets, error cells,
formula-looking text stored as text, stray cells far away), or a CSV in some encoding, with
some delimiter and line endings, maybe with a stray byte. What the model knows for certain —
the data rows the sender sees, and which of them are valid — is what the tests check the
ingestion against.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from tests.support.corpus.cases import _fix_zip
from tests.support.helpers import ENTERPRISE_HEADERS, enterprise_row, windows_1258_form, write_csv

OUTSIDE_MARKER = "NGOAI_RAW_KHONG_DUOC_DOC"  # in every row of the file outside raw/


@dataclass(frozen=True)
class XlError:
    """An Excel error value (#REF!, #DIV/0!, #N/A…): an error cell in a workbook."""

    code: str


Cell = str | int | float | dt.date | XlError | None


@dataclass(frozen=True)
class Row:
    """One row of a sheet. ``kind``: title, header, data, blank, stt_only, total, subtotal or
    header_again (a header repeated below a page break). Only ``data`` rows are data to the
    sender; ``clean`` says whether the generator knows every cell of a data row to be valid."""

    kind: str
    cells: tuple[Cell, ...]
    clean: bool = True


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: tuple[Row, ...]
    hidden: bool = False
    # (first row, first col, last row, last col), 0-based and inclusive; the cells as the
    # sender sees them are in ``rows``: the writer keeps the first and blanks the rest.
    merges: tuple[tuple[int, int, int, int], ...] = ()
    strays: tuple[tuple[int, int, str], ...] = ()  # (row, col) 1-based far from the table

    @property
    def data_rows(self) -> int:
        return sum(r.kind == "data" for r in self.rows)

    @property
    def clean_rows(self) -> int:
        return sum(r.kind == "data" and r.clean for r in self.rows)


@dataclass(frozen=True)
class HostileFile:
    """A file of one source, below the source's folder at ``name`` (bytes: any file name)."""

    source: str  # source name (schemas.registry)
    folder: str  # the source's folder below raw/
    name: bytes
    fmt: str  # "xlsx" | "csv"
    sheets: tuple[Sheet, ...]
    encoding: str = "utf-8"  # CSV: utf-8, utf-8-sig, utf-16, cp1258
    line_endings: tuple[str, ...] = ("\n",)  # CSV: one per line, cycled
    delimiter: str = ","
    stray_bytes: bytes = b""  # CSV: appended to the file (a DOS EOF, a lone 8-bit byte)
    features: frozenset[str] = field(default_factory=frozenset)

    @property
    def rel(self) -> str:
        """The path below raw/, as the pipeline names it."""
        return f"{self.folder}/{os.fsdecode(self.name)}"

    @property
    def trailing_junk_line(self) -> bool:
        """A byte that is not UTF-8 after a UTF-8 file's last line end: a line of its own."""
        return (
            self.fmt == "csv"
            and self.encoding.startswith("utf-8")
            and any(b >= 0x80 for b in self.stray_bytes)
        )

    @property
    def sender_rows(self) -> int:
        """Data rows the sender sees: every visible sheet's, never a hidden sheet's."""
        return sum(s.data_rows for s in self.sheets if not s.hidden)

    @property
    def clean_rows(self) -> int:
        """Data rows whose every cell is valid as the sender sees it (they must load)."""
        return sum(s.clean_rows for s in self.sheets if not s.hidden)

    def path(self, raw: Path) -> Path:
        return raw / self.folder / os.fsdecode(self.name)

    def write(self, raw: Path) -> Path:
        path = self.path(raw)
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.fmt == "xlsx":
            write_xlsx(self, path)
        else:
            path.write_bytes(csv_bytes(self))
        return path


@dataclass(frozen=True)
class Batch:
    """Files sent in one night, plus maybe a symlink in raw/ to a file outside raw/."""

    files: tuple[HostileFile, ...]
    symlink_outside: bool = False

    @property
    def sources(self) -> list[str]:
        found = [f.source for f in self.files]
        return list(
            dict.fromkeys([*found, *(["enterprise_reports"] if self.symlink_outside else [])])
        )


SYMLINK_NAME = "lien_ket_ra_ngoai.csv"


def write_batch(batch: Batch, root: Path) -> Path:
    """Write the batch below ``root/raw`` (the outside file in ``root/outside``); return raw."""
    raw = root / "raw"
    for f in batch.files:
        f.write(raw)
    if batch.symlink_outside:
        outside = root / "outside" / "bi_mat.csv"
        rows = [
            enterprise_row(9000 + i, {"Tên doanh nghiệp / cơ sở": f"{OUTSIDE_MARKER} {i}"})
            for i in range(3)
        ]
        write_csv(outside, ENTERPRISE_HEADERS, rows)
        link = raw / "enterprise_reports" / SYMLINK_NAME
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(outside)
    return raw


# --- xlsx -------------------------------------------------------------------------------------


def write_xlsx(f: HostileFile, path: Path) -> None:
    book = openpyxl.Workbook()
    for i, sheet in enumerate(f.sheets):
        ws = book.active if i == 0 else book.create_sheet()
        ws.title = sheet.name
        _fill(ws, sheet)
        if sheet.hidden:
            ws.sheet_state = "hidden"
    book.save(path)
    _fix_zip(path)  # fixed zip timestamps: the same file, the same bytes, the same SHA-256


def _fill(ws, sheet: Sheet) -> None:
    covered = {
        (r, c)
        for r0, c0, r1, c1 in sheet.merges
        for r in range(r0, r1 + 1)
        for c in range(c0, c1 + 1)
        if (r, c) != (r0, c0)
    }
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row.cells):
            if value is not None and (r, c) not in covered:
                _put(ws.cell(row=r + 1, column=c + 1), value)
    for r0, c0, r1, c1 in sheet.merges:
        ws.merge_cells(f"{get_column_letter(c0 + 1)}{r0 + 1}:{get_column_letter(c1 + 1)}{r1 + 1}")
    for r, c, text in sheet.strays:
        ws.cell(row=r, column=c).value = text


def _put(cell, value: Cell) -> None:
    if isinstance(value, XlError):
        cell.value = value.code
        cell.data_type = "e"
        return
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # "=SUM(…)" typed as text stays text, never a formula


# --- CSV --------------------------------------------------------------------------------------


def cell_text(value: Cell) -> str:
    """A cell as a CSV holds it (what Excel's "Save as CSV" writes)."""
    if value is None:
        return ""
    if isinstance(value, XlError):
        return value.code
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return repr(value)
    return str(value)


def csv_text(f: HostileFile) -> str:
    sheet = f.sheets[0]
    lines = []
    for i, row in enumerate(sheet.rows):
        buffer = io.StringIO()  # "\r\n" as terminator: a cell holding a line break is quoted
        csv.writer(buffer, delimiter=f.delimiter, lineterminator="\r\n").writerow(
            [cell_text(v) for v in row.cells]
        )
        lines.append(
            buffer.getvalue().removesuffix("\r\n") + f.line_endings[i % len(f.line_endings)]
        )
    return "".join(lines)


def csv_bytes(f: HostileFile) -> bytes:
    text = csv_text(f)
    if f.encoding == "cp1258":
        data = windows_1258_form(text).encode("cp1258")
    elif f.encoding == "utf-8-sig":
        data = codecs.BOM_UTF8 + text.encode("utf-8")
    else:
        data = text.encode(f.encoding)  # "utf-16" writes its BOM
    return data + f.stray_bytes
