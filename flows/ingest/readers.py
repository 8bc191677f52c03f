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
import io
import itertools
import mmap
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from flows import settings
from flows.ingest.xlsx_cells import Merge, SheetScan, scan_sheets, stray_lines, without_cells

XLSX_SUFFIXES = {".xlsx", ".xlsm", ".xls"}  # .xls: Excel 97–2003 (BIFF), read by calamine
CSV_SUFFIXES = {".csv", ".txt"}
NUMERIC_MARK = "\u2063"  # appended to a workbook's numeric cells: never separator evidence
# Prefixes a cell that holds no value: an Excel error (#REF!) or a formula never calculated.
CELL_ERROR_MARK = "\u2064"
# Stands where a UTF-8 file holds bytes that are not UTF-8 (a noncharacter: for internal use).
INVALID_BYTES_MARK = "\ufdd0"
MAX_CELL_CHARS = 32767  # Excel's own limit: a cell this long was cut or is no typing


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
    invalid_bytes: bool = False  # cells may carry INVALID_BYTES_MARK (a CSV's stray bytes)
    merges: list[Merge] = field(default_factory=list)  # a sheet's merged ranges
    ignored_cells: list[str] = field(default_factory=list)  # stray cells left out ("XFD1048576")
    hidden: bool = False  # a hidden worksheet: not read, only named in the file's outcome


ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
HEAD_ROWS = 200  # rows read to find the header of a file read in batches
# Characters that never occur in Vietnamese but fill text typed in the legacy 8-bit fonts
# (.VnTime = TCVN3; VNI-Times = VNI) once read as Unicode: "B¸o c¸o" / "Baùo caùo saûn".
_TCVN3_MARKS = set("¸µ¶·¹¨©ª«¬®°±²³´½¾§¦¢¤¥")
_VNI_MARKS = set("äëïöüûøåæñÄËÏÖÜÛØÅÆÑ")


def limits() -> tuple[int, int]:
    """(bytes, rows) a single file may hold; beyond, it is rejected instead of read."""
    config = settings.current()
    return int(config.max_file_mb * 1024 * 1024), config.max_rows


def check_size(path: Path) -> None:
    """Refuse an empty file, or one above the size limit, before reading it."""
    size = path.stat().st_size
    max_bytes, _ = limits()
    if size == 0:
        raise FileRejected("unreadable", "tệp rỗng, 0 byte / empty file, 0 bytes")
    if size > max_bytes:
        raise FileRejected("too_large", f"{size / 1048576:.0f} MB > {max_bytes / 1048576:.0f} MB")


def read_in_batches(path: Path) -> bool:
    """Whether a file is read in batches of rows rather than at once: a CSV file above
    ``VLPIPE_BATCH_MB`` (default 64), read that much at a time. Workbooks are read at once
    (calamine reads whole sheets; a sheet holds at most 1,048,576 rows)."""
    if path.suffix.lower() not in CSV_SUFFIXES:
        return False
    try:
        return path.is_file() and path.stat().st_size > batch_megabytes() * 1024 * 1024
    except OSError:  # gone, or a broken link: the caller reports it
        return False


def read_grids(path: Path) -> list[Grid]:
    """Every candidate table of the file: each visible worksheet, or the CSV's one table."""
    suffix = path.suffix.lower()
    check_size(path)
    _, max_rows = limits()
    if suffix in XLSX_SUFFIXES:
        grids = _read_xlsx(path, max_rows)
    elif suffix in CSV_SUFFIXES:
        grids = [_read_csv(path)]
    else:
        raise FileRejected("unsupported_type", suffix or path.name)
    for grid in grids:
        if grid.frame.height > max_rows:
            raise FileRejected("too_large", f"> {max_rows:,} dòng / rows")
    refuse_legacy_encoding(grids)
    return grids


def refuse_legacy_encoding(grids: list[Grid]) -> None:
    """Text typed in TCVN3 or VNI fonts is garbage as Unicode: name the encoding, refuse it."""
    sample = "".join(
        "".join(v for v in row if isinstance(v, str))
        for grid in grids
        for row in grid.frame.head(40).rows()
    )
    letters = sum(map(str.isalpha, sample)) or 1  # map: no Python frame per character
    for name, marks in (
        ("TCVN3 (ABC, phông .Vn…)", _TCVN3_MARKS),
        ("VNI (phông VNI-…)", _VNI_MARKS),
    ):
        found = sum(map(marks.__contains__, sample))
        if found >= 3 and found / letters > 0.003:
            raise FileRejected("legacy_encoding", name)


