"""Read an xlsx or CSV file into grids of text cells, whatever its encoding or delimiter.

A grid is a polars frame of text columns ``c0…cN`` plus ``_row``, the row number the sender
sees in Excel (1-based) or the line of the CSV. Nothing is interpreted here except what would
otherwise be lost: a workbook's numeric, date and boolean cells become unambiguous text
("1385.5", "2022-03-05", "true") so that one set of vectorised parsers serves every format.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from flows.ingest.xlsx_cells import valueless_cells

XLSX_SUFFIXES = {".xlsx", ".xlsm", ".xls"}  # .xls: Excel 97–2003 (BIFF), read by calamine
CSV_SUFFIXES = {".csv", ".txt"}
NUMERIC_MARK = "\u2063"  # appended to a workbook's numeric cells: never separator evidence
# Prefixes a cell that holds no value: an Excel error (#REF!) or a formula never calculated.
CELL_ERROR_MARK = "\u2064"


class FileRejected(Exception):
    """The file as a whole cannot be used; ``rule`` names an entry of schemas.messages."""

    def __init__(self, rule: str, detail: str = "") -> None:
        super().__init__(f"{rule}: {detail}")
        self.rule = rule
        self.detail = detail


@dataclass
class Grid:
    sheet: str | None
    frame: pl.DataFrame  # c0..cN (Utf8) and _row (Int32)
    typed_cells: bool = True  # a workbook: cells may carry NUMERIC_MARK / CELL_ERROR_MARK


ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
MAX_FILE_MB_ENV = "VLPIPE_MAX_FILE_MB"
MAX_ROWS_ENV = "VLPIPE_MAX_ROWS"
# Characters that never occur in Vietnamese but fill text typed in the legacy 8-bit fonts
# (.VnTime = TCVN3; VNI-Times = VNI) once read as Unicode: "B¸o c¸o" / "Baùo caùo saûn".
_TCVN3_MARKS = set("¸µ¶·¹¨©ª«¬®°±²³´½¾§¦¢¤¥")
_VNI_MARKS = set("äëïöüûøåæñÄËÏÖÜÛØÅÆÑ")


def limits() -> tuple[int, int]:
    """(bytes, rows) a single file may hold; beyond, it is rejected instead of read."""
    megabytes = float(os.environ.get(MAX_FILE_MB_ENV, "512"))
    return int(megabytes * 1024 * 1024), int(os.environ.get(MAX_ROWS_ENV, "5000000"))


def read_grids(path: Path) -> list[Grid]:
    """Every candidate table of the file: each visible worksheet, or the CSV's one table."""
    suffix = path.suffix.lower()
    size = path.stat().st_size
    max_bytes, max_rows = limits()
    if size == 0:
        raise FileRejected("unreadable", "tệp rỗng, 0 byte / empty file, 0 bytes")
    if size > max_bytes:
        raise FileRejected("too_large", f"{size / 1048576:.0f} MB > {max_bytes / 1048576:.0f} MB")
    if suffix in XLSX_SUFFIXES:
        grids = _read_xlsx(path, max_rows)
    elif suffix in CSV_SUFFIXES:
        grids = [_read_csv(path)]
    else:
        raise FileRejected("unsupported_type", suffix or path.name)
    for grid in grids:
        if grid.frame.height > max_rows:
            raise FileRejected("too_large", f"> {max_rows:,} dòng / rows")
    _refuse_legacy_encoding(grids)
    return grids


def _refuse_legacy_encoding(grids: list[Grid]) -> None:
    """Text typed in TCVN3 or VNI fonts is garbage as Unicode: name the encoding, refuse it."""
    sample = "".join(
        "".join(v for v in row if isinstance(v, str))
        for grid in grids for row in grid.frame.head(40).rows())
    letters = sum(ch.isalpha() for ch in sample) or 1
    for name, marks in (("TCVN3 (ABC, phông .Vn…)", _TCVN3_MARKS),
                        ("VNI (phông VNI-…)", _VNI_MARKS)):
        found = sum(ch in marks for ch in sample)
        if found >= 3 and found / letters > 0.003:
            raise FileRejected("legacy_encoding", name)


# --- xlsx -----------------------------------------------------------------------------------

