"""Files that offices really send and that once broke ingestion: old Mac line ends, one stray
byte from another program, a cell slipped to the sheet's last address, a cell of hundreds of
megabytes, data cells merged over several rows. Each test builds a real file and runs the
real ingestion."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from tests.support.helpers import (
    ENTERPRISE_HEADERS,
    enterprise_row,
    ingest,
    tax_code,
    write_csv,
)

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "enterprise_reports"


def _rows(n: int, **overrides: dict[str, object]) -> list[dict[str, object]]:
    """Enterprise rows 1..n; ``overrides["r3"]`` changes row 3's cells."""
    return [enterprise_row(i, overrides.get(f"r{i}")) for i in range(1, n + 1)]


def _loaded(result) -> list[tuple[int, str]]:
    return [(r["_source_row"], r["tax_code"]) for r in result.rows(SOURCE)]


# --- 1. line ends ---------------------------------------------------------------------------


def _with_line_ends(path: Path, convention: str) -> None:
    """Rewrite a CSV written with CRLF in another convention: LF, CR (Excel for Mac), or a
    file joined from a CRLF part (its first five lines) and a CR part."""
    lines = path.read_bytes().split(b"\r\n")
    if convention == "mixed":
        joined = b"\r\n".join(lines[:5]) + b"\r\n" + b"\r".join(lines[5:])
    else:
        end = {"lf": b"\n", "crlf": b"\r\n", "cr": b"\r"}[convention]
        joined = end.join(lines)
    path.write_bytes(joined)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1258"])
@pytest.mark.parametrize("convention", ["lf", "crlf", "cr", "mixed"])
@pytest.mark.parametrize("in_batches", [False, True])
def test_every_line_end_convention_loses_no_record(
    raw, tmp_path, monkeypatch, encoding, convention, in_batches
):
    if in_batches:
        monkeypatch.setenv("VLPIPE_BATCH_MB", str(300 / 1048576))
    rows = _rows(7, r3={"Tên doanh nghiệp / cơ sở": "Công ty\rnhiều dòng"})
    path = write_csv(
        raw / f"{SOURCE}/ends.csv",
        ENTERPRISE_HEADERS,
        rows,
        encoding=encoding,
        title=["BÁO CÁO THÁNG 3/2022"],
    )
    _with_line_ends(path, convention)
    result = ingest(raw, tmp_path / "wh", [SOURCE])
    outcome = result.outcomes[-1]
    assert outcome.status == "loaded", outcome.reason
    assert _loaded(result) == [(i + 2, tax_code(i)) for i in range(1, 8)]
    assert result.rejections() == []
    names = [r["unit_name"] for r in result.rows(SOURCE)]
    assert names[2] == "Công ty nhiều dòng"  # a CR inside quotes: a break in the cell
    assert result.rows(SOURCE)[0]["commune_code"] == "19363"


def test_line_feeds_across_chunk_boundaries():
    """A CR at a chunk's end, and quotes opened in one chunk and closed in the next."""
    from flows.ingest.readers import LineFeeds

    data = b'a,"x\ry"\rb,c\r\nd,"e\r\n"\rf\r'
    for size in range(1, len(data) + 1):
        converter = LineFeeds()
        pieces = [data[i : i + size] for i in range(0, len(data), size)]
        out = b"".join(converter.convert(p, final=False) for p in pieces)
        out += converter.convert(b"", final=True)
        assert out == b'a,"x\ry"\nb,c\r\nd,"e\r\n"\nf\n', size


# --- 2. one stray byte ----------------------------------------------------------------------


def _with_stray_byte(path: Path, written: str, stray: bytes) -> None:
    data = path.read_bytes()
    assert data.count(written.encode()) == 1
    path.write_bytes(data.replace(written.encode(), stray))