# --- xlsx -----------------------------------------------------------------------------------


def _cell_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):  # a cell at Excel's limit is rejected: keep only its start
        return value[:MAX_CELL_CHARS]
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
    if not legacy:
        check_unzipped_size(path)
    try:
        # Formula and error cells, merged ranges and stray cells are found in the xlsx XML;
        # an .xls shows their cached value.
        scans = {} if legacy else scan_sheets(path)
        with tempfile.TemporaryDirectory(prefix="vlpipe-xlsx-") as tmp:
            readable, ignored = _without_stray_cells(path, scans, Path(tmp) / "book.xlsx")
            with readable.open("rb") as fh:  # from a file object calamine detects the format
                workbook = python_calamine.CalamineWorkbook.from_filelike(fh)
            worksheets = [m for m in workbook.sheets_metadata if str(m.typ).endswith("WorkSheet")]
            sheets = [m.name for m in worksheets if str(m.visible).endswith("Visible")]
            hidden = [
                Grid(m.name, _rows_to_frame([]), hidden=True)
                for m in worksheets
                if not str(m.visible).endswith("Visible")
            ]
            grids = []
            for name in sheets:
                sheet = workbook.get_sheet_by_name(name)
                rows = sheet.to_python(skip_empty_area=False, nrows=max_rows + 1)
                scan = scans.get(name, SheetScan(""))
                frame = _mark_valueless_cells(_rows_to_frame(rows), scan.valueless)
                merges = _calamine_merges(sheet) if legacy else scan.merges
                grids.append(Grid(name, frame, merges=merges, ignored_cells=ignored.get(name, [])))
    except FileRejected:
        raise
    except Exception as exc:  # calamine raises several types for corrupt or foreign files
        kind = "tệp .xls hỏng / corrupt .xls: " if legacy else ""
        raise FileRejected("unreadable", f"{kind}{type(exc).__name__}: {exc}"[:300]) from exc
    if not grids:
        raise FileRejected("unreadable", "không có trang tính / no worksheet")
    return grids + hidden


def _calamine_merges(sheet: object) -> list[Merge]:
    """An .xls sheet's merged ranges, as calamine reads them (an .xlsx's come from its XML)."""
    ranges = getattr(sheet, "merged_cell_ranges", None) or []
    return [Merge(first[0], first[1], last[0], last[1]) for first, last in ranges]


MAX_UNZIPPED_MB_ENV = settings.Settings.variable("max_unzipped_mb")
MAX_CELLS_ENV = settings.Settings.variable("max_cells")
STRAY_ROW_GAP = 10_000  # blank rows that set a few rows below apart from the table
STRAY_COLUMN_GAP = 256  # blank columns that set a few columns right of it apart
STRAY_MOST = 16  # rows or columns: more than that far away is a table, not a slip


def check_unzipped_size(path: Path) -> None:
    """Refuse a workbook whose parts expand beyond ``VLPIPE_MAX_UNZIPPED_MB`` (default
    1024): a small file may hold a sheet of gigabytes of highly compressible text."""
    limit = settings.current().max_unzipped_mb * 1024 * 1024
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # not a zip (an .xls under another name…): calamine says what it is
    if total > limit:
        raise FileRejected(
            "too_large",
            f"giải nén / unzipped {total / 1048576:,.0f} MB > "
            f"{limit / 1048576:,.0f} MB ({MAX_UNZIPPED_MB_ENV})",
        )