def _cell_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # A numeric cell is typed, not written in a locale: mark it so that it is neither
        # ambiguous itself nor evidence for reading the column's text cells.
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
        return text + NUMERIC_MARK
    if isinstance(value, int):
        return str(value) + NUMERIC_MARK
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path, max_rows: int) -> list[Grid]:
    import python_calamine

    with path.open("rb") as fh:
        magic = fh.read(8)
    legacy = magic == OLE_MAGIC  # an Excel 97–2003 .xls, or an encrypted workbook
    if legacy and _is_encrypted(path):
        raise FileRejected("password_protected")
    try:
        # Formula and error cells are found in the xlsx XML; an .xls shows their cached value.
        valueless = {} if legacy else valueless_cells(path)
        with path.open("rb") as fh:  # from a file object calamine detects the format itself
            workbook = python_calamine.CalamineWorkbook.from_filelike(fh)
        sheets = [
            m.name for m in workbook.sheets_metadata
            if str(m.visible).endswith("Visible") and str(m.typ).endswith("WorkSheet")
        ]
        grids = []
        for name in sheets:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False,
                                                              nrows=max_rows + 1)
            frame = _rows_to_frame(rows)
            grids.append(Grid(name, _mark_valueless_cells(frame, valueless.get(name, {}))))
    except FileRejected:
        raise
    except Exception as exc:  # calamine raises several types for corrupt or foreign files
        kind = "tệp .xls hỏng / corrupt .xls: " if legacy else ""
        raise FileRejected("unreadable", f"{kind}{type(exc).__name__}: {exc}"[:300]) from exc
    if not grids:
        raise FileRejected("unreadable", "không có trang tính / no worksheet")
    return grids


def _mark_valueless_cells(frame: pl.DataFrame,
                          cells: dict[tuple[int, int], str]) -> pl.DataFrame:
    """Put each error or uncalculated formula (read as blank by calamine) back, marked."""
    if not cells:
        return frame
    columns = {c: frame[c].to_list() for c in frame.columns if c != "_row"}
    for (row, col), text in cells.items():
        if row < frame.height and f"c{col}" in columns:
            columns[f"c{col}"][row] = CELL_ERROR_MARK + text
    return frame.with_columns(pl.Series(c, v, dtype=pl.Utf8) for c, v in columns.items())


def _is_encrypted(path: Path) -> bool:
    """An Office file with a password is an OLE container holding an "EncryptedPackage"."""
    with path.open("rb") as fh:
        head = fh.read(64 * 1024 * 1024)
    return b"EncryptedPackage" in head or "EncryptedPackage".encode("utf-16-le") in head


def _rows_to_frame(rows: list[list[object]]) -> pl.DataFrame:
    width = max((len(r) for r in rows), default=0)
    columns = {
        f"c{j}": [_cell_text(r[j]) if j < len(r) else None for r in rows] for j in range(width)
    }
    frame = pl.DataFrame(columns, schema={c: pl.Utf8 for c in columns})
    return frame.with_columns(_row=pl.int_range(1, frame.height + 1, dtype=pl.Int32))


# --- CSV ------------------------------------------------------------------------------------

def detect_encoding(raw: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (BOM, or the NUL bytes of ASCII text), else
    Windows-1258."""
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = raw[:4096]
    if len(head) >= 8 and head[1::2].count(0) > len(head) // 4:
        return "utf-16-le"
    if len(head) >= 8 and head[0::2].count(0) > len(head) // 4:
        return "utf-16-be"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1258"
    return "utf-8"


def _sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ",;\t"}
        return max(counts, key=counts.get)


def _read_csv(path: Path) -> Grid:
    raw = path.read_bytes()
    if raw.startswith(ZIP_MAGIC):
        raise FileRejected("unreadable", "tệp Excel (.xlsx) bị đặt tên .csv / an Excel "
                                         "workbook under a .csv name")
    encoding = detect_encoding(raw)
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FileRejected("unreadable", f"encoding {encoding}: {exc}") from exc
    if "\x00" in text:
        raise FileRejected("unreadable", "tệp nhị phân / binary content")
    delimiter = _sniff_delimiter(text[:20000])
    # Title lines have one field: size the table by its widest line, not its first.
    width = max((line.count(delimiter) for line in text.splitlines()), default=0) + 1
    try:
        frame = pl.read_csv(
            text.encode("utf-8"),
            has_header=False,
            infer_schema=False,
            separator=delimiter,
            schema={f"c{i}": pl.Utf8 for i in range(width)},
            truncate_ragged_lines=True,
        )
    except Exception as exc:  # polars raises ComputeError/NoDataError for broken CSV
        raise FileRejected("unreadable", f"CSV: {exc}"[:300]) from exc
    return Grid(None, frame.with_columns(_row=pl.int_range(1, frame.height + 1, dtype=pl.Int32)),
                typed_cells=False)
