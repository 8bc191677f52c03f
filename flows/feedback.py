"""Response workbooks (phiếu phản hồi) for the people who sent files with problems.

One xlsx per file that had rejected rows, or was rejected whole, in a run: sheet "Phản hồi"
(title block, then row / column / value / reason in Vietnamese) and, when the original can
still be read, sheet "Dòng gốc" (the header and the rejected rows as they were sent).
Personal-data cells are never copied, and no cell of the sender's data can become a formula.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from flows.config import VIETNAM, connect
from flows.ingest.header import HeaderMatch, locate_header
from flows.ingest.pipeline import UNASSIGNED, sha256_of
from flows.ingest.readers import (
    CELL_ERROR_MARK,
    INVALID_BYTES_MARK,
    NUMERIC_MARK,
    CsvBatches,
    NotUtf8,
    read_grids,
    read_in_batches,
)
from flows.names import path_of, readable_path, safe_stem
from flows.queries import scalar
from flows.xlsx_text import append_text
from schemas.base import Source
from schemas.messages import FILE_RULES
from schemas.registry import get_source

if TYPE_CHECKING:  # openpyxl is imported when a workbook is written (not on a quiet night)
    from openpyxl import Workbook

HIDDEN = "(ẩn)"
CITIZEN_ID_LIKE = re.compile(r"(^|\D)\d{12}(\D|$)")  # as flows.ingest.validate masks values
OFFICE_SIDE = ("no_pii_key", "pii_key_changed", "internal_error")  # not the sender's to fix
INSTRUCTION = "Các dòng dưới đây chưa được tiếp nhận. Đề nghị kiểm tra, sửa và gửi lại."
WHOLE_FILE = "Tệp này chưa được tiếp nhận. Đề nghị kiểm tra, sửa và gửi lại."
UNASSIGNED_TITLE = "chưa xác định (tệp không nằm trong thư mục của nguồn dữ liệu nào)"


def write_feedback(private_db: Path, raw_dir: Path, out_dir: Path, run_id: str) -> list[Path]:
    """Write one phiếu phản hồi per file with rejections in ``run_id``; return their paths."""
    with connect(private_db, read_only=True) as con:
        rejections = con.execute(
            "select r.source, r.file_name, r.sheet, r.row_number, r.column_name, r.value, "
            "r.message_vi, f.sha256 from ops.rejections r left join ops.files f using (file_id) "
            "left join ops.file_sheets s on s.file_id = r.file_id "
            "and s.sheet is not distinct from r.sheet "
            "where r.run_id = ? order by r.source, r.file_name, s.sheet_no, r.row_number",
            [run_id],
        ).fetchall()
        whole = con.execute(
            "select source, file_name, reason from ops.file_events "
            "where run_id = ? and status = 'rejected' order by source, file_name",
            [run_id],
        ).fetchall()
        hashed = {
            (r[0], r[1]): (r[2], r[3], r[4])
            for r in con.execute(
                "select source, file_name, size_bytes, mtime_ns, sha256 from ops.file_stats"
            ).fetchall()
        }
        started = scalar(
            con,
            "select coalesce((select started_at from ops.runs where run_id = $r), "
            "(select min(recorded_at) from ops.file_events where run_id = $r))",
            {"r": run_id},
        )
    # Stored times are UTC (flows.config.connect): the date is the one in Vietnam (a night's
    # run at 01:00 is 18:00 UTC the day before).
    moment = started.replace(tzinfo=dt.UTC) if started else dt.datetime.now(dt.UTC)
    run_date = moment.astimezone(VIETNAM).strftime("%d/%m/%Y")
    files: dict[tuple[str, str], dict] = {}
    for source, name, sheet, row, column, value, message, sha in rejections:
        entry = files.setdefault(
            (source, name), {"sha": sha, "rows": [], "hashed": hashed.get((source, name))}
        )
        entry["rows"].append((sheet, row, column, value, message))
    for source, name, reason in whole:
        vi = _vietnamese(reason or "")
        if not any(vi.startswith(FILE_RULES[r][0].split("{")[0]) for r in OFFICE_SIDE):
            files.setdefault((source, name), {"sha": None, "rows": []})["whole"] = vi
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    used: set[str] = set()
    for (source_name, file_name), entry in sorted(files.items()):
        target = out_dir / _unique_name(file_name, used)
        source = None if source_name == UNASSIGNED else get_source(source_name)
        book = _workbook(source, raw_dir, file_name, entry, run_date)
        _save_atomically(book, target)
        written.append(target)
    return written


def _vietnamese(reason: str) -> str:
    """The Vietnamese half of a "vi / en" reason (a detail may itself contain " / ")."""
    starts = [en.split("{")[0] for _, en in FILE_RULES.values()]
    for match in re.finditer(" / ", reason):
        if any(reason[match.end() :].startswith(s) for s in starts if s):
            return reason[: match.start()]
    return reason.split(" / ")[0]


def _unique_name(file_name: str, used: set[str]) -> str:
    """A short, safe workbook name (at most ~130 bytes whatever the file's name)."""
    safe = safe_stem(file_name)
    name, n = f"phieu_phan_hoi__{safe}.xlsx", 1
    while name.lower() in used:
        n += 1
        name = f"phieu_phan_hoi__{safe}_{n}.xlsx"
    used.add(name.lower())
    return name


def _workbook(
    source: Source | None, raw_dir: Path, file_name: str, entry: dict, run_date: str
) -> Workbook:
    """The workbook for one file; ``source`` None for a file no source reads (it has no
    rejected rows, only its whole-file reason)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    fields = source.fields if source else []
    pii = {f.name for f in fields if f.pii}
    sheets = list(dict.fromkeys(r[0] for r in entry["rows"]))
    originals = (
        [_original_rows(source, path_of(raw_dir, file_name), entry, pii, sheet) for sheet in sheets]
        if source
        else []
    )
    written: dict[str, str] = next((o[2] for o in originals if o), {})
    order = {f.name: i for i, f in enumerate(fields)}
    book = Workbook()
    sheet = book.active
    sheet.title = "Phản hồi"
    append_text(sheet, ["PHIẾU PHẢN HỒI DỮ LIỆU"])
    sheet["A1"].font = Font(bold=True, size=14)
    append_text(sheet, [f"Tệp: {_text(Path(file_name).name)}"])
    append_text(sheet, [f"Nguồn: {source.title_vi if source else UNASSIGNED_TITLE}"])
    append_text(sheet, [f"Ngày xử lý: {run_date}"])
    append_text(sheet, [WHOLE_FILE if "whole" in entry else INSTRUCTION])
    if entry["rows"] and None in originals:
        append_text(sheet, ['(Không đọc lại được tệp gốc: không có trang "Dòng gốc".)'])
    sheet.append([])
    several = len(sheets) > 1  # rows are then named with their sheet: "T4: 6"
    table: list[tuple[object, ...]] = (
        [(None, None, None, entry["whole"])]
        if "whole" in entry
        else [
            (
                _row_label(sheet_name, row, several),
                written.get(col) or _header(source, col),
                HIDDEN if col in pii else _clean(value),
                _text(msg),
            )
            for sheet_name, row, col, value, msg in sorted(
                entry["rows"], key=lambda r: (sheets.index(r[0]), r[1], order.get(r[2], 99))
            )
        ]
    )
    _table(sheet, ["Dòng", "Cột", "Giá trị", "Lý do"], table, widths=(8, 25, 25, 80))
    for sheet_name, original in zip(sheets, originals, strict=True):
        if original:
            header, rows, _ = original
            title = f"Dòng gốc ({_sheet_title(sheet_name)})" if several else "Dòng gốc"
            _table(book.create_sheet(title[:31]), ["Dòng", *header], rows)
    return book


def _row_label(sheet: str | None, row: int | None, several: bool) -> object:
    return f"{_text(sheet)}: {row}" if several and row is not None else row


def _sheet_title(sheet: str | None) -> str:
    """A sender's sheet name as part of a sheet title (no : \\ / ? * [ ], at most 20)."""
    return re.sub(r"[:\\/?*\[\]]", "_", _text(sheet) or "CSV")[:20]


def _header(source: Source | None, column: str) -> str:
    if source is None:
        return column
    try:
        return source.field(column).header
    except KeyError:
        return column


def _original_rows(source: Source, path: Path, entry: dict, pii: set[str], sheet: str | None):
    """(header, [[row number, cells…]], field → header as written) of the rejected rows of
    one sheet, or None if unreadable."""
    if not entry["rows"]:
        return None
    try:
        if entry["sha"] and not _same_content(path, entry["sha"], entry.get("hashed")):
            return None  # the file was replaced since the run: its rows are not those rejected
        wanted = sorted({r[1] for r in entry["rows"] if r[0] == sheet and r[1] is not None})
        with readable_path(path) as readable:  # a name that is not UTF-8: through a link
            match, frame = _rows_of_file(readable, source, sheet, wanted)
    except Exception:  # gone, changed or unreadable: the "Phản hồi" sheet still goes out
        return None
    columns = [c for c in frame.columns if c != "_row"]
    hidden = {c for c, name in match.fields.items() if name in pii}
    header = [_clean((match.labels or {}).get(c)) for c in columns]
    rows = []
    for record in frame.iter_rows(named=True):
        cells = [HIDDEN if c in hidden and record[c] else _clean(record[c]) for c in columns]
        rows.append([record["_row"], *cells])
    keep = max(
        (i + 1 for line in [header, *[r[1:] for r in rows]] for i, v in enumerate(line) if v),
        default=0,
    )  # drop empty trailing columns
    return header[:keep], [r[: keep + 1] for r in rows], match.written


def _same_content(path: Path, sha: str, hashed: tuple | None) -> bool:
    """Whether the file still holds the content that was loaded: trusted without reading it
    when its size and mtime are those it had when hashed (as ingestion does)."""
    stat = path.stat()
    if hashed and hashed[2] == sha and hashed[:2] == (stat.st_size, stat.st_mtime_ns):
        return True
    return sha256_of(path) == sha


def _rows_of_file(
    path: Path, source: Source, sheet: str | None, wanted: list[int]
) -> tuple[HeaderMatch, pl.DataFrame]:
    """The file's header and the rows numbered ``wanted``; a large CSV is read in batches
    (as it was loaded), keeping only those rows."""
    if read_in_batches(path):
        with CsvBatches(path) as csv:
            match = locate_header([csv.head()], source)
            try:
                parts = [g.frame.filter(pl.col("_row").is_in(wanted)) for g in csv.batches()]
            except NotUtf8:
                csv.transcode("cp1258")
                parts = [g.frame.filter(pl.col("_row").is_in(wanted)) for g in csv.batches()]
        return match, pl.concat(parts)
    grids = read_grids(path)
    match = locate_header([g for g in grids if g.sheet == sheet] or grids, source)
    frame = match.grid.frame
    return match, frame.filter(frame["_row"].is_in(wanted))


def _text(value) -> str | None:
    """Cell text as the sender wrote it, minus the reader's marker and XML-illegal bytes."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return None
    text = (
        str(value)
        .replace(NUMERIC_MARK, "")
        .replace(CELL_ERROR_MARK, "")
        .replace(INVALID_BYTES_MARK, "\ufffd")
    )  # a stray byte shows as the sender's "�"
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:32000]


def _clean(value) -> str | None:
    """A sender's cell: anything shaped like a citizen ID is hidden, whatever its column."""
    text = _text(value)
    return HIDDEN if text and CITIZEN_ID_LIKE.search(text) else text


MAX_ROWS = 2000  # per sheet; a file with more rejected rows needs its structure fixed anyway
WIDTH_SAMPLE = 500


def _table(sheet, header: list, rows: list, widths: tuple[int, ...] = ()) -> None:
    from openpyxl.styles import Alignment, Font

    wrap = Alignment(wrap_text=True, vertical="top")
    for cell in append_text(sheet, header):  # a sender's header too: never a formula
        cell.font = Font(bold=True)
    top = sheet.max_row
    for values in rows[:MAX_ROWS]:
        for cell in append_text(sheet, values):
            if isinstance(cell.value, str):
                cell.alignment = wrap
    if len(rows) > MAX_ROWS:
        more = len(rows) - MAX_ROWS
        append_text(
            sheet,
            [
                f"… và {more:,} dòng khác (xem bảng marts.rejected_rows) "
                f"/ … and {more:,} more rows (see marts.rejected_rows)"
            ],
        )
    sheet.freeze_panes = sheet.cell(top + 1, 1)
    sample = [header, *rows[:WIDTH_SAMPLE]]
    for i in range(1, len(header) + 1):
        longest = max(
            (len(str(r[i - 1])) for r in sample if len(r) >= i and r[i - 1] is not None), default=8
        )
        width = widths[i - 1] if i <= len(widths) else min(max(longest + 2, 8), 50)
        sheet.column_dimensions[sheet.cell(top, i).column_letter].width = width


def _save_atomically(book: Workbook, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".phieu-", suffix=".tmp")
    os.close(fd)
    try:
        book.save(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