def _without_stray_cells(
    path: Path, scans: dict[str, SheetScan], copy: Path
) -> tuple[Path, dict[str, list[str]]]:
    """The workbook to read (``path``, or ``copy`` without its stray cells) and, per sheet,
    the stray cells left out that held a value. calamine allocates every cell from A1 to
    the last one used, so one cell typed at XFD1048576 would make it allocate 17 billion:
    a few rows or columns lying far beyond the rest are left out, and a sheet still larger
    than ``VLPIPE_MAX_CELLS`` cells (default 67,108,864: every row of 64 columns) is refused
    before it is read."""
    max_cells = settings.current().max_cells
    stray: dict[str, tuple[set[int], set[int]]] = {}
    for name, scan in scans.items():
        rows = stray_lines(scan.rows, STRAY_ROW_GAP, STRAY_MOST)
        columns = stray_lines(scan.columns, STRAY_COLUMN_GAP, STRAY_MOST)
        height = max(scan.rows - rows, default=-1) + 1
        width = max(scan.columns - columns, default=-1) + 1
        if height * width > max_cells:
            raise FileRejected(
                "too_large",
                f"'{name}': {height:,} × {width:,} ô / cells > {max_cells:,} ({MAX_CELLS_ENV})",
            )
        if rows or columns:
            stray[scan.member] = (rows, columns)
    if not stray:
        return path, {}
    left_out = without_cells(path, copy, stray)
    by_member = {scan.member: name for name, scan in scans.items()}
    return copy, {by_member[member]: refs for member, refs in left_out.items() if refs}


def _mark_valueless_cells(frame: pl.DataFrame, cells: dict[tuple[int, int], str]) -> pl.DataFrame:
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


def _rows_to_frame(rows: Sequence[Sequence[Any]]) -> pl.DataFrame:
    width = max((len(r) for r in rows), default=0)
    columns = {
        f"c{j}": [_cell_text(r[j]) if j < len(r) else None for r in rows] for j in range(width)
    }
    frame = pl.DataFrame(columns, schema={c: pl.Utf8 for c in columns})
    return frame.with_columns(_row=pl.int_range(1, frame.height + 1, dtype=pl.Int32))


# --- CSV ------------------------------------------------------------------------------------


def detect_encoding(head: bytes) -> str:
    """From a file's first bytes: UTF-8 (with or without BOM), UTF-16 (BOM, or the NUL bytes
    of ASCII text), else Windows-1258. UTF-8 is confirmed over the whole file by the reader."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    start = head[:4096]
    if len(start) >= 8 and start[1::2].count(0) > len(start) // 4:
        return "utf-16-le"
    if len(start) >= 8 and start[0::2].count(0) > len(start) // 4:
        return "utf-16-be"
    try:  # not final: the head may end inside a character
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1258"
    return "utf-8"


DELIMITERS = ",;\t|"
SNIFF_RECORDS = 200


def _sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the most records of the sample into one table: for each
    candidate, the records (quotes honoured, so a header cell holding a line break is one
    cell) with the most common width above one; the widest such table wins a tie. A ";"
    file of Vietnamese decimals ("1,5") is thus not read as ",". Title lines (one cell) and
    a record cut at the sample's end do not count."""
    records = sample.splitlines(keepends=True)
    body = "".join(records[:-1]) if len(records) > 1 else sample

    def score(delimiter: str) -> tuple[int, int]:
        reader = csv.reader(io.StringIO(body), delimiter=delimiter)
        widths = Counter(len(r) for r in itertools.islice(reader, SNIFF_RECORDS) if len(r) > 1)
        if not widths:
            return 0, 0
        width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
        return count, width

    try:
        scores = {d: score(d) for d in DELIMITERS}
    except csv.Error:  # a broken quote in the sample: count the marks instead
        scores = {d: (sample.count(d), 0) for d in DELIMITERS}
    best = max(scores, key=lambda d: scores[d])
    return best if scores[best] > (0, 0) else ","