@pytest.mark.parametrize("in_batches", [False, True])
@pytest.mark.parametrize(("count", "broken"), [(8, 4), (600, 590)])  # in the first 64 KB, or not
def test_one_stray_byte_rejects_its_row_not_the_file(
    raw, tmp_path, monkeypatch, in_batches, count, broken
):
    if in_batches:
        monkeypatch.setenv("VLPIPE_BATCH_MB", str(max(300, count * 50) / 1048576))
    rows = _rows(count, **{f"r{broken}": {"Tên doanh nghiệp / cơ sở": "Công ty Bốn"}})
    path = write_csv(raw / f"{SOURCE}/stray.csv", ENTERPRISE_HEADERS, rows)
    # "ố" pasted from a program writing Windows-1258: "o" and the tone mark 0xEC.
    _with_stray_byte(path, "Công ty Bốn", "Công ty Bo".encode() + b"\xecn")
    assert (path.read_bytes().index(b"\xec") < 65536) == (count < 100)
    result = ingest(raw, tmp_path / "wh", [SOURCE])
    outcome = result.outcomes[-1]
    assert outcome.status == "loaded", outcome.reason
    assert result.rules() == {(broken + 1, "unit_name", "invalid_bytes")}
    rejection = result.rejections()[0]
    assert rejection["value"] == "Công ty Bo\ufffdn"
    assert "UTF-8" in rejection["message_vi"] and "retype" in rejection["message_en"]
    loaded = result.rows(SOURCE)
    assert [r["_source_row"] for r in loaded] == [i + 1 for i in range(1, count + 1) if i != broken]
    assert {r["commune_code"] for r in loaded} == {"19363"}  # "Thị trấn Hồ Xá" read as UTF-8


def test_a_windows_1258_file_throughout_is_still_read_as_windows_1258(raw, tmp_path):
    write_csv(raw / f"{SOURCE}/legacy.csv", ENTERPRISE_HEADERS, _rows(3), encoding="cp1258")
    result = ingest(raw, tmp_path / "wh", [SOURCE])
    assert result.outcomes[-1].status == "loaded", result.outcomes[-1].reason
    assert result.rejections() == []
    assert {r["commune_code"] for r in result.rows(SOURCE)} == {"19363"}


# --- 3. a stray cell at the sheet's last address --------------------------------------------


def _workbook(
    path: Path,
    rows: list[list[object]],
    title: str = "BÁO CÁO THÁNG 3/2022",
) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    ws.append(ENTERPRISE_HEADERS)
    for row in rows:
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    return wb


@pytest.mark.parametrize("stray", ["XFD1048576", "A1048576", "XFD3"])
def test_a_stray_cell_far_from_the_table_is_left_out_and_named(raw, tmp_path, stray):
    path = raw / f"{SOURCE}/slip.xlsx"
    wb = _workbook(path, [list(r.values()) for r in _rows(3)])
    wb.active[stray] = "x"
    wb.active["XFD1047000"].number_format = "0.00"  # formatted, no value: never named
    wb.save(path)
    result = ingest(raw, tmp_path / "wh", [SOURCE])
    outcome = result.outcomes[-1]
    assert outcome.status == "loaded", outcome.reason
    assert _loaded(result) == [(3, tax_code(1)), (4, tax_code(2)), (5, tax_code(3))]
    note = result.con.execute("select reason from ops.files").fetchall()[-1][0]
    assert stray in note and "XFD1047000" not in note


def test_a_stray_cell_is_not_read_into_gigabytes(raw, tmp_path):
    """With 3 GB of address space the ingestion finishes (it used to abort, exit 134)."""
    path = raw / f"{SOURCE}/slip.xlsx"
    wb = _workbook(path, [list(r.values()) for r in _rows(3)])
    wb.active["XFD1048576"] = "x"
    wb.save(path)
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))\n"
        "from pathlib import Path\n"
        "from tests.support.helpers import ingest\n"
        f"result = ingest(Path({str(raw)!r}), Path({str(tmp_path / 'wh')!r}), [{SOURCE!r}])\n"
        "print(result.outcomes[-1].status, result.outcomes[-1].rows_loaded)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "POLARS_MAX_THREADS": "2"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-2:] == ["loaded", "3"]


