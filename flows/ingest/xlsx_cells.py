"""What a workbook's sheet XML says that calamine does not, read in one pass of chunks.

* Cells that hold no value: calamine reads ``#REF!``, ``#DIV/0!``, ``#N/A`` and a formula
  saved without its cached value (a workbook written by a program and never opened in
  Excel) as blank cells, so a broken amount would load as "not reported". Only chunks that
  hold an error cell (``t="e"``) or a formula (``<f``) are looked at closely.
* Merged ranges (``<mergeCell ref="A5:A7"/>``): calamine gives their value to the first
  cell only.
* Where the cells are: the row numbers and the columns used, so that a stray cell far from
  the table (a slip to XFD1048576) is found before calamine allocates the whole grid up to
  it; ``without_cells`` copies the workbook without such cells.
"""

from __future__ import annotations

import html
import posixpath
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np

CHUNK = 4 * 1024 * 1024
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>([^<]*)</f>)", re.S)
_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"', re.S)
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"', re.S)
_REL_REVERSED = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"', re.S)
_MERGE = re.compile(rb'<mergeCell\b[^>]*?\bref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\br="(\d+)"[^>]*(?<!/)>')  # not an empty <row/>
_CELL_COLUMN = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})\d')
_HAS_VALUE = re.compile(rb"<v>[^<]|<is>|<f\b")


@dataclass(frozen=True)
class Merge:
    """A merged range, 0-based and inclusive."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int


@dataclass
class SheetScan:
    member: str  # the sheet's XML in the zip
    valueless: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → text
    merges: list[Merge] = field(default_factory=list)
    rows: set[int] = field(default_factory=set)  # 0-based rows written in the XML
    columns: set[int] = field(default_factory=set)  # 0-based columns of its cells


def scan_sheets(path: Path) -> dict[str, SheetScan]:
    """Sheet name → what its XML says: valueless cells, merged ranges, rows and columns."""
    with zipfile.ZipFile(path) as archive:
        return {name: _scan(archive, member) for name, member in _sheet_members(archive).items()}


def valueless_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet name → {(row, column) 0-based: "#REF!" or "=formula"} for cells with no value."""
    return {name: scan.valueless for name, scan in scan_sheets(path).items() if scan.valueless}


def stray_lines(used: set[int], gap: int, most: int) -> set[int]:
    """The used rows (or columns) beyond the table: at most ``most`` of them, each after a
    run of more than ``gap`` unused ones (a slip of Ctrl+End, a note typed at XFD1)."""
    positions = np.array(sorted(used), dtype=np.int64)
    stray: set[int] = set()
    while len(positions) > 1:
        wide = np.flatnonzero(np.diff(positions) > gap)
        if not len(wide) or len(positions) - wide[-1] - 1 + len(stray) > most:
            break
        stray.update(int(p) for p in positions[wide[-1] + 1 :])
        positions = positions[: wide[-1] + 1]
    return stray