class CsvBatches:
    """A CSV file read in batches of rows, in bounded memory whatever its size.

    Used as a context manager: a file in another encoding than UTF-8 is transcoded to a
    temporary UTF-8 copy, removed on exit. ``head()`` holds the first rows (to find the
    header); each call of ``batches()`` reads the whole file again, about ``VLPIPE_BATCH_MB``
    of it at a time, cut at record ends, with the row numbers of a file read at once.
    """

    def __init__(self, path: Path) -> None:
        self.source = path
        self.batch_bytes = max(1, int(batch_megabytes() * 1024 * 1024))
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.path = path
        self.delimiter = ","
        self.width = 1
        self.cuts: list[int] = []
        self.invalid_bytes = False  # the copy marks a UTF-8 file's few stray bytes

    def __enter__(self) -> CsvBatches:
        check_size(self.source)
        with self.source.open("rb") as fh:
            head = fh.read(65536)
        if head.startswith(ZIP_MAGIC):
            raise FileRejected(
                "unreadable",
                "tệp Excel (.xlsx) bị đặt tên .csv / an Excel workbook under a .csv name",
            )
        encoding = detect_encoding(head)
        if not encoding.startswith("utf-8") or has_bare_cr(self.source):
            self.transcode(encoding)
        else:
            self._measure()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()

    def transcode(self, encoding: str = "cp1258") -> None:
        """Read from a UTF-8 copy with line feeds from now on (a file in another encoding,
        with bare CR line ends, or found not to be UTF-8 after all: see ``utf8_copy``)."""
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="vlpipe-csv-")
        self.path = Path(self._tmp.name) / "utf8.csv"
        self.invalid_bytes = utf8_copy(self.source, encoding, self.path)
        self._measure()

    def _measure(self) -> None:
        with (
            self.path.open("rb") as fh,
            mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped,
        ):
            if mapped.find(b"\x00") != -1:
                raise FileRejected("unreadable", "tệp nhị phân / binary content")
            self.delimiter = _sniff_delimiter(mapped[:20000].decode("utf-8", errors="ignore"))
            self.width = _widest_line(mapped, self.delimiter)
            self.cuts = _record_cuts(mapped, self.batch_bytes)

    def head(self) -> Grid:
        frame = _parse_csv(self.path, self.delimiter, self.width, n_rows=HEAD_ROWS)
        return Grid(
            None,
            frame.with_columns(_row=pl.int_range(1, frame.height + 1, dtype=pl.Int32)),
            typed_cells=False,
            invalid_bytes=self.invalid_bytes,
        )

    def batches(self) -> Iterator[Grid]:
        """Every row, a batch at a time (raises NotUtf8 on a non-UTF-8 byte)."""
        rows = 0
        with self.path.open("rb") as fh:
            for start, end in itertools.pairwise(self.cuts):
                fh.seek(start)
                frame = _parse_csv(fh.read(end - start), self.delimiter, self.width)
                yield Grid(
                    None,
                    frame.with_columns(
                        _row=pl.int_range(rows + 1, rows + frame.height + 1, dtype=pl.Int32)
                    ),
                    typed_cells=False,
                    invalid_bytes=self.invalid_bytes,
                )
                rows += frame.height


def batch_megabytes() -> float:
    return settings.current().batch_mb


def _record_cuts(data: mmap.mmap, every: int, chunk: int = 1 << 24) -> list[int]:
    """Byte offsets that split the file into pieces of about ``every`` bytes, each cut just
    after a line end outside quotes (an even number of quote marks before it), so that a
    quoted cell holding a line break is never cut."""
    array = np.frombuffer(data, dtype=np.uint8)
    cuts, quotes, target = [0], 0, every
    for start in range(0, len(array), chunk):
        part = array[start : start + chunk]
        marks = np.flatnonzero(part == ord('"'))
        if start + len(part) <= target:
            quotes += len(marks)
            continue
        ends = np.flatnonzero(part == ord("\n"))
        after = start + ends[(quotes + np.searchsorted(marks, ends)) % 2 == 0] + 1
        while (i := int(np.searchsorted(after, target))) < len(after):
            cuts.append(int(after[i]))
            target = cuts[-1] + every
        quotes += len(marks)
    del array
    if cuts[-1] != len(data):
        cuts.append(len(data))
    return cuts


def _read_csv(path: Path) -> Grid:
    """A UTF-8 file with LF or CRLF line ends (nearly all, and all large ones) is parsed by
    polars straight from disk, never copied into Python; any other file is first copied, in
    bounded chunks, to a temporary UTF-8 file with line feeds (see ``utf8_copy``)."""
    with path.open("rb") as fh:
        head = fh.read(65536)
    if head.startswith(ZIP_MAGIC):
        raise FileRejected(
            "unreadable", "tệp Excel (.xlsx) bị đặt tên .csv / an Excel workbook under a .csv name"
        )
    encoding = detect_encoding(head)
    if encoding.startswith("utf-8") and not has_bare_cr(path):
        try:
            return _read_utf8_csv(path)
        except NotUtf8:
            encoding = "cp1258"  # not UTF-8 throughout: see utf8_copy
    with tempfile.TemporaryDirectory(prefix="vlpipe-csv-") as tmp:
        utf8 = Path(tmp) / "utf8.csv"
        invalid_bytes = utf8_copy(path, encoding, utf8)
        return _read_utf8_csv(utf8, invalid_bytes)