def test_a_sheet_too_large_even_without_strays_is_refused_before_reading(
    raw, tmp_path, monkeypatch
):
    monkeypatch.setenv("VLPIPE_MAX_CELLS", "50")
    path = raw / f"{SOURCE}/wide.xlsx"
    _workbook(path, [list(r.values()) for r in _rows(3)]).save(path)
    result = ingest(raw, tmp_path / "wh", [SOURCE])
    assert result.outcomes[-1].status == "rejected"
    assert "VLPIPE_MAX_CELLS" in result.outcomes[-1].reason


# --- 4. a huge cell -------------------------------------------------------------------------


def _with_huge_cell(path: Path, placeholder: str, megabytes: int) -> None:
    """Replace a cell's text in the sheet XML by ``megabytes`` MB of one letter, streamed."""
    copy = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if placeholder.encode() not in data:
                out.writestr(info, data)
                continue
            before, after = data.split(placeholder.encode())
            with out.open(info.filename, "w", force_zip64=True) as member:
                member.write(before)
                block = b"A" * (1 << 20)
                for _ in range(megabytes):
                    member.write(block)
                member.write(after)
    copy.replace(path)


def test_a_workbook_expanding_beyond_the_limit_is_refused(raw, tmp_path, monkeypatch):
    monkeypatch.setenv("VLPIPE_MAX_UNZIPPED_MB", "100")
    path = raw / f"{SOURCE}/bomb.xlsx"
    _workbook(path, [list(r.values()) for r in _rows(3, r2={"Ghi chú": "HUGE-CELL"})]).save(path)
    _with_huge_cell(path, "HUGE-CELL", 200)
    assert path.stat().st_size < 1024 * 1024  # 0.2 MB on disk
    result = ingest(raw, tmp_path / "wh", [SOURCE])
    outcome = result.outcomes[-1]
    assert outcome.status == "rejected"
    assert "VLPIPE_MAX_UNZIPPED_MB" in outcome.reason and "100 MB" in outcome.reason


@pytest.mark.parametrize("kind", ["xlsx", "csv", "csv-batched"])
def test_a_cell_longer_than_excel_allows_rejects_its_row(raw, tmp_path, monkeypatch, kind):
    if kind == "csv-batched":
        monkeypatch.setenv("VLPIPE_BATCH_MB", str(20000 / 1048576))
    long_name = "Công ty " + "rất dài " * 5000  # 40,008 characters
    rows = _rows(4, r2={"Tên doanh nghiệp / cơ sở": long_name})
    if kind == "xlsx":
        path = raw / f"{SOURCE}/long.xlsx"
        _workbook(path, [list(r.values()) for r in rows]).save(path)
    else:
        write_csv(
            raw / f"{SOURCE}/long.csv", ENTERPRISE_HEADERS, rows, title=["BÁO CÁO THÁNG 3/2022"]
        )
    result = ingest(raw, tmp_path / "wh", [SOURCE])
    assert result.outcomes[-1].status == "loaded", result.outcomes[-1].reason
    assert result.rules() == {(4, "unit_name", "cell_too_long")}
    assert len(result.rejections()[0]["value"]) <= 101
    assert "32,767" in result.rejections()[0]["message_en"]
    assert [r["_source_row"] for r in result.rows(SOURCE)] == [3, 5, 6]


# --- 5. merged cells in data rows -----------------------------------------------------------


