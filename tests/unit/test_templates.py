"""The Excel templates (mẫu) of `vlpipe templates`: generated from the declarations, checked
cell by cell, then filled in the way a person would and read by the real ingestion path."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from stdnum.vn import mst

from flows.cli import main
from flows.config import PROJECT_ROOT
from flows.templates import TemplateError, template_name, write_templates
from schemas.base import Field, Kind, Lookup, Source
from schemas.messages import ROW_RULES
from schemas.registry import DATA_SOURCES, REFERENCE_SOURCES, get_source
from tests.support.helpers import ingest, tax_code

RAW = PROJECT_ROOT / "raw"
DATA, GUIDE, LISTS = "Dữ liệu", "Hướng dẫn", "Danh mục"
LAST_ROW = 1001  # rows 2 … 1001 are formatted and checked


def committed(file: str, column: str) -> list[str]:
    """A column of a committed reference file, read without the project's code."""
    with (RAW / "reference" / file).open(encoding="utf-8", newline="") as fh:
        return list(dict.fromkeys(row[column] for row in csv.DictReader(fh)))


REFERENCE_LISTS = {
    Lookup.COMMUNE: committed("communes.csv", "commune_name"),
    Lookup.ZONE: committed("zones.csv", "zone_name"),
    Lookup.LEAD_UNIT: committed("lead_units.csv", "unit_name"),
}
NUMBER_FORMATS = {
    Kind.NUMBER: "#,##0.00",
    Kind.INTEGER: "0",
    Kind.DATE: "dd/mm/yyyy",
    Kind.MONTH: "mm/yyyy",
}


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("templates")
    assert main(["templates", "--out", str(out), "--raw-dir", str(RAW)]) == 0
    return {s.name: out / template_name(s) for s in DATA_SOURCES}


@pytest.fixture(scope="module")
def books(templates) -> dict[str, object]:
    """Each template opened once (the checks below only read them)."""
    return {name: load_workbook(path) for name, path in templates.items()}


