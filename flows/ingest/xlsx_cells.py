"""Find the cells of a workbook that hold no value: Excel errors and uncalculated formulas.

calamine reads ``#REF!``, ``#DIV/0!``, ``#N/A`` and a formula saved without its cached value
(a workbook written by a program and never opened in Excel) as blank cells, so a broken
amount would load as "not reported". This module reads the sheets' XML directly, in chunks,
and only looks closely at chunks that hold an error cell (``t="e"``) or a formula (``<f``);
a sheet of plain values costs one pass of ``bytes.find``.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from pathlib import Path

CHUNK = 4 * 1024 * 1024
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_FORMULA = re.compile(rb"<f\b[^>]*?(?:/>|>([^<]*)</f>)", re.S)
_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"', re.S)
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"', re.S)
_REL_REVERSED = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"', re.S)


def valueless_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet name → {(row, column) 0-based: "#REF!" or "=formula"} for cells with no value."""
    found: dict[str, dict[tuple[int, int], str]] = {}
    with zipfile.ZipFile(path) as archive:
        for name, member in _sheet_members(archive).items():
            cells = _scan(archive, member)
            if cells:
                found[name] = cells
    return found


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
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
        if member in names:
            members[html.unescape(raw_name.decode())] = member
    return members


def _scan(archive: zipfile.ZipFile, member: str) -> dict[tuple[int, int], str]:
    cells: dict[tuple[int, int], str] = {}
    tail = b""
    with archive.open(member) as stream:
        while True:
            block = stream.read(CHUNK)
            data = tail + block
            if not block:
                cut = len(data)
            else:  # scan up to the last complete row; carry the rest over
                cut = data.rfind(b"</row>")
                cut = cut + len(b"</row>") if cut >= 0 else 0
            part, tail = data[:cut], data[cut:]
            if b't="e"' in part or b"<f" in part:
                cells.update(_cells_of(part))
            if not block:
                return cells


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