def test_cells_merged_down_data_rows_give_each_row_their_value(raw, tmp_path):
    """A commune merged over three companies' rows and a period merged down the sheet; a
    range over two columns holds its value for the first only."""
    commune = ENTERPRISE_HEADERS.index("Xã, thị trấn")
    period = ENTERPRISE_HEADERS.index("Kỳ báo cáo")
    note = ENTERPRISE_HEADERS.index("Ghi chú")
    rows = [list(r.values()) for r in _rows(5)]
    for i, row in enumerate(rows):
        row[commune] = ("Xã Vĩnh Lâm" if i == 0 else "Thị trấn Hồ Xá") if i in (0, 3) else None
        row[period] = "03/2022" if i == 0 else None
    path = raw / f"{SOURCE}/merged.xlsx"
    wb = _workbook(path, rows)
    ws = wb.active
    col = openpyxl.utils.get_column_letter
    ws.merge_cells(f"{col(commune + 1)}3:{col(commune + 1)}5")  # rows of companies 1–3
    ws.merge_cells(f"{col(commune + 1)}6:{col(commune + 1)}7")  # companies 4–5
    ws.merge_cells(f"{col(period + 1)}3:{col(period + 1)}7")
    ws.merge_cells(f"{col(note)}3:{col(note + 1)}3")  # last two columns of company 1
    wb.save(path)
    result = ingest(raw, tmp_path / "wh", [SOURCE])
    assert result.outcomes[-1].status == "loaded", result.outcomes[-1].reason
    assert result.rejections() == []
    loaded = result.rows(SOURCE)
    assert [r["commune_code"] for r in loaded] == ["19405"] * 3 + ["19363"] * 2
    assert {r["period"] for r in loaded} == {dt.date(2022, 3, 1)}
    assert len(loaded) == 5


def test_cells_merged_down_an_xls_sheet_are_filled_too(raw, tmp_path):
    import xlwt

    commune = ENTERPRISE_HEADERS.index("Xã, thị trấn")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Báo cáo")
    for j, header in enumerate(ENTERPRISE_HEADERS):
        sheet.write(0, j, header)
    for i, row in enumerate(_rows(3), start=1):
        for j, value in enumerate(row.values()):
            if j != commune and value != "":
                sheet.write(i, j, value)
    sheet.write_merge(1, 3, commune, commune, "Xã Vĩnh Lâm")
    path = raw / f"{SOURCE}/merged.xls"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(str(path))
    result = ingest(raw, tmp_path / "wh", [SOURCE])
    assert result.outcomes[-1].status == "loaded", result.outcomes[-1].reason
    assert result.rejections() == []
    assert [r["commune_code"] for r in result.rows(SOURCE)] == ["19405"] * 3


def test_merged_title_and_two_row_header_are_read_as_before(raw, tmp_path):
    """Merges above the data (a title over the table, a group label over its parts, a
    header merged over both header rows) are not filled into other cells."""
    group, part = "Giá trị sản xuất", ["theo giá hiện hành", "theo giá so sánh 2010"]
    first = ENTERPRISE_HEADERS.index("Giá trị sản xuất theo giá hiện hành")
    upper = [h if i not in (first, first + 1) else None for i, h in enumerate(ENTERPRISE_HEADERS)]
    upper[first] = group
    lower = [None] * len(ENTERPRISE_HEADERS)
    lower[first : first + 2] = part
    path = raw / f"{SOURCE}/header.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    col = openpyxl.utils.get_column_letter
    ws.append(["BÁO CÁO THÁNG 3/2022"])
    ws.append(upper)
    ws.append(lower)
    for row in _rows(2):
        ws.append(list(row.values()))
    ws.merge_cells(f"A1:{col(len(ENTERPRISE_HEADERS))}1")
    ws.merge_cells(f"{col(first + 1)}2:{col(first + 2)}2")
    for j in range(len(ENTERPRISE_HEADERS)):
        if j not in (first, first + 1):
            ws.merge_cells(f"{col(j + 1)}2:{col(j + 1)}3")
    wb.save(path)
    result = ingest(raw, tmp_path / "wh", [SOURCE])
    assert result.outcomes[-1].status == "loaded", result.outcomes[-1].reason
    assert result.rejections() == []
    loaded = result.rows(SOURCE)
    assert [
        (r["_source_row"], r["gross_output_current"], r["gross_output_const2010"]) for r in loaded
    ] == [(4, 1200.5, 1000.0), (5, 1200.5, 1000.0)]


def test_stray_lines_are_only_a_few_far_away():
    from flows.ingest.xlsx_cells import stray_lines

    assert stray_lines({0, 1, 2, 16383}, 256, 16) == {16383}
    assert stray_lines({0, 1, 2, 700, 16383}, 256, 16) == {700, 16383}
    assert stray_lines({0, 1, 2, 100}, 256, 16) == set()
    assert stray_lines(set(range(3)) | set(range(20000, 20040)), 10_000, 16) == set()
    assert stray_lines(set(np.arange(5)), 2, 16) == set()


