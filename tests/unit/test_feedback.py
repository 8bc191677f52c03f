"""Phiếu phản hồi: one workbook per file with problems, rows as sent, reasons in Vietnamese,
no personal data, no formula from the sender's data."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from flows.feedback import INSTRUCTION, _unique_name, write_feedback
from schemas.messages import file_message
from tests.support.helpers import (
    ENTERPRISE_HEADERS,
    LABOUR_HEADERS,
    enterprise_row,
    ingest,
    labour_row,
    write_csv,
    write_reference,
)

TITLE = ["BÁO CÁO THÁNG 3/2022", "Đơn vị: triệu đồng"]
BAD_TAX = enterprise_row(2, {"Mã số thuế": "3200000000"})
FORMULA = enterprise_row(3, {"Doanh thu": "=1+1", "Ghi chú": "@SUM(A1)"})
LABOUR = [
    labour_row(1),
    labour_row(2, {"Năm sinh": "2010"}),
    labour_row(3, {"Số CCCD": "04520000001"}),
    labour_row(4, {"Họ và tên": ""}),
]


def _xlsx(path, sheets: dict[str, list[list]]):
    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("feedback")
    raw = tmp / "raw"
    write_reference(raw)
    ent = raw / "enterprise_reports"
    write_csv(
        ent / "bad/Báo cáo tháng 3.csv",
        ENTERPRISE_HEADERS,
        [enterprise_row(1), BAD_TAX, FORMULA],
        title=TITLE,
    )
    write_csv(ent / "clean.csv", ENTERPRISE_HEADERS, [enterprise_row(4), enterprise_row(5)])
    write_csv(ent / "whole.csv", ENTERPRISE_HEADERS[1:], [enterprise_row(6)])
    (ent / "rỗng.csv").write_bytes(b"")
    numeric = enterprise_row(7, {"Tổng số lao động": 12.5, "Doanh thu": 1300})
    _xlsx(
        ent / "2022/Báo cáo tháng 3.xlsx",
        {
            "Ghi chú": [["Số liệu ở trang sau"]],
            "Số liệu": [
                ENTERPRISE_HEADERS,
                list(enterprise_row(8).values()),
                list(numeric.values()),
            ],
        },
    )
    write_csv(raw / "labour/ds_lao_dong.csv", LABOUR_HEADERS, LABOUR)
    ingested = ingest(raw, tmp / "wh", ["enterprise_reports", "labour_spells"])
    ingested.con.close()
    db = tmp / "wh/private/pipeline.duckdb"
    paths = write_feedback(db, raw, tmp / "out", "test-run")
    return {"raw": raw, "db": db, "tmp": tmp, "paths": {p.name: p for p in paths}}


def _table(sheet) -> list[tuple]:
    """The rows below the table header (the first row whose first cell is "Dòng")."""
    rows = list(sheet.iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if r[0] == "Dòng")
    return rows[top + 1 :]


def _book(run, name):
    return openpyxl.load_workbook(run["paths"][f"phieu_phan_hoi__{name}.xlsx"])


def test_one_workbook_per_file_with_problems(run):
    assert sorted(run["paths"]) == [
        "phieu_phan_hoi__Báo_cáo_tháng_3.xlsx",
        "phieu_phan_hoi__Báo_cáo_tháng_3_2.xlsx",
        "phieu_phan_hoi__ds_lao_dong.xlsx",
        "phieu_phan_hoi__rỗng.xlsx",
        "phieu_phan_hoi__whole.xlsx",
    ]  # none for clean.csv
    assert not list(run["paths"].values())[0].with_suffix(".tmp").exists()
    assert [p.name for p in (run["tmp"] / "out").iterdir() if p.suffix != ".xlsx"] == []


def test_rows_reasons_and_original_cells(run):
    book = _book(run, "Báo_cáo_tháng_3_2")  # bad/….csv comes after 2022/….xlsx
    assert book.sheetnames == ["Phản hồi", "Dòng gốc"]
    sheet = book["Phản hồi"]
    assert sheet["A1"].value == "PHIẾU PHẢN HỒI DỮ LIỆU"
    block = [sheet.cell(r, 1).value for r in range(2, 6)]
    assert block[0] == "Tệp: Báo cáo tháng 3.csv" and INSTRUCTION in block
    assert any("Báo cáo" in line and line.startswith("Nguồn:") for line in block)
    table = _table(sheet)
    assert [(r[0], r[1]) for r in table] == [(5, "Mã số thuế"), (6, "Doanh thu")]
    assert table[0][2] == "3200000000" and "Mã số thuế" in table[0][3]
    assert table[1][2] == "=1+1" and table[1][3].isascii() is False  # Vietnamese reason
    original = list(book["Dòng gốc"].iter_rows(values_only=True))
    assert list(original[0]) == ["Dòng", *ENTERPRISE_HEADERS]
    assert [r[0] for r in original[1:]] == [5, 6]
    assert list(original[1][1:]) == [str(v) or None for v in BAD_TAX.values()]
    assert list(original[2][1:]) == [str(v) or None for v in FORMULA.values()]
    assert book["Dòng gốc"].freeze_panes == "A2" and book["Dòng gốc"]["B1"].font.b


def test_xlsx_sheet_and_numeric_cells(run):
    book = _book(run, "Báo_cáo_tháng_3")
    assert book["Phản hồi"]["A2"].value == "Tệp: Báo cáo tháng 3.xlsx"
    assert [(r[0], r[1]) for r in _table(book["Phản hồi"])] == [(3, "Tổng số lao động")]
    original = list(book["Dòng gốc"].iter_rows(values_only=True))
    row = dict(zip(original[0], original[1], strict=True))
    assert row["Dòng"] == 3 and row["Tổng số lao động"] == "12.5" and row["Doanh thu"] == "1300"


def test_sender_formula_comes_back_as_text(run):
    path = run["paths"]["phieu_phan_hoi__Báo_cáo_tháng_3_2.xlsx"]
    book = openpyxl.load_workbook(path)
    cells = [
        c for s in book for row in s.iter_rows() for c in row if c.value in ("=1+1", "@SUM(A1)")
    ]
    assert len(cells) == 3  # Giá trị, and Doanh thu and Ghi chú in "Dòng gốc"
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    with zipfile.ZipFile(path) as archive:
        sheets = [
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")
        ]
    assert sheets and not any("<f>" in s or "<f " in s for s in sheets)


def test_labour_workbook_has_no_personal_data(run):
    book = _book(run, "ds_lao_dong")
    text = [str(c) for s in book for row in s.iter_rows(values_only=True) for c in row if c]
    personal = [r["Số CCCD"] for r in LABOUR] + [r["Họ và tên"] for r in LABOUR if r["Họ và tên"]]
    assert not [p for p in personal if any(p in t for t in text)]
    table = _table(book["Phản hồi"])
    assert [r[0] for r in table] == [3, 4, 5]
    assert ("Số CCCD", "(ẩn)") in [(r[1], r[2]) for r in table]
    original = list(book["Dòng gốc"].iter_rows(values_only=True))
    columns = dict(zip(original[0], zip(*original[1:], strict=True), strict=True))
    assert columns["Số CCCD"] == ("(ẩn)",) * 3
    assert columns["Họ và tên"] == ("(ẩn)", "(ẩn)", None)  # the blank name stays blank
    assert columns["Năm sinh"] == ("2010", "1990", "1990")


def test_whole_file_rejection(run):
    book = _book(run, "whole")
    assert book.sheetnames == ["Phản hồi"]
    assert _table(book["Phản hồi"]) == [
        (None, None, None, file_message("missing_columns", "Mã số thuế").split(" / ")[0])
    ]
    reason = _table(_book(run, "rỗng")["Phản hồi"])[0][3]  # its detail holds " / " too
    assert reason.startswith("Không đọc được tệp (") and reason.endswith("hoặc CSV.")


def test_file_names_are_safe_and_unique():
    used: set[str] = set()
    names = [
        _unique_name(n, used)
        for n in ("../x/..hỏng..tệp.csv", "a/Tháng 3.xlsx", "b/tháng 3.csv", "x/..", "c/a\\b.csv")
    ]
    assert names == [
        "phieu_phan_hoi__hỏng.tệp.xlsx",
        "phieu_phan_hoi__Tháng_3.xlsx",
        "phieu_phan_hoi__tháng_3_2.xlsx",
        "phieu_phan_hoi__tep.xlsx",
        "phieu_phan_hoi__b.xlsx",
    ]


def test_run_scoping_office_side_rejections_and_lost_originals(run, tmp_path):
    again = ingest(run["raw"], run["tmp"] / "wh", ["enterprise_reports"], run_id="run-2")
    again.con.close()  # every file is skipped: nothing to send back
    assert write_feedback(run["db"], run["raw"], tmp_path / "none", "run-2") == []

    (run["raw"] / "labour/ds_lao_dong.csv").unlink()  # the original is gone
    paths = write_feedback(run["db"], run["raw"], tmp_path / "lost", "test-run")
    book = openpyxl.load_workbook(tmp_path / "lost/phieu_phan_hoi__ds_lao_dong.xlsx")
    assert len(paths) == 5 and book.sheetnames == ["Phản hồi"]
    assert [r[0] for r in _table(book["Phản hồi"])] == [3, 4, 5]

    raw = tmp_path / "raw"
    write_reference(raw)
    write_csv(raw / "labour/ds.csv", LABOUR_HEADERS, LABOUR)
    keyless = ingest(raw, tmp_path / "wh", ["labour_spells"], pii_key=None)  # office's problem
    keyless.con.close()
    assert [o.status for o in keyless.outcomes if o.source == "labour_spells"] == ["rejected"]
    assert (
        write_feedback(tmp_path / "wh/private/pipeline.duckdb", raw, tmp_path / "o", "test-run")
        == []
    )


def test_a_file_changed_since_its_run_gives_no_original_rows(run):
    """The "Dòng gốc" sheet quotes the file as it was loaded: a file edited since (new size
    or mtime, so hashed again) is not quoted; an untouched one is, without being re-read to
    hash it."""
    raw, tmp = run["raw"], run["tmp"]
    again = write_feedback(run["db"], raw, tmp / "again", "test-run")
    name = next(
        p.name
        for p in again
        if openpyxl.load_workbook(p)["Phản hồi"]["A2"].value == "Tệp: Báo cáo tháng 3.csv"
    )
    assert "Dòng gốc" in openpyxl.load_workbook(tmp / "again" / name).sheetnames
    sent = raw / "enterprise_reports/bad/Báo cáo tháng 3.csv"
    original = sent.read_bytes()
    sent.write_bytes(original + b"\n")
    try:
        write_feedback(run["db"], raw, tmp / "edited", "test-run")
    finally:
        sent.write_bytes(original)  # the module's other tests read this file too
    assert "Dòng gốc" not in openpyxl.load_workbook(tmp / "edited" / name).sheetnames


def test_a_workbook_of_several_sheets_names_each_rows_sheet(tmp_path):
    """Rejected rows on two sheets: each reason names its sheet, each sheet's rows are quoted
    from that sheet (not the first one's rows of the same numbers)."""
    raw = tmp_path / "raw"
    write_reference(raw)
    bad_t3 = enterprise_row(2, {"Mã số thuế": "3200000000"})
    bad_t4 = enterprise_row(4, {"Doanh thu": "abc", "Kỳ báo cáo": "04/2022"})
    _xlsx(
        raw / "enterprise_reports/quy.xlsx",
        {
            "T3": [ENTERPRISE_HEADERS, list(enterprise_row(1).values()), list(bad_t3.values())],
            "T4": [
                ENTERPRISE_HEADERS,
                list(bad_t4.values()),
                list(enterprise_row(5, {"Kỳ báo cáo": "04/2022"}).values()),
            ],
        },
    )
    ingest(raw, tmp_path / "wh", ["enterprise_reports"]).con.close()
    [path] = write_feedback(
        tmp_path / "wh/private/pipeline.duckdb", raw, tmp_path / "out", "test-run"
    )
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Phản hồi", "Dòng gốc (T3)", "Dòng gốc (T4)"]
    assert [(r[0], r[1]) for r in _table(book["Phản hồi"])] == [
        ("T3: 3", "Mã số thuế"),
        ("T4: 2", "Doanh thu"),
    ]
    t3 = list(book["Dòng gốc (T3)"].iter_rows(values_only=True))
    t4 = list(book["Dòng gốc (T4)"].iter_rows(values_only=True))
    assert (t3[1][0], t3[1][1]) == (3, "3200000000")
    assert (t4[1][0], t4[1][1]) == (2, bad_t4["Mã số thuế"])