def without_cells(
    path: Path,
    target: Path,
    stray: dict[str, tuple[set[int], set[int]]],
) -> dict[str, list[str]]:
    """Copy the workbook to ``target`` without the cells of the given rows and columns of
    each sheet member (0-based); member → the references of the left-out cells that held
    a value ("XFD1048576")."""
    left_out: dict[str, list[str]] = {}
    with (
        zipfile.ZipFile(path) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for info in source.infolist():
            if info.filename not in stray:
                with source.open(info) as src, copy.open(info, "w") as out:
                    shutil.copyfileobj(src, out, CHUNK)
                continue
            rows, columns = stray[info.filename]
            left_out[info.filename] = []
            with source.open(info) as src, copy.open(info.filename, "w", force_zip64=True) as out:
                for part in _row_chunks(src):
                    out.write(_drop_cells(part, rows, columns, left_out[info.filename]))
    return left_out


def _drop_cells(xml: bytes, rows: set[int], columns: set[int], left_out: list[str]) -> bytes:
    def drop(match: re.Match[bytes]) -> bytes:
        ref = _REF.search(match.group(1))
        if ref is None or not (
            int(ref.group(2)) - 1 in rows or _column_index(ref.group(1).decode()) in columns
        ):
            return match.group(0)
        if _HAS_VALUE.search(match.group(2) or b""):
            left_out.append((ref.group(1) + ref.group(2)).decode())
        return b""

    if rows and not columns:  # cheaper: only rows tagged with those numbers are looked at
        numbers = b"|".join(str(r + 1).encode() for r in sorted(rows))
        return re.sub(
            rb'<row\b[^>]*?\br="(?:' + numbers + rb')".*?</row>',
            lambda m: _CELL.sub(drop, m.group(0)),
            xml,
            flags=re.S,
        )
    return _CELL.sub(drop, xml)


def _sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    rels_xml = archive.read("xl/_rels/workbook.xml.rels")
    targets = {rid: target for rid, target in _REL.findall(rels_xml)}
    targets.update({rid: target for target, rid in _REL_REVERSED.findall(rels_xml)})
    members = {}
    for raw_name, rid in _SHEET.findall(archive.read("xl/workbook.xml")):
        target = targets.get(rid, b"").decode()
        member = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join("xl", target))
        )
        if member in names:
            members[html.unescape(raw_name.decode())] = member
    return members


def _row_chunks(stream: IO[bytes]) -> Iterator[bytes]:
    """The member's XML in chunks of about CHUNK bytes, each cut just after a ``</row>``
    (what follows the last row, merged ranges included, comes whole in the last one). A
    row longer than CHUNK (a cell of megabytes) is gathered in pieces, each block searched
    once."""
    end_tag = b"</row>"
    pieces: list[bytes] = []
    while True:
        block = stream.read(CHUNK)
        if not block:
            yield b"".join(pieces)
            return
        overlap = pieces[-1][-(len(end_tag) - 1) :] if pieces else b""
        cut = (overlap + block).rfind(end_tag)
        if cut < 0:
            pieces.append(block)
            continue
        end = cut + len(end_tag) - len(overlap)
        pieces.append(block[:end])
        yield b"".join(pieces)
        pieces = [block[end:]]


def _scan(archive: zipfile.ZipFile, member: str) -> SheetScan:
    scan = SheetScan(member)
    columns: set[bytes] = set()
    with archive.open(member) as stream:
        for part in _row_chunks(stream):
            if b't="e"' in part or b"<f" in part:
                scan.valueless.update(_cells_of(part))
            scan.rows.update(int(r) - 1 for r in _ROW_NUMBER.findall(part))
            columns.update(_CELL_COLUMN.findall(part))
            if b"<mergeCell" in part:
                scan.merges += _merges_of(part)
    scan.columns = {_column_index(c.decode()) for c in columns}
    return scan


def _merges_of(xml: bytes) -> list[Merge]:
    merges = []
    for first_col, first_row, last_col, last_row in _MERGE.findall(xml):
        first = (int(first_row) - 1, _column_index(first_col.decode()))
        last = (int(last_row) - 1, _column_index(last_col.decode())) if last_col else first
        merges.append(Merge(first[0], first[1], last[0], last[1]))
    return merges


def _cells_of(xml: bytes) -> dict[tuple[int, int], str]:
    cells = {}
    for match in _CELL.finditer(xml):
        attrs, body = match.group(1), match.group(2) or b""
        is_error = _ERROR_TYPE.search(attrs) is not None
        formula = _FORMULA.search(body) if b"<f" in body else None
        if not is_error and formula is None:
            continue
        value = _VALUE.search(body)
        if is_error:
            text = value.group(1).decode() if value else "#ERROR"
        elif value is not None and value.group(1):
            continue  # a formula with its cached value: calamine reads that value
        else:
            assert formula is not None  # neither an error nor a formula was skipped above
            text = "=" + html.unescape((formula.group(1) or b"").decode()).strip()
        ref = _REF.search(attrs)
        if ref is None:
            continue
        cells[(int(ref.group(2)) - 1, _column_index(ref.group(1).decode()))] = text
    return cells


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1