def validations(ws) -> dict[str, object]:
    """Column letter → its data validation (each covers one column's entry rows)."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for cells in str(dv.sqref).split():
            found[re.match(r"[A-Z]+", cells).group()] = dv
    return found


def list_values(wb, dv) -> list[str]:
    """The values a list validation offers: inline, or a range of the lists sheet."""
    if dv.formula1.startswith('"'):
        return dv.formula1.strip('"').split(",")
    sheet, cells = dv.formula1.rsplit("!", 1)
    return [row[0].value for row in wb[sheet.strip("'")][cells.replace("$", "")]]


def letter(source: Source, name: str) -> str:
    return chr(ord("A") + [f.name for f in source.fields].index(name))


def all_text(wb) -> str:
    parts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    parts.append(str(cell.value))
                if cell.comment is not None:
                    parts.append(cell.comment.text)
        parts += [str(dv.error) + str(dv.prompt) for dv in ws.data_validations.dataValidation]
    return "\n".join(parts)


def test_one_template_per_data_source(templates):
    assert all(path.is_file() for path in templates.values())
    assert sorted(p.name for p in templates["enterprise_reports"].parent.iterdir()) == sorted(
        f"mau_{s.name}.xlsx" for s in DATA_SOURCES
    )


@pytest.mark.parametrize("source", DATA_SOURCES, ids=lambda s: s.name)
def test_data_sheet(books, source):
    wb = books[source.name]
    assert wb.sheetnames[0] == DATA  # the pipeline reads the first sheet with a header
    assert wb[GUIDE].sheet_state == "visible" and wb[LISTS].sheet_state == "hidden"
    ws = wb[DATA]
    assert [c.value for c in ws[1]] == [f.header for f in source.fields]
    assert ws.freeze_panes == "A2"
    assert ws.max_row == LAST_ROW and all(
        c.value is None for row in ws.iter_rows(min_row=2) for c in row
    )
    for i, f in enumerate(source.fields, start=1):
        head = ws.cell(1, i)
        assert ws.column_dimensions[head.column_letter].width >= 10
        note = head.comment.text
        assert note.startswith(f.header)
        assert ("Bắt buộc [required]" if f.required else "Không bắt buộc [optional]") in note
        assert f"[{f.name.replace('_', ' ')}]" in note  # English
        expected = NUMBER_FORMATS.get(f.kind, "@")
        assert ws.cell(2, i).number_format == expected
        assert ws.cell(LAST_ROW, i).number_format == expected
    for f in source.fields:
        if f.lookup is Lookup.TAX_CODE or f.kind is Kind.CODE:
            assert ws[f"{letter(source, f.name)}2"].number_format == "@", f.name


@pytest.mark.parametrize("source", DATA_SOURCES, ids=lambda s: s.name)
def test_input_checks(books, source):
    wb = books[source.name]
    checks = validations(wb[DATA])
    for f in source.fields:
        col = letter(source, f.name)
        dv = checks.get(col)
        if f.choices or f.lookup in REFERENCE_LISTS or f.kind is Kind.BOOL:
            assert dv is not None and dv.type == "list", f.name
            expected = (
                list(f.choices)
                if f.choices
                else REFERENCE_LISTS[f.lookup]
                if f.lookup
                else ["Có", "Không"]
            )
            assert list_values(wb, dv) == expected, f.name
            assert len(dv.formula1) <= 255
        elif f.kind in (Kind.NUMBER, Kind.INTEGER):
            assert dv.type in ("decimal", "whole", "custom")
            if f.ge is not None and f.le is None:
                assert (dv.operator, float(dv.formula1)) == ("greaterThanOrEqual", f.ge)
            if f.gt is not None and f.le is None:
                assert (dv.operator, float(dv.formula1)) == ("greaterThan", f.gt)
            if f.ge is not None and f.le is not None:
                assert (dv.operator, float(dv.formula1), float(dv.formula2)) == (
                    "between",
                    f.ge,
                    f.le,
                )
        elif f.kind in (Kind.DATE, Kind.MONTH):
            assert dv.type == "date"
        elif f.lookup is Lookup.TAX_CODE:
            assert dv.type == "custom" and f"LEN({col}2)=10" in dv.formula1
            assert f"LEN({col}2)=14" in dv.formula1
        elif f.lookup is Lookup.CITIZEN_ID:
            assert dv.type == "custom" and f"LEN({col}2)=12" in dv.formula1
        if dv is not None:
            assert str(dv.sqref) == f"{col}2:{col}{LAST_ROW}"
            assert dv.showErrorMessage and dv.errorStyle == "stop"
            assert dv.error.startswith(f"Cột '{f.header}'") and len(dv.error) <= 255


@pytest.mark.parametrize("source", DATA_SOURCES, ids=lambda s: s.name)
def test_instructions(books, source):
    wb = books[source.name]
    text = "\n".join(str(c.value) for row in wb[GUIDE].iter_rows() for c in row if c.value)
    for f in source.fields:
        assert f.header in text
    for rule in (*(r.rule for r in source.row_rules), "duplicate_in_file"):
        fragment = max(re.split(r"\{[^}]*\}|['()]", ROW_RULES[rule][0]), key=len).strip()
        assert fragment in text, rule
    for needed in (
        "Không sửa, xoá, thêm hay đổi thứ tự các tiêu đề",
        "Không gộp ô",
        "không cần dòng 'Tổng cộng'",
        f"raw/{source.folder}/",
        "[How to fill it in]",
    ):
        assert needed in text
    for f in source.fields:
        if f.lookup in REFERENCE_LISTS:  # the reference list is shown in full
            assert all(value in text for value in REFERENCE_LISTS[f.lookup])


@pytest.mark.parametrize("source", DATA_SOURCES, ids=lambda s: s.name)
def test_nothing_personal_in_a_template(books, source):
    wb = books[source.name]
    text = all_text(wb)
    assert not re.search(r"(?<!\d)\d{12}(?!\d)", text)  # no citizen ID, not even an example
    assert not re.search(r"(?<!\d)\d{10}(?!\d)", text)  # no tax code of a real enterprise
    assert wb.properties.creator == "vlpipe" and not wb.properties.lastModifiedBy
    rows = [list(r) for r in wb[GUIDE].iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(rows) if "Ví dụ\n[Example]" in r)
    example = rows[top].index("Ví dụ\n[Example]")
    table = {r[1]: r for r in rows[top + 1 : top + 1 + len(source.fields)]}
    assert list(table) == [f.header for f in source.fields]
    for f in source.fields:
        if f.pii or f.lookup in (Lookup.TAX_CODE, Lookup.CITIZEN_ID):
            assert table[f.header][example] is None, f"an example of {f.name}"


# --- filled in the way a person would, then read by the pipeline ------------------------


def leading_zero_tax_code() -> str:
    for k in range(1000):
        body = f"0199{k:05d}"
        code = body + mst.calc_check_digit(body)
        if mst.is_valid(code):
            return code
    raise AssertionError


ROWS: dict[str, list[dict[str, object]]] = {
    "enterprise_reports": [
        {
            "Mã số thuế": tax_code(1),
            "Tên doanh nghiệp / cơ sở": "Công ty mẫu 1",
            "Loại hình": "Ngoài nhà nước",
            "Xã, thị trấn": "Thị trấn Hồ Xá",
            "Khu, cụm công nghiệp": "KCN Tây Bắc Hồ Xá",
            "Mã ngành VSIC": "1010",
            "Kỳ báo cáo": dt.datetime(2022, 3, 1),
            "Ngày lập báo cáo": dt.datetime(2022, 4, 8),
            "Giá trị sản xuất theo giá hiện hành": 1200.5,
            "Giá trị sản xuất theo giá so sánh 2010": 1000,
            "Doanh thu": 1300.25,
            "Nộp ngân sách": 40,
            "Tổng số lao động": 50,
            "Lao động qua đào tạo": 45,
            "Thu nhập bình quân": 7.5,
            "Ứng dụng máy móc thiết bị tiên tiến": "Có",
            "Công nghiệp hỗ trợ": "Không",
        },
        {
            "Mã số thuế": leading_zero_tax_code(),
            "Tên doanh nghiệp / cơ sở": "HTX mẫu 2",
            "Loại hình": "HTX",
            "Xã, thị trấn": "Xã Vĩnh Long",
            "Mã ngành VSIC": "08101",
            "Kỳ báo cáo": dt.datetime(2022, 3, 1),
            "Ngày lập báo cáo": dt.datetime(2022, 4, 12),
            "Giá trị sản xuất theo giá hiện hành": 0,
            "Vốn đầu tư thực hiện từ vốn tự có": 150,
            "Tổng số lao động": 8,
            "Lao động qua đào tạo": 0,
            "Ghi chú": "Báo cáo lần đầu",
        },
        {
            "Mã số thuế": tax_code(3) + "-001",
            "Tên doanh nghiệp / cơ sở": "Chi nhánh mẫu 3",
            "Loại hình": "FDI",
            "Xã, thị trấn": "Xã Vĩnh Linh",
            "Khu, cụm công nghiệp": "CCN phía Tây",
            "Mã ngành VSIC": "3510",
            "Kỳ báo cáo": dt.datetime(2025, 7, 1),
            "Ngày lập báo cáo": dt.datetime(2025, 8, 5),
            "Doanh thu": 98765.5,
            "Công nghiệp hỗ trợ": "Có",
        },
    ],
    "labour_spells": [
        {
            "Số CCCD": "045200000001",
            "Họ và tên": "Người lao động thử 1",
            "Năm sinh": 1990,
            "Giới tính": "Nữ",
            "Mã số thuế đơn vị": tax_code(1),
            "Ngày bắt đầu làm việc": dt.datetime(2020, 3, 1),
            "Trình độ chuyên môn kỹ thuật": "Trung cấp",
            "Tiền lương tháng": 6500000,
            "Xã nơi cư trú": "Vĩnh Long",
        },
        {
            "Số CCCD": "045200000002",
            "Họ và tên": "Người lao động thử 2",
            "Năm sinh": 1985,
            "Giới tính": "Nam",
            "Mã số thuế đơn vị": tax_code(1),
            "Ngày bắt đầu làm việc": dt.datetime(2019, 1, 2),
            "Ngày nghỉ việc": dt.datetime(2022, 6, 30),
            "Trình độ chuyên môn kỹ thuật": "Đại học trở lên",
            "Tiền lương tháng": 9800000.5,
        },
    ],
    "khuyen_cong": [
        {
            "Số quyết định": "12/QĐ-UBND",
            "Ngày quyết định": dt.datetime(2022, 3, 15),
            "Tên đề án": "Hỗ trợ máy sấy",
            "Đơn vị thụ hưởng": "Cơ sở mẫu 1",
            "Mã số thuế": tax_code(11),
            "Xã, thị trấn": "Xã Vĩnh Lâm",
            "Nguồn kinh phí": "Huyện",
            "Nội dung hỗ trợ": "Máy móc thiết bị",
            "Tổng kinh phí đề án": 200000000,
            "Kinh phí được duyệt": 60000000,
            "Kinh phí đã giải ngân": 60000000,
            "Ngày giải ngân": dt.datetime(2022, 6, 20),
        },
        {
            "Số quyết định": "45/QĐ-SCT",
            "Ngày quyết định": dt.datetime(2022, 5, 4),
            "Tên đề án": "Đào tạo thợ hàn",
            "Đơn vị thụ hưởng": "Cơ sở mẫu 2",
            "Mã số thuế": tax_code(12),
            "Nguồn kinh phí": "Tỉnh",
            "Nội dung hỗ trợ": "Đào tạo nghề",
            "Tổng kinh phí đề án": 80000000.5,
            "Kinh phí được duyệt": 40000000,
        },
    ],
    "ocop_ratings": [
        {
            "Mã sản phẩm": "OCOP-001",
            "Tên sản phẩm": "Nước mắm mẫu",
            "Chủ thể": "HTX mẫu",
            "Xã, thị trấn": "Xã Vĩnh Thái",
            "Nhóm sản phẩm": "Thực phẩm",
            "Điểm": 72,
            "Số sao": 4,
            "Cấp công nhận": "Tỉnh",
            "Số quyết định": "5/QĐ-UBND",
            "Ngày công nhận": dt.datetime(2022, 11, 10),
        },
        {
            "Mã sản phẩm": "OCOP-002",
            "Tên sản phẩm": "Rượu mẫu",
            "Chủ thể": "Cơ sở mẫu",
            "Mã số thuế": tax_code(21),
            "Xã, thị trấn": "Thị trấn Cửa Tùng",
            "Nhóm sản phẩm": "Đồ uống",
            "Điểm": 55,
            "Số sao": 3,
            "Cấp công nhận": "Huyện",
            "Số quyết định": "77/QĐ-UBND",
            "Ngày công nhận": dt.datetime(2022, 12, 1),
        },
    ],
    "budget_revenue": [
        {"Kỳ": dt.datetime(2022, 3, 1), "Chỉ tiêu": "Thu ngoài quốc doanh", "Số thu": 5200.5},
        {"Kỳ": dt.datetime(2022, 3, 1), "Chỉ tiêu": "Trong đó: Công nghiệp", "Số thu": 3100},
    ],
    "economic_accounts": [
        {
            "Năm": 2022,
            "Quý": 1,
            "Khu vực": "Công nghiệp",
            "Giá trị tăng thêm theo giá hiện hành": 250000.5,
        },
        {"Năm": 2022, "Quý": 1, "Khu vực": "Dịch vụ", "Giá trị tăng thêm theo giá hiện hành": 0},
        {"Năm": 2021, "Khu vực": "Thuế sản phẩm", "Giá trị tăng thêm theo giá hiện hành": 1000000},
    ],
    "plan_tasks": [
        {
            "Mã nhiệm vụ": "NV-01",
            "Nội dung nhiệm vụ": "Hỗ trợ nhà đầu tư KCN",
            "Đơn vị chủ trì": "Phòng Kinh tế và Hạ tầng",
            "Hạn hoàn thành": dt.datetime(2022, 9, 30),
            "Ngày báo cáo": dt.datetime(2022, 10, 15),
            "Tình trạng": "Hoàn thành",
            "Tỷ lệ hoàn thành": 100,
            "Ngày hoàn thành": dt.datetime(2022, 9, 20),
        },
        {
            "Mã nhiệm vụ": "NV-02",
            "Nội dung nhiệm vụ": "Quy hoạch cụm công nghiệp",
            "Đơn vị chủ trì": "Trung tâm phát triển cụm công nghiệp, khuyến công và dịch vụ du "
            "lịch biển",
            "Đơn vị phối hợp": "Phòng Kinh tế và Hạ tầng; UBND các xã, thị trấn",
            "Hạn hoàn thành": dt.datetime(2022, 12, 31),
            "Ngày báo cáo": dt.datetime(2022, 10, 15),
            "Tình trạng": "Đang thực hiện",
            "Tỷ lệ hoàn thành": 40.5,
        },
    ],
}


def fill(template: Path, source: Source, rows: list[dict[str, object]], dest: Path) -> Path:
    """Type rows into the template's data sheet, as a person picking from its dropdowns."""
    wb = load_workbook(template)
    ws = wb[DATA]
    headers = [c.value for c in ws[1]]
    checks = validations(ws)
    for r, row in enumerate(rows, start=2):
        assert set(row) <= set(headers), set(row) - set(headers)
        for j, header in enumerate(headers, start=1):
            value = row.get(header)
            dv = checks.get(ws.cell(1, j).column_letter)
            if value is not None and dv is not None and dv.type == "list":
                assert value in list_values(wb, dv), (header, value)  # offered by the dropdown
            ws.cell(r, j, value)
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    return dest


