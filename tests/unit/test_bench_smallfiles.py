"""The many-small-files dataset (bench/smallfiles.py): pieces of real CSV files keep their
title lines, header, encoding and delimiter; the allocation makes the files asked for."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bench.smallfiles import (
    allocate,
    chunks,
    csv_paths,
    duckdb_one_by_one,
    read_table,
    split_dataset,
)

TITLE = '"BÁO CÁO TÌNH HÌNH SẢN XUẤT"\r\nTháng 2 năm 2023\r\n'
HEADER = 'STT;Mã số thuế;"Giá trị sản xuất\n(triệu đồng)"\r\n'


def _report(path: Path, rows: int) -> None:
    body = "".join(f"{i};32{i:08d};{i}.5\r\n" for i in range(1, rows + 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((TITLE + HEADER + body + ";Tổng cộng;99\r\n").encode("utf-8-sig"))


def _province(root: Path) -> None:
    (root / "reference").mkdir(parents=True)
    (root / "reference" / "areas.csv").write_text(
        "area_code,area_name,province_code,province_name,folder\n"
        "464,Vĩnh Linh,45,Quảng Trị,464_vinh_linh\n466,Gio Linh,45,Quảng Trị,466_gio_linh\n"
    )
    for area, rows in (("464_vinh_linh", 30), ("466_gio_linh", 10)):
        _report(root / area / "enterprise_reports" / "2023" / "cn_xa_thi_tran_202302.csv", rows)
        (root / area / "reference").mkdir(parents=True)
        (root / area / "reference" / "zones.csv").write_text("zone_code,zone_name\nZ1,KCN\n")


def test_allocation_makes_the_files_asked_for_in_proportion():
    counts = allocate([300, 100, 1, 0], 20)
    assert sum(counts) == 20
    assert counts[2] == 1 and counts[3] == 1  # at least one file each, at most one per row
    assert counts[0] == 3 * counts[1] or abs(counts[0] - 3 * counts[1]) <= 3
    assert allocate([5, 5], 1) == [1, 1]  # never fewer than the files
    assert allocate([2, 1], 10) == [2, 1]  # never more pieces than rows


def test_chunks_are_consecutive_and_even():
    parts = chunks([[str(i)] for i in range(10)], 3)
    assert [len(p) for p in parts] == [4, 3, 3]
    assert [r for p in parts for r in p] == [[str(i)] for i in range(10)]


def test_a_file_is_read_without_its_total_row(tmp_path: Path):
    path = tmp_path / "r.csv"
    title = "BAO CAO\r\nTháng 2 năm 2023\r\n"  # what Windows-1258 holds precomposed
    body = "".join(f"{i};Đơn {i}\r\n" for i in range(1, 5))
    path.write_bytes((title + "STT;Đơn\r\n" + body + ";Total\r\n").encode("cp1258"))
    table = read_table(path)
    assert table.encoding == "cp1258" and table.delimiter == ";"
    assert table.title == title
    assert table.header == ["STT", "Đơn"]
    assert [r[0] for r in table.rows] == ["1", "2", "3", "4"]


def test_the_split_keeps_areas_sources_titles_and_headers(tmp_path: Path):
    source, target = tmp_path / "prov", tmp_path / "small"
    _province(source)
    result = split_dataset(source, target, 11)
    assert result["files"] == 11 and result["reference_files"] == 3
    assert result["data_rows"] == 40  # the two total rows are left out
    pieces = sorted(target.glob("*/enterprise_reports/2023/part-*/cn_xa_thi_tran_202302.csv"))
    assert len(pieces) == 8  # 6 of Vĩnh Linh's 30 rows, 2 of Gio Linh's 10
    assert {p.parts[-5] for p in pieces} == {"464_vinh_linh", "466_gio_linh"}
    for piece in pieces:
        raw = piece.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # the BOM kept
        text = raw.decode("utf-8-sig")
        assert text.startswith(TITLE)
        records = list(csv.reader(io.StringIO(text[len(TITLE) :], newline=""), delimiter=";"))
        assert records[0] == ["STT", "Mã số thuế", "Giá trị sản xuất\n(triệu đồng)"]
        assert len(records) - 1 == 5
    assert (target / "reference" / "areas.csv").read_bytes() == (
        source / "reference" / "areas.csv"
    ).read_bytes()


def test_duckdb_reads_every_piece_one_by_one(tmp_path: Path):
    source, target = tmp_path / "prov", tmp_path / "small"
    _province(source)
    split_dataset(source, target, 11)
    result = duckdb_one_by_one(target, tmp_path / "files.duckdb")
    assert result["files"] == len(csv_paths(target)) == 11
    assert result["rows"] == 40 + 2 + 2 * 1  # the pieces' rows, areas, zones


def test_a_generated_province_splits_into_pieces_with_its_headers(tmp_path: Path):
    from synth.province import generate_province

    source, target = tmp_path / "prov", tmp_path / "small"
    generate_province(source, seed=2022, scale=0.1, areas=2, formats="csv")
    originals = {p.relative_to(source): read_table(p) for p in csv_paths(source)}
    result = split_dataset(source, target, 400)
    assert result["files"] == len(csv_paths(target)) == 400
    rows = 0
    for piece in csv_paths(target):
        rel = piece.relative_to(target)
        original = rel.parent.parent / rel.name if rel.parent.name.startswith("part-") else rel
        table = read_table(piece)
        assert (table.title, table.header) == (
            originals[original].title,
            originals[original].header,
        )
        rows += len(table.rows)
    assert rows == sum(len(t.rows) for t in originals.values())