def test_the_response_workbook_shows_a_stray_byte_as_the_sender_sees_it(raw, tmp_path):
    """The quoted row shows "�" where the stray byte was, never the reader's marker."""
    import openpyxl

    from flows.feedback import write_feedback
    from flows.ingest.readers import INVALID_BYTES_MARK

    rows = _rows(4, r2={"Tên doanh nghiệp / cơ sở": "Công ty Bốn"})
    path = write_csv(raw / f"{SOURCE}/stray.csv", ENTERPRISE_HEADERS, rows)
    _with_stray_byte(path, "Công ty Bốn", "Công ty Bo".encode() + b"\xecn")
    ingest(raw, tmp_path / "wh", [SOURCE]).con.close()
    [book] = write_feedback(
        tmp_path / "wh/private/pipeline.duckdb", raw, tmp_path / "out", "test-run"
    )
    cells = [
        str(c)
        for ws in openpyxl.load_workbook(book).worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if c
    ]
    assert "Công ty Bo\ufffdn" in cells
    assert not any(INVALID_BYTES_MARK in c for c in cells)


def test_a_semicolon_file_of_decimal_commas_with_a_broken_header_cell(raw, tmp_path):
    """';' as delimiter, Vietnamese decimals ("1200,5"), quoted names holding quotes, ","
    and ";", and a header cell holding a line break: all loaded."""
    headers = [
        h.replace("Tên doanh nghiệp / cơ sở", "Tên doanh nghiệp\n/ cơ sở")
        for h in ENTERPRISE_HEADERS
    ]
    rows = [
        dict(
            zip(
                headers,
                enterprise_row(
                    n,
                    {
                        "Tên doanh nghiệp / cơ sở": f'Công ty "Hồ Xá", chi nhánh {n}; số 2',
                        "Giá trị sản xuất theo giá hiện hành": "1200,5",
                        "Thu nhập bình quân": "7,5",
                        "Doanh thu": "1300,25",
                    },
                ).values(),
                strict=True,
            )
        )
        for n in (1, 2, 3)
    ]
    write_csv(raw / f"{SOURCE}/t.csv", headers, rows, delimiter=";", title=["BÁO CÁO", ""])
    result = ingest(raw, tmp_path / "wh", [SOURCE])
    assert result.outcomes[-1].status == "loaded", result.outcomes[-1].reason
    assert [r["gross_output_current"] for r in result.rows(SOURCE)] == [1200.5] * 3


def test_the_delimiter_is_the_one_that_makes_a_table():
    """The hostile-file generator's labour list that Python's csv.Sniffer read as ","
    (quoted names holding "," and ";", doubled quotes, a header cell with a line break):
    split by ";", every record has the same width."""
    from flows.ingest.readers import _sniff_delimiter

    sample = (
        "PHÒNG KINH TẾ VÀ HẠ TẦNG;;;;;;\n"
        '"Họ\nvà tên (*)";số cccd;năm sinh;giới tính;MÃ SỐ THUẾ;Ngày bắt đầu;Tiền lương\n'
        "Cộng các xã;;;;;;5024.5\n"
        '"Công ty ""Hồ Xá"", chi nhánh 1; 2 Nguyễn Văn 301";0380950;1984;NAM;32003010;'
        "2022-03-01;1848386\n"
        "+84 912 345 678 Nguyễn Văn 302;0380950;1990;NAM;3200 302 003;01/03/2022;129715\n"
        '"Công ty ""Hồ Xá"", chi nhánh 1; 2 Nguyễn Văn 303";0380950;1991;Nữ;32003030;'
        "2022-03-01;1848386\n"
    )
    assert _sniff_delimiter(sample) == ";"
    assert _sniff_delimiter("a,b,c\n1,2,3\n4,5,6\n") == ","
    assert _sniff_delimiter("a\tb\n1,5\t2,5\n") == "\t"
    assert _sniff_delimiter("only one column\nand another line\n") == ","
