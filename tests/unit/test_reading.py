"""Each reading rule of docs/sources.md#reading-rules on its own small file."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import unicodedata

import openpyxl
import pytest

from tests.support.helpers import (
    ENTERPRISE_HEADERS,
    enterprise_row,
    ingest,
    tax_code,
    write_csv,
)


def _xlsx(
    path,
    rows,
    title=("BÁO CÁO TÌNH HÌNH SẢN XUẤT KINH DOANH", "Tháng 3 năm 2022", "Đơn vị tính: triệu đồng"),
):
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in title:
        ws.append([line])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_header_found_below_title_block_and_row_numbers_as_in_excel(raw, tmp_path):
    header = ["STT", *ENTERPRISE_HEADERS]
    rows = [[i, *enterprise_row(i).values()] for i in (1, 2)]
    _xlsx(raw / "enterprise_reports/2022/kcn_03.xlsx", [header, *rows])
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    loaded = result.rows("enterprise_reports")
    assert [r["_source_row"] for r in loaded] == [5, 6]  # 3 title rows + header
    assert loaded[0]["tax_code"] == tax_code(1)
    assert loaded[0]["period"] == dt.date(2022, 3, 1)
    assert loaded[0]["gross_output_current"] == 1200.5


def test_headers_match_without_case_diacritics_breaks_or_units(raw, tmp_path):
    headers = [
        "MA SO THUE",
        "Ten doanh nghiep / co so",
        "loại hình",
        "Xa, thi tran",
        "Khu, cum cong nghiep",
        "Ma nganh VSIC",
        "KỲ BÁO CÁO",
        "Ngay lap bao cao",
        "Giá trị sản xuất\ntheo giá hiện hành (triệu đồng)",
        "Giá trị sản xuất theo giá so sánh 2010 (triệu đồng)",
        "Doanh thu (trđ)",
        "Nộp ngân sách",
        "Vốn đầu tư thực hiện từ vốn tự có",
        "Tổng số lao động",
        "Lao động qua đào tạo",
        "Thu nhập bình quân",
        "Ứng dụng máy móc thiết bị tiên tiến",
        "Công nghiệp hỗ trợ",
        "Ghi chú",
    ]
    row = dict(zip(headers, enterprise_row(3).values(), strict=True))
    write_csv(raw / "enterprise_reports/a.csv", headers, [row])
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    assert result.outcomes[-1].status == "loaded", result.outcomes[-1].reason
    assert result.rows("enterprise_reports")[0]["gross_output_current"] == 1200.5


def test_nfd_text_is_stored_nfc(raw, tmp_path):
    headers = [unicodedata.normalize("NFD", h) for h in ENTERPRISE_HEADERS]
    values = {
        k: unicodedata.normalize("NFD", str(v))
        for k, v in enterprise_row(4, {"Tên doanh nghiệp / cơ sở": "Cơ sở Hồ Xá"}).items()
    }
    write_csv(
        raw / "enterprise_reports/nfd.csv",
        headers,
        [dict(zip(headers, values.values(), strict=True))],
    )
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    name = result.rows("enterprise_reports")[0]["unit_name"]
    assert name == unicodedata.normalize("NFC", "Cơ sở Hồ Xá")
    assert result.rows("enterprise_reports")[0]["commune_code"] == "19363"


def test_total_row_excluded_and_checked(raw, tmp_path):
    header = ["STT", *ENTERPRISE_HEADERS]
    rows = [[i, *enterprise_row(i).values()] for i in (1, 2)]
    total = ["", "Tổng cộng"] + [None] * 7 + [9999, 2000] + [None] * 10
    _xlsx(raw / "enterprise_reports/t.xlsx", [header, *rows, total])
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    assert len(result.rows("enterprise_reports")) == 2
    # 2 × 1200.5 ≠ 9999 is reported; 2 × 1000 = 2000 is not.
    assert result.rules() == {(7, "gross_output_current", "total_mismatch")}
    assert result.outcomes[-1].rows_rejected == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.385,5", 1385.5),
        ("1,385.5", 1385.5),
        ("1385.5", 1385.5),
        ("1385", 1385.0),
        ("1.250.000", 1250000.0),
        ("99,1", 99.1),
        ("1 385,5", 1385.5),
    ],
)
def test_number_text_styles(raw, tmp_path, text, expected):
    row = enterprise_row(5, {"Doanh thu": text})
    write_csv(raw / "enterprise_reports/n.csv", ENTERPRISE_HEADERS, [row], delimiter=";")
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    assert result.rows("enterprise_reports")[0]["revenue"] == expected


def test_ambiguous_number_resolved_from_its_column_or_rejected(raw, tmp_path):
    rows = [
        enterprise_row(6, {"Doanh thu": "1.110"}),
        enterprise_row(7, {"Doanh thu": "2.385,5"}),
        enterprise_row(8, {"Nộp ngân sách": "1.110"}),
    ]
    write_csv(raw / "enterprise_reports/amb.csv", ENTERPRISE_HEADERS, rows, delimiter=";")
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    # Revenue: the column also holds "2.385,5" (Vietnamese style) → "1.110" is 1110.
    # Taxes: no evidence in the column → row 4 rejected, never guessed.
    assert result.rules() == {(4, "taxes_paid", "number_ambiguous")}
    assert [r["revenue"] for r in result.rows("enterprise_reports")] == [1110.0, 2385.5]


def test_numeric_cells_are_not_evidence_for_ambiguous_text(raw, tmp_path):
    """In a workbook, real number cells say nothing about how the sender writes separators."""
    rows = [
        enterprise_row(9, {"Doanh thu": 2500.75}),
        enterprise_row(10, {"Doanh thu": 1830.5}),
        enterprise_row(11, {"Doanh thu": "1.250"}),
    ]
    table = [ENTERPRISE_HEADERS, *[list(r.values()) for r in rows]]
    _xlsx(raw / "enterprise_reports/n.xlsx", table, ())
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    assert result.rules() == {(4, "revenue", "number_ambiguous")}
    assert [r["revenue"] for r in result.rows("enterprise_reports")] == [2500.75, 1830.5]


def test_dates_periods_and_yes_no_in_every_accepted_form(raw, tmp_path):
    forms = [
        ("08/04/2022", "03/2022", "Có", "x"),
        ("8/4/2022", "3/2022", "x", "1"),
        ("2022-04-08", "2022-03", "1", "Yes"),
        ("08/04/2022", "Tháng 3/2022", "Yes", ""),
    ]
    rows = [
        enterprise_row(
            10 + i,
            {
                "Ngày lập báo cáo": d,
                "Kỳ báo cáo": p,
                "Ứng dụng máy móc thiết bị tiên tiến": yes,
                "Công nghiệp hỗ trợ": other,
            },
        )
        for i, (d, p, yes, other) in enumerate(forms)
    ]
    rows.append(
        enterprise_row(
            20, {"Ứng dụng máy móc thiết bị tiên tiến": "Không", "Công nghiệp hỗ trợ": "0"}
        )
    )
    write_csv(raw / "enterprise_reports/d.csv", ENTERPRISE_HEADERS, rows)
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    loaded = result.rows("enterprise_reports")
    assert len(loaded) == 5, result.rejections()
    assert {r["report_date"] for r in loaded} == {dt.date(2022, 4, 8)}
    assert {r["period"] for r in loaded} == {dt.date(2022, 3, 1)}
    assert [r["advanced_machinery"] for r in loaded] == [True] * 4 + [False]
    assert [r["supporting_industry"] for r in loaded] == [True, True, True, False, False]


def test_real_date_cells_in_xlsx(raw, tmp_path):
    row = enterprise_row(30)
    row["Ngày lập báo cáo"] = dt.datetime(2022, 4, 8)
    row["Kỳ báo cáo"] = dt.date(2022, 3, 1)
    _xlsx(raw / "enterprise_reports/x.xlsx", [ENTERPRISE_HEADERS, list(row.values())], ())
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    loaded = result.rows("enterprise_reports")[0]
    assert (loaded["report_date"], loaded["period"]) == (dt.date(2022, 4, 8), dt.date(2022, 3, 1))


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-8-sig", ","),
        ("utf-8", ";"),
        ("cp1258", ";"),
        ("cp1258", ","),
    ],
)
def test_csv_encodings_and_delimiters(raw, tmp_path, encoding, delimiter):
    revenue = "1.385,5" if delimiter == ";" else "1385.5"
    row = enterprise_row(
        40,
        {
            "Tên doanh nghiệp / cơ sở": "HTX Vĩnh Long",
            "Xã, thị trấn": "Vĩnh Long",
            "Doanh thu": revenue,
        },
    )
    write_csv(
        raw / "enterprise_reports/e.csv",
        ENTERPRISE_HEADERS,
        [row],
        delimiter=delimiter,
        encoding=encoding,
        title=["BÁO CÁO THÁNG 3/2022"],
    )
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    loaded = result.rows("enterprise_reports")
    assert loaded[0]["unit_name"] == "HTX Vĩnh Long"
    assert loaded[0]["commune_code"] == "19387"
    assert loaded[0]["revenue"] == 1385.5


def test_stt_blank_rows_and_extra_columns(raw, tmp_path):
    header = ["STT", *ENTERPRISE_HEADERS, "Số điện thoại"]
    rows = [
        [1, *enterprise_row(50).values(), "0912"],
        [],
        [2],
        [3, *enterprise_row(51).values(), ""],
    ]
    _xlsx(raw / "enterprise_reports/s.xlsx", [header, *rows])
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    loaded = result.rows("enterprise_reports")
    assert [r["_source_row"] for r in loaded] == [5, 8]
    assert '"Số điện thoại":"0912"' in loaded[0]["_extra"]
    assert result.rejections() == []


def test_communes_in_every_written_form(raw, tmp_path):
    forms = ["Thị trấn Hồ Xá", "Hồ Xá", "TT. Hồ Xá", "TT Hồ Xá", "19363", "thi tran ho xa"]
    rows = [enterprise_row(60 + i, {"Xã, thị trấn": c}) for i, c in enumerate(forms)]
    rows.append(enterprise_row(70, {"Khu, cụm công nghiệp": "Khu công nghiệp Tây Bắc Hồ Xá"}))
    rows.append(enterprise_row(71, {"Khu, cụm công nghiệp": "KCN Tây Bắc Hồ Xá"}))
    write_csv(raw / "enterprise_reports/c.csv", ENTERPRISE_HEADERS, rows)
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    loaded = result.rows("enterprise_reports")
    assert {r["commune_code"] for r in loaded} == {"19363"}
    assert [r["zone_code"] for r in loaded[-2:]] == ["KCN_TBHX", "KCN_TBHX"]


def test_reused_commune_code_resolved_by_period(raw, tmp_path):
    rows = [
        enterprise_row(80, {"Xã, thị trấn": "19405"}),
        enterprise_row(
            81,
            {"Xã, thị trấn": "Vĩnh Lâm", "Kỳ báo cáo": "08/2025", "Ngày lập báo cáo": "10/09/2025"},
        ),
    ]
    write_csv(raw / "enterprise_reports/r.csv", ENTERPRISE_HEADERS, rows)
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    # 19405 in 2022 is Vĩnh Lâm; "Vĩnh Lâm" no longer exists in 08/2025.
    assert [r["commune_code"] for r in result.rows("enterprise_reports")] == ["19405"]
    assert result.rules() == {(3, "commune", "commune")}


def test_unreadable_file_rejected_whole_and_the_run_goes_on(raw, tmp_path):
    (raw / "enterprise_reports").mkdir(parents=True)
    (raw / "enterprise_reports/bao_cao.xlsx").write_text("<html>not a workbook</html>")
    write_csv(raw / "enterprise_reports/ok.csv", ENTERPRISE_HEADERS, [enterprise_row(90)])
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    by_name = {o.file_name: o for o in result.outcomes}
    bad = by_name["enterprise_reports/bao_cao.xlsx"]
    assert bad.status == "rejected" and "Không đọc được tệp" in bad.reason
    assert "cannot be read" in bad.reason
    assert by_name["enterprise_reports/ok.csv"].status == "loaded"


def test_missing_required_column_names_it(raw, tmp_path):
    headers = [h for h in ENTERPRISE_HEADERS if h != "Kỳ báo cáo"]
    write_csv(raw / "enterprise_reports/m.csv", headers, [enterprise_row(91)])
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    outcome = result.outcomes[-1]
    assert outcome.status == "rejected"
    assert "Kỳ báo cáo" in outcome.reason and "missing" in outcome.reason


def test_same_content_loaded_once_even_renamed(raw, tmp_path):
    first = write_csv(raw / "enterprise_reports/a.csv", ENTERPRISE_HEADERS, [enterprise_row(92)])
    shutil.copy(first, raw / "enterprise_reports/a - copy.csv")
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    statuses = sorted(o.status for o in result.outcomes if o.source == "enterprise_reports")
    assert statuses == ["loaded", "skipped"]
    assert len(result.rows("enterprise_reports")) == 1
    result.con.close()
    again = ingest(raw, tmp_path / "wh", ["enterprise_reports"], run_id="second")
    assert {o.status for o in again.outcomes} == {"skipped"}
    assert len(again.rows("enterprise_reports")) == 1


def test_unchanged_files_are_not_hashed_again_unless_asked(raw, tmp_path, monkeypatch):
    """Size + mtime unchanged: the remembered SHA-256 is trusted (as make and rsync do), so
    a quiet night does not re-read gigabytes; VLPIPE_REHASH=1 reads every file again."""
    path = write_csv(raw / "enterprise_reports/a.csv", ENTERPRISE_HEADERS, [enterprise_row(93)])
    first = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    assert [o.status for o in first.outcomes if o.source == "enterprise_reports"] == ["loaded"]
    first.con.close()
    # Same size, same mtime, other content (a unit typed the same length): trusted.
    stat = path.stat()
    swapped = path.read_bytes().replace("Công ty 93".encode(), "Công ty 39".encode())
    assert len(swapped) == stat.st_size
    path.write_bytes(swapped)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    quiet = ingest(raw, tmp_path / "wh", ["enterprise_reports"], run_id="quiet")
    assert [o.status for o in quiet.outcomes if o.source == "enterprise_reports"] == ["skipped"]
    quiet.con.close()
    monkeypatch.setenv("VLPIPE_REHASH", "1")
    forced = ingest(raw, tmp_path / "wh", ["enterprise_reports"], run_id="forced")
    outcome = [o for o in forced.outcomes if o.source == "enterprise_reports"]
    assert [o.status for o in outcome] == ["loaded"]  # a new content: a new version
    assert outcome[0].sha256 != quiet.outcomes[-1].sha256


def test_absent_optional_columns_are_empty_not_zero_and_noted(raw, tmp_path):
    dropped = ["Ứng dụng máy móc thiết bị tiên tiến", "Vốn đầu tư thực hiện từ vốn tự có"]
    headers = [h for h in ENTERPRISE_HEADERS if h not in dropped]
    write_csv(raw / "enterprise_reports/o.csv", headers, [enterprise_row(93)])
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    row = result.rows("enterprise_reports")[0]
    assert row["advanced_machinery"] is None and row["own_capital_invested"] is None
    outcome = result.outcomes[-1]
    assert outcome.status == "loaded" and all(h in outcome.reason for h in dropped)


def test_keys_are_stored_in_one_spelling(raw, tmp_path):
    branch = tax_code(94) + "-001"
    rows = [
        enterprise_row(94, {"Mã số thuế": branch.replace("-", "")}),
        enterprise_row(94, {"Mã số thuế": branch, "Kỳ báo cáo": "02/2022"}),
    ]
    write_csv(raw / "enterprise_reports/k.csv", ENTERPRISE_HEADERS, rows)
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    assert {r["tax_code"] for r in result.rows("enterprise_reports")} == {branch}


def test_odd_input_never_stops_the_run(raw, tmp_path):
    folder = raw / "enterprise_reports"
    write_csv(
        folder / "a_huge.csv",
        ENTERPRISE_HEADERS,
        [enterprise_row(95, {"Tổng số lao động": "1" * 25, "Doanh thu": "9" * 400})],
    )
    headers = [*ENTERPRISE_HEADERS, "Điện thoại", "Điện thoại"]
    write_csv(folder / "b_twice.csv", headers, [enterprise_row(96)])
    (folder / "c_folder.csv").mkdir()
    (folder / "d_broken.csv").symlink_to(folder / "nowhere.csv")
    write_csv(folder / "e_ok.csv", ENTERPRISE_HEADERS, [enterprise_row(97)])
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    by_name = {o.file_name.rsplit("/", 1)[-1]: o for o in result.outcomes}
    assert by_name["a_huge.csv"].status == "loaded"
    assert {(r["column_name"], r["rule"]) for r in result.rejections()} == {
        ("employees", "out_of_range"),
        ("revenue", "out_of_range"),
    }
    assert by_name["b_twice.csv"].status == "loaded"
    assert by_name["d_broken.csv"].status == "rejected"
    assert by_name["e_ok.csv"].status == "loaded"


def test_a_warehouse_from_an_older_declaration_gains_new_columns(raw, tmp_path):
    import duckdb

    from flows.config import Paths

    paths = Paths.of(raw, tmp_path / "wh")
    paths.ensure()
    with duckdb.connect(str(paths.private_db)) as con:
        con.execute(
            "create schema raw; create table raw.plan_targets (plan_id varchar, "
            "year bigint, kpi_code varchar, kpi_name_vi varchar, unit varchar, "
            "comparator varchar, target_low double, target_high double, "
            "lead_unit varchar, _extra varchar, _file_id bigint, _file_seq bigint, "
            "_source_row integer, _sheet varchar, _run_id varchar)"
        )
    result = ingest(raw, tmp_path / "wh", [])
    assert {o.status for o in result.outcomes} == {"loaded"}
    assert "note" in result.rows("plan_targets")[0]


@pytest.mark.parametrize(
    ("title", "encoding"),
    [
        ("B¸o c¸o t×nh h×nh s¶n xuÊt kinh doanh th¸ng 3 n¨m 2022", "TCVN3"),
        ("Baùo caùo tình hình saûn xuaát kinh doanh thaùng 3 naêm 2022 ñôn vò", "VNI"),
    ],
)
def test_legacy_vietnamese_encodings_are_named_and_refused(raw, tmp_path, title, encoding):
    write_csv(
        raw / "enterprise_reports/old.csv",
        ENTERPRISE_HEADERS,
        [enterprise_row(98)],
        title=[title, title],
    )
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    outcome = result.outcomes[-1]
    assert outcome.status == "rejected" and encoding in outcome.reason


def test_file_over_the_size_limit_is_refused_not_read(raw, tmp_path, monkeypatch):
    monkeypatch.setenv("VLPIPE_MAX_ROWS", "2")
    write_csv(
        raw / "enterprise_reports/big.csv",
        ENTERPRISE_HEADERS,
        [enterprise_row(i) for i in range(99, 103)],
    )
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    outcome = result.outcomes[-1]
    assert outcome.status == "rejected" and "VLPIPE_MAX_ROWS" in outcome.reason


@pytest.mark.parametrize("chunk", [1, 3, 7, 1 << 24])
def test_widest_line_counted_across_chunk_boundaries(tmp_path, chunk):
    import mmap

    from flows.ingest.readers import _widest_line

    path = tmp_path / "w.csv"
    path.write_bytes(b"Title\r\na;b;c\r\n1;2;3;4;5\n\nx;y\n1;2;3;4;5;6")  # last line unterminated
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        assert _widest_line(mapped, ";", chunk=chunk) == 6