def raw_folder(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    (raw / "reference").mkdir(parents=True)
    for path in (RAW / "reference").glob("*.csv"):
        shutil.copy(path, raw / "reference" / path.name)
    return raw


def test_filled_templates_load_without_a_rejection(templates, tmp_path):
    raw = raw_folder(tmp_path)
    for name, rows in ROWS.items():
        source = get_source(name)
        fill(templates[name], source, rows, raw / source.folder / "2022" / f"{name}_mau.xlsx")
    result = ingest(raw, tmp_path / "warehouse", sources=list(ROWS))
    outcomes = {o.source: o for o in result.outcomes if not get_source(o.source).reference}
    assert set(outcomes) == {s.name for s in DATA_SOURCES}
    for name, rows in ROWS.items():
        outcome = outcomes[name]
        assert (outcome.status, outcome.rows_rejected, outcome.rows_loaded, outcome.reason) == (
            "loaded",
            0,
            len(rows),
            None,
        ), outcome
        assert len(result.rows(get_source(name).table)) == len(rows)
    assert result.rejections() == []
    reports = result.rows("enterprise_reports")
    assert [r["tax_code"] for r in reports] == [
        tax_code(1),
        leading_zero_tax_code(),
        tax_code(3) + "-001",
    ]
    assert [r["commune_code"] for r in reports] == ["19363", "19387", "19363"]
    assert [r["zone_code"] for r in reports] == ["KCN_TBHX", None, "CCN_PHIA_TAY"]
    assert [r["period"] for r in reports] == [
        dt.date(2022, 3, 1),
        dt.date(2022, 3, 1),
        dt.date(2025, 7, 1),
    ]
    assert reports[1]["own_capital_invested"] == 150 and reports[0]["own_capital_invested"] == 0
    labour = result.rows("labour_spells")
    assert "full_name" not in labour[0] and all(r["citizen_pseudonym"] for r in labour)
    tasks = result.rows("plan_tasks")
    assert [r["lead_unit_code"] for r in tasks] == ["KTHT", "TTCCN"]
    result.con.close()


def test_an_invalid_value_in_a_template_is_rejected(templates, tmp_path):
    raw = raw_folder(tmp_path)
    good = ROWS["enterprise_reports"][:2]
    bad = {**ROWS["enterprise_reports"][0], "Mã số thuế": tax_code(9), "Doanh thu": -5}
    source = get_source("enterprise_reports")
    fill(
        templates[source.name],
        source,
        [*good, bad],
        raw / source.folder / "2022" / "bao_cao_co_loi.xlsx",
    )
    result = ingest(raw, tmp_path / "warehouse", sources=[source.name])
    outcome = next(o for o in result.outcomes if o.source == source.name)
    assert (outcome.rows_loaded, outcome.rows_rejected) == (2, 1)
    assert result.rules() == {(4, "revenue", "min")}
    assert "Doanh thu" in result.rejections()[0]["message_vi"]
    result.con.close()


# --- generic: any declaration, any reference folder ---------------------------------------


def test_unit_and_description_when_declared(tmp_path):
    demo = Source(
        "demo",
        "demo",
        "Nguồn thử",
        fields=(
            Field(
                "item",
                "Khoản mục",
                Kind.TEXT,
                required=True,
                description_vi="Tên khoản thu",
                description_en="revenue item",
            ),
            Field("amount", "Số tiền", Kind.NUMBER, gt=0, unit="triệu đồng"),
        ),
        key=("item",),
    )
    (path,) = write_templates(tmp_path, RAW, sources=[demo])
    wb = load_workbook(path)
    notes = [c.comment.text for c in wb[DATA][1]]
    assert "Tên khoản thu\n[revenue item]" in notes[0]
    assert "Đơn vị [unit]: triệu đồng" in notes[1]
    guide = [list(r) for r in wb[GUIDE].iter_rows(values_only=True)]
    assert any("Đơn vị\n[Unit]" in r for r in guide)
    assert any(r[1] == "Số tiền" and "triệu đồng" in r for r in guide)


def test_reference_tables_too_and_a_missing_list_is_an_error(tmp_path):
    paths = write_templates(tmp_path / "ref", RAW, sources=REFERENCE_SOURCES)
    for source, path in zip(REFERENCE_SOURCES, paths, strict=True):
        assert [c.value for c in load_workbook(path)[DATA][1]] == [f.header for f in source.fields]
    with pytest.raises(TemplateError, match="communes"):
        write_templates(tmp_path / "none", tmp_path / "empty_raw")
    assert (
        main(
            ["templates", "--out", str(tmp_path / "cli"), "--raw-dir", str(tmp_path / "empty_raw")]
        )
        == 1
    )
    assert not (tmp_path / "cli").exists()