# A UTF-8 file may hold a few bytes pasted from a program in another encoding: it stays UTF-8
# (its rows holding them are rejected) while its invalid sequences are at most one per
# STRAY_LINES_PER_INVALID lines (or STRAY_MIN_INVALID in all) and its valid multi-byte
# characters outnumber them STRAY_EVIDENCE times; else it is read as Windows-1258.
STRAY_LINES_PER_INVALID = 100
STRAY_MIN_INVALID = 3
STRAY_EVIDENCE = 10
_MARK_ERRORS = "vlpipe-mark-invalid"


def _mark_invalid(exc: UnicodeError) -> tuple[str, int]:
    """Decoding's error handler: an invalid byte becomes the mark, reading goes on."""
    assert isinstance(exc, UnicodeDecodeError)
    return INVALID_BYTES_MARK, exc.end


codecs.register_error(_MARK_ERRORS, _mark_invalid)


def utf8_copy(path: Path, encoding: str, target: Path) -> bool:
    """Copy a CSV file to ``target`` as UTF-8 with LF (or CRLF) line ends; returns whether
    its cells carry INVALID_BYTES_MARK. A file said to be UTF-8 or Windows-1258 (by its
    first bytes, which may hold the stray byte) is first read as UTF-8 with its invalid
    sequences marked; if they are more than a few, it is Windows-1258 throughout."""
    if encoding.startswith("utf-8") or encoding == "cp1258":
        try:
            marked = _decode_to(
                path, "utf-8-sig" if encoding == "utf-8-sig" else "utf-8", target, mark_invalid=True
            )
            return marked > 0
        except NotUtf8:
            encoding = "cp1258"
    _decode_to(path, encoding, target)
    return False


