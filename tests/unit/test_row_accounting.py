"""Row accounting: every data row a sender sees is loaded, rejected or set aside, once —
on hand-made sheets whose counts are known, on workbooks of several sheets, and on every
file of the committed sample."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.support.helpers import (
    ENTERPRISE_HEADERS,
    assert_rows_add_up,
    enterprise_row,
    ingest,
    tax_code,
    write_csv,
)

ROOT = Path(__file__).resolve().parents[2]


def _sheet_rows(ws, rows: list[list[object]]) -> None:
    for row in rows:
        ws.append(row)


def _data(n: int, **overrides: object) -> list[object]:
    return [n, *enterprise_row(n, {k.replace("_", " "): v for k, v in overrides.items()}).values()]


def _sheets(con, file_name: str) -> list[tuple]:
    return con.execute(
        "select s.sheet, s.rows_seen, s.rows_loaded, s.rows_rejected, s.rows_blank, "
        "s.rows_total, s.rows_subtotal, s.rows_repeated_header from ops.file_sheets s "
        "join ops.files f using (file_id) where f.file_name = ? order by s.sheet_no",
        [file_name],
    ).fetchall()


def test_every_kind_of_row_is_counted_once(raw, tmp_path):
    header = ["STT", *ENTERPRISE_HEADERS]
    bad = enterprise_row(3, {"Kỳ báo cáo": "13/2022"})
    rows = [
        ["BÁO CÁO THÁNG 3/2022"],
        [],  # title block: above the header, not the sender's rows
        header,
        _data(1),
        _data(2),
        [],  # blank
        [99],  # an STT number alone: blank
        header,  # the header repeated (a printed page's header)
        [3, *bad.values()],  # rejected
        [None, None, "Cộng khu công nghiệp"],  # subtotal (no tax code)
        _data(4),
        [None, None, "Tổng cộng"],  # the grand total
        [],
        [],  # trailing blank rows: not rows the sender has
    ]
    path = raw / "enterprise_reports/2022/kcn_03.xlsx"
    path.parent.mkdir(parents=True)
    wb = openpyxl.Workbook()
    _sheet_rows(wb.active, rows)
    wb.active.title = "T3"
    wb.save(path)
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    outcome = {o.file_name: o for o in result.outcomes}["enterprise_reports/2022/kcn_03.xlsx"]
    assert (outcome.status, outcome.rows_loaded, outcome.rows_rejected) == ("loaded", 3, 1)
    assert (outcome.rows_seen, outcome.rows_set_aside) == (9, 5)
    # sheet, seen, loaded, rejected, blank, total, subtotal, repeated header
    assert _sheets(result.con, outcome.file_name) == [("T3", 9, 3, 1, 2, 1, 1, 1)]
    assert_rows_add_up(result.con)


def test_every_sheet_with_the_header_is_read_and_the_others_named(raw, tmp_path):
    header = ["STT", *ENTERPRISE_HEADERS]
    path = raw / "enterprise_reports/2022/quy_1.xlsx"
    path.parent.mkdir(parents=True)
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Ghi chú"
    _sheet_rows(notes, [["Số liệu của quý 1, mỗi tháng một trang"]])
    for month, numbers in (("T3", (1, 2)), ("T4", (3, 4, 5))):
        ws = wb.create_sheet(month)
        _sheet_rows(
            ws,
            [
                ["BÁO CÁO"],
                header,
                *[
                    _data(
                        n, **{"Kỳ báo cáo": f"0{month[1]}/2022", "Ngày lập báo cáo": "10/05/2022"}
                    )
                    for n in numbers
                ],
            ],
        )
    old = wb.create_sheet("T2 cũ")  # hidden: not read, named
    _sheet_rows(old, [header, _data(9, **{"Kỳ báo cáo": "02/2022"})])
    old.sheet_state = "hidden"
    _sheet_rows(wb.create_sheet("Hướng dẫn"), [["Cách điền mẫu"]])  # our template's own sheet
    # One unit reported twice for the same month, on two sheets: both rows rejected.
    _sheet_rows(wb["T4"], [_data(1, **{"Kỳ báo cáo": "03/2022", "Ngày lập báo cáo": "10/05/2022"})])
    wb.save(path)
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    outcome = result.outcomes[-1]
    assert outcome.status == "loaded", outcome.reason
    assert (
        "Sheets not read: 'Ghi chú' (không có dòng tiêu đề / no header row); 'T2 cũ' "
        "(trang ẩn / hidden sheet)" in outcome.reason
    )
    assert "Hướng dẫn" not in outcome.reason
    assert _sheets(result.con, outcome.file_name) == [
        ("T3", 2, 1, 1, 0, 0, 0, 0),
        ("T4", 4, 3, 1, 0, 0, 0, 0),
    ]
    loaded = result.rows("enterprise_reports")
    assert sorted((r["_sheet"], r["tax_code"]) for r in loaded) == sorted(
        [("T3", tax_code(2)), ("T4", tax_code(3)), ("T4", tax_code(4)), ("T4", tax_code(5))]
    )
    duplicates = {(r["sheet"], r["row_number"]) for r in result.rejections()}
    assert duplicates == {("T3", 3), ("T4", 6)}
    assert_rows_add_up(result.con)


def test_a_csv_read_in_batches_counts_its_rows_as_one_read_at_once(raw, tmp_path, monkeypatch):
    rows = [enterprise_row(n) for n in range(1, 40)]
    rows[10] = {h: "" for h in ENTERPRISE_HEADERS}  # blank
    rows[20] = enterprise_row(21, {"Doanh thu": "abc"})  # rejected
    rows[30] = dict(zip(ENTERPRISE_HEADERS, ENTERPRISE_HEADERS, strict=True))  # header again
    rows += [{h: "" for h in ENTERPRISE_HEADERS}] * 3  # trailing blank lines
    write_csv(raw / "enterprise_reports/2022/big.csv", ENTERPRISE_HEADERS, rows, title=["BÁO CÁO"])
    at_once = ingest(raw, tmp_path / "one", ["enterprise_reports"])
    monkeypatch.setenv("VLPIPE_BATCH_MB", "0.001")  # ~1 KB batches: a dozen of them
    batched = ingest(raw, tmp_path / "batched", ["enterprise_reports"])
    expected = [(None, 39, 36, 1, 1, 0, 0, 1)]
    assert _sheets(at_once.con, "enterprise_reports/2022/big.csv") == expected
    assert _sheets(batched.con, "enterprise_reports/2022/big.csv") == expected
    assert_rows_add_up(at_once.con)
    assert_rows_add_up(batched.con)


@pytest.mark.slow
def test_rows_add_up_for_every_file_of_the_sample(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    result = ingest(raw, tmp_path / "wh")
    loaded = [o for o in result.outcomes if o.status == "loaded"]
    assert len(loaded) >= 100
    totals = assert_rows_add_up(result.con)
    assert totals["seen"] == totals["loaded"] + totals["rejected"] + totals["set_aside"]
    assert totals["loaded"] > 20_000
