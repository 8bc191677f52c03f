"""Writing CSV and XLSX files deterministically, with arrival-date modification times."""

from __future__ import annotations

import calendar
import csv
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

Cell = str | int | float | date | None


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258_table() -> dict[int, str]:
    """Vietnamese letters missing from Windows-1258 -> base letter (with its shape mark,
    e.g. ê, ơ) followed by separate tone marks."""
    table = {}
    for cp in [*range(0xC0, 0x1B1), *range(0x1EA0, 0x1EFA)]:
        ch = chr(cp)
        try:
            ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            shape = "".join(m for m in parts[1:] if m not in TONE_MARKS)
            tones = "".join(m for m in parts[1:] if m in TONE_MARKS)
            table[cp] = unicodedata.normalize("NFC", parts[0] + shape) + tones
    return table


CP1258_TABLE = _cp1258_table()


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 bytes: base letters precomposed where the code page has them, tone
    marks as separate combining characters (what Windows-1258 exports look like)."""
    return unicodedata.normalize("NFC", text).translate(CP1258_TABLE).encode("cp1258")


def encode_text(text: str, encoding: str) -> bytes:
    """Encode a whole file: 'utf-8', 'utf-8-sig', 'utf-8-nfd' or 'cp1258'."""
    if encoding == "cp1258":
        return encode_cp1258(text)
    if encoding == "utf-8-nfd":
        return unicodedata.normalize("NFD", text).encode("utf-8")
    return unicodedata.normalize("NFC", text).encode(encoding)


def csv_bytes(rows: Sequence[Sequence[Cell]], delimiter: str, encoding: str) -> bytes:
    """Rows (already text) as CSV bytes with CRLF line ends."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return encode_text(buf.getvalue(), encoding)


VN_OFFSET = timedelta(hours=7)


def set_mtime(path: Path, when: datetime) -> None:
    """Set the file's mtime to a Vietnam-local wall-clock time, independent of the host TZ."""
    ts = calendar.timegm((when - VN_OFFSET).timetuple())
    os.utime(path, (ts, ts))


FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _normalise_zip(path: Path, created: datetime) -> None:
    """Rewrite the xlsx zip with fixed entry timestamps and a fixed 'modified' property,
    so that equal content gives equal bytes."""
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as zin:
        entries = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    entries = [
        (
            name,
            re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            if name == "docProps/core.xml"
            else data,
        )
        for name, data in entries
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, data)


def _date_cell(ws: object, value: date) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = "DD/MM/YYYY"
    return cell


def write_xlsx(
    path: Path, sheets: Sequence[tuple[str, Sequence[Sequence[Cell]], int]], created: datetime
) -> None:
    """Write sheets (name, rows, header_row_index 0-based) in streaming mode.

    Rows above the header are a title block (bold); header cells wrap their line breaks.
    """
    wb = Workbook(write_only=True)
    wb.properties.creator = "Vĩnh Linh"
    wb.properties.created = created
    wb.properties.modified = created
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="center")
    for name, rows, header_idx in sheets:
        ws = wb.create_sheet(name)
        for i, row in enumerate(rows):
            if i <= header_idx:
                cells = []
                for v in row:
                    cell = WriteOnlyCell(ws, value=v)
                    cell.font = bold
                    if i == header_idx:
                        cell.alignment = wrap
                    cells.append(cell)
                ws.append(cells)
            else:
                ws.append([_date_cell(ws, v) if isinstance(v, date) else v for v in row])
    wb.save(path)
    _normalise_zip(path, created)