def _few_invalid(invalid: int, lines: int, multibyte: int) -> bool:
    return (
        invalid <= max(STRAY_MIN_INVALID, lines // STRAY_LINES_PER_INVALID)
        and multibyte >= STRAY_EVIDENCE * invalid
    )


def _decode_to(
    path: Path, encoding: str, target: Path, mark_invalid: bool = False, chunk: int = 1 << 24
) -> int:
    """Decode ``path`` into a UTF-8 ``target`` with bare CR line ends made LF; the count of
    invalid sequences marked (``mark_invalid``; raises NotUtf8 when they are not few)."""
    decoder = codecs.getincrementaldecoder(encoding)(
        errors=_MARK_ERRORS if mark_invalid else "strict"
    )
    line_ends = LineFeeds()
    invalid = lines = multibyte = 0
    tail = b""  # the previous block's last bytes: a U+FFFD written across two blocks
    with path.open("rb") as src, target.open("wb") as out:
        while True:
            block = src.read(chunk)
            state = decoder.getstate()
            if mark_invalid:  # first with Python's own handler (no Python call per byte)
                decoder.errors = "replace"
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                raise FileRejected("unreadable", f"encoding {encoding}: {exc}") from exc
            if "\x00" in text:
                raise FileRejected("unreadable", "tệp nhị phân / binary content")
            data = text.encode("utf-8")
            if mark_invalid:
                # What the marked text would hold: a mark for each invalid sequence (each a
                # U+FFFD here, less those written in the file) and each U+FDD0 written.
                written = (tail + block).count("\ufffd".encode())
                found = text.count("\ufffd") - written + text.count(INVALID_BYTES_MARK)
                tail = (tail + block)[-2:]
                invalid += found
                lines += max(block.count(b"\n"), block.count(b"\r"))
                multibyte += len(data) - len(text) - 2 * found  # the mark is 3 bytes
                if (
                    invalid
                    and not _few_invalid(invalid, max(lines, 1), multibyte)
                    and (not block or lines > STRAY_LINES_PER_INVALID * STRAY_MIN_INVALID)
                ):
                    raise NotUtf8
                if found:  # few: the block decoded again with its invalid bytes marked
                    decoder.setstate(state)
                    decoder.errors = _MARK_ERRORS
                    text = decoder.decode(block, final=not block)
                    data = text.encode("utf-8")
            out.write(line_ends.convert(data, final=not block))
            if not block:
                return invalid


def has_bare_cr(path: Path, chunk: int = 1 << 24) -> bool:
    """Whether the file has a CR not followed by LF (an old Mac line end), found by numpy."""
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        if mapped.find(b"\r") == -1:
            return False
        array = np.frombuffer(mapped, dtype=np.uint8)
        try:
            for start in range(0, len(array), chunk):
                part = array[start : start + chunk + 1]  # one byte more: the one after a CR
                crs = np.flatnonzero(part[:chunk] == 13)
                following = np.append(part, np.uint8(0))[crs + 1]
                if np.any(following != 10):
                    return True
            return False
        finally:
            del array, part  # release the buffer before the mapping closes


class LineFeeds:
    """Make each bare CR (Excel for Mac's line end) outside quotes a LF, chunk after chunk
    of UTF-8 bytes; CRLF stays, and a CR inside a quoted cell stays a break in the cell."""

    def __init__(self) -> None:
        self.quotes = 0  # quote marks seen before the current chunk
        self.pending = b""  # a CR ending the previous chunk: its next byte decides

    def convert(self, data: bytes, final: bool) -> bytes:
        data = self.pending + data
        self.pending = b""
        if not final and data.endswith(b"\r"):
            self.pending, data = b"\r", data[:-1]
        if b"\r" not in data:  # LF line ends (a transcoded file): only count the quotes
            self.quotes += data.count(b'"')
            return data
        array = np.frombuffer(data, dtype=np.uint8)
        marks = np.flatnonzero(array == ord('"'))
        crs = np.flatnonzero(array == 13)
        if len(crs):
            following = np.append(array, np.uint8(0))[crs + 1]
            outside = (self.quotes + np.searchsorted(marks, crs)) % 2 == 0
            bare = crs[(following != 10) & outside]
            if len(bare):
                array = array.copy()
                array[bare] = 10
                data = array.tobytes()
        self.quotes += len(marks)
        return data


def _read_utf8_csv(path: Path, invalid_bytes: bool = False) -> Grid:
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        if mapped.find(b"\x00") != -1:
            raise FileRejected("unreadable", "tệp nhị phân / binary content")
        delimiter = _sniff_delimiter(mapped[:20000].decode("utf-8", errors="ignore"))
        width = _widest_line(mapped, delimiter)
    frame = _parse_csv(path, delimiter, width)
    return Grid(
        None,
        frame.with_columns(_row=pl.int_range(1, frame.height + 1, dtype=pl.Int32)),
        typed_cells=False,
        invalid_bytes=invalid_bytes,
    )


class NotUtf8(Exception):
    """The file turned out not to be UTF-8 (read it as Windows-1258)."""


def _parse_csv(
    data: Path | bytes, delimiter: str, width: int, n_rows: int | None = None
) -> pl.DataFrame:
    try:
        return pl.read_csv(
            data,
            has_header=False,
            infer_schema=False,
            separator=delimiter,
            schema={f"c{i}": pl.Utf8 for i in range(width)},
            truncate_ragged_lines=True,
            n_rows=n_rows,
            glob=False,  # the exact path: "[", "*", "?" in a file name are not patterns
            # One chunk a column: every later pass pays per chunk (the reader's dozens of
            # chunks cost more than a small file's work).
            rechunk=True,
        )
    except Exception as exc:  # polars raises ComputeError/NoDataError for broken CSV
        if "utf-8" in str(exc):
            raise NotUtf8 from exc
        raise FileRejected("unreadable", f"CSV: {exc}"[:300]) from exc


def _widest_line(data: mmap.mmap, delimiter: str, chunk: int = 1 << 24) -> int:
    """Fields in the file's widest line (title lines have one field, so the first line does
    not size the table), counted by numpy over the bytes in bounded chunks. A delimiter
    inside quotes counts too: at worst a blank column more."""
    if not data:
        return 1
    array = np.frombuffer(data, dtype=np.uint8)
    mark, newline = ord(delimiter), ord("\n")
    widest = carry = 0  # carry: delimiters of the line running over the chunk boundary
    for start in range(0, len(array), chunk):
        part = array[start : start + chunk]
        delimiters = np.flatnonzero(part == mark)
        ends = np.flatnonzero(part == newline)
        if len(ends) == 0:
            carry += len(delimiters)
            continue
        per_line = np.diff(np.searchsorted(delimiters, ends), prepend=0)
        per_line[0] += carry
        widest = max(widest, int(per_line.max()))
        carry = len(delimiters) - int(np.searchsorted(delimiters, ends[-1]))
    del array  # release the buffer before the mapping closes
    return max(widest, carry) + 1
