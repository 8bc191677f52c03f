"""Each rule of each source's contract, broken by one row: that row alone is rejected, with
the rule, the column and a message in Vietnamese and English."""

from __future__ import annotations

import pytest

from tests.support.helpers import (
    BUDGET_HEADERS,
    ECONOMY_HEADERS,
    ENTERPRISE_HEADERS,
    LABOUR_HEADERS,
    SOURCES,
    economy_row,
    enterprise_row,
    ingest,
    labour_row,
    write_csv,
    write_reference,
)

CASES = [
    # source, overrides of the bad row, (column, rule) for every rule it breaks
    ("enterprise_reports", {"Mã số thuế": "3200000000"}, ("tax_code", "tax_code")),
    ("enterprise_reports", {"Mã số thuế": ""}, ("tax_code", "required")),
    (
        "enterprise_reports",
        {"Giá trị sản xuất theo giá hiện hành": "-5"},
        ("gross_output_current", "min"),
    ),
    (
        "enterprise_reports",
        {"Lao động qua đào tạo": "60"},
        ("trained_employees", "trained_gt_employees"),
    ),
    ("enterprise_reports", {"Tổng số lao động": "12,5"}, ("employees", "integer")),
    ("enterprise_reports", {"Xã, thị trấn": "Phường 1"}, ("commune", "commune")),
    (
        "enterprise_reports",
        {"Khu, cụm công nghiệp": "KCN Nam Đông Hà"},
        ("industrial_zone", "zone"),
    ),
    ("enterprise_reports", {"Mã ngành VSIC": "4610"}, ("vsic_code", "vsic_industry")),
    ("enterprise_reports", {"Mã ngành VSIC": "10"}, ("vsic_code", "vsic_industry")),
    ("enterprise_reports", {"Kỳ báo cáo": "05/2022"}, ("period", "period_after_report_date")),
    ("enterprise_reports", {"Kỳ báo cáo": "13/2022"}, ("period", "month_format")),
    ("enterprise_reports", {"Ngày lập báo cáo": "31/02/2022"}, ("report_date", "date_format")),
    ("enterprise_reports", {"Loại hình": "Công ty ma"}, ("ownership", "category")),
    ("enterprise_reports", {"Doanh thu": "khoảng 1 tỷ"}, ("revenue", "number_format")),
    ("enterprise_reports", {"Công nghiệp hỗ trợ": "có lẽ"}, ("supporting_industry", "yes_no")),
    ("labour_spells", {"Số CCCD": "04520000001"}, ("citizen_id", "citizen_id")),
    ("labour_spells", {"Họ và tên": ""}, ("full_name", "required")),
    ("labour_spells", {"Năm sinh": "2010"}, ("birth_year", "age_out_of_range")),
    ("labour_spells", {"Ngày nghỉ việc": "01/01/2020"}, ("end_date", "end_before_start")),
    ("labour_spells", {"Tiền lương tháng": "0"}, ("monthly_wage", "min_exclusive")),
    (
        "labour_spells",
        {"Trình độ chuyên môn kỹ thuật": "Tiến sĩ danh dự"},
        ("training_level", "category"),
    ),
    ("labour_spells", {"Mã số thuế đơn vị": "3200000001"}, ("employer_tax_code", "tax_code")),
    (
        "khuyen_cong",
        {"Kinh phí đã giải ngân": "70.000.000"},
        ("disbursed_amount", "disbursed_gt_approved"),
    ),
    (
        "khuyen_cong",
        {"Kinh phí được duyệt": "250.000.000", "Kinh phí đã giải ngân": "0", "Ngày giải ngân": ""},
        ("approved_amount", "approved_gt_cost"),
    ),
    (
        "khuyen_cong",
        {"Ngày giải ngân": "01/03/2022"},
        ("disbursement_date", "disbursement_before_decision"),
    ),
    ("khuyen_cong", {"Ngày giải ngân": ""}, ("disbursement_date", "disbursement_date_missing")),
    ("khuyen_cong", {"Số quyết định": "QĐ số 12"}, ("decision_no", "decision_no")),
    ("khuyen_cong", {"Nguồn kinh phí": "Ngân hàng"}, ("fund_source", "category")),
    (
        "khuyen_cong",
        {"Tổng kinh phí đề án": "0"},
        ("scheme_cost", "min_exclusive"),
        ("approved_amount", "approved_gt_cost"),
    ),
    ("ocop_ratings", {"Số sao": "3"}, ("stars", "stars_score_mismatch")),
    ("ocop_ratings", {"Điểm": "101", "Số sao": "5"}, ("score", "max")),
    ("ocop_ratings", {"Nhóm sản phẩm": "Điện tử"}, ("product_group", "category")),
    ("ocop_ratings", {"Ngày công nhận": ""}, ("recognised_on", "required")),
    ("economic_accounts", {"Quý": "5"}, ("quarter", "max")),
    ("economic_accounts", {"Khu vực": "Khai khoáng vũ trụ"}, ("sector", "category")),
    ("plan_tasks", {"Ngày hoàn thành": ""}, ("done_date", "done_date_missing")),
    (
        "plan_tasks",
        {"Tỷ lệ hoàn thành (%)": "120"},
        ("percent_done", "max"),
        ("percent_done", "done_not_100_percent"),
    ),
    ("plan_tasks", {"Đơn vị chủ trì": "Sở Ngoại giao"}, ("lead_unit", "lead_unit")),
]


@pytest.mark.parametrize(
    ("source", "overrides", "expected"),
    [(c[0], c[1], c[2:]) for c in CASES],
    ids=[f"{c[0]}-{c[2][1]}-{i}" for i, c in enumerate(CASES)],
)
def test_rule_rejects_only_the_bad_row(tmp_path, source, overrides, expected):
    folder, headers, make_row = SOURCES[source]
    raw = tmp_path / "raw"
    write_reference(raw)
    rows = [make_row(1), make_row(2, overrides), make_row(3)]
    write_csv(raw / folder / "f.csv", headers, rows)
    result = ingest(raw, tmp_path / "wh", [source])
    rejections = result.rejections()
    assert {(r["row_number"], r["column_name"], r["rule"]) for r in rejections} == {
        (3, *e) for e in expected
    }
    assert all(r["message_vi"] and r["message_en"] for r in rejections)
    assert [r["_source_row"] for r in result.rows(source)] == [2, 4]


def test_budget_industry_above_the_months_total_rejects_the_industry_row(tmp_path):
    raw = tmp_path / "raw"
    write_reference(raw)
    rows = [
        {"Kỳ": "01/2022", "Chỉ tiêu": "Thu ngoài quốc doanh", "Số thu": "5.000,5"},
        {"Kỳ": "01/2022", "Chỉ tiêu": "Trong đó: Công nghiệp", "Số thu": "3.100,0"},
        {"Kỳ": "02/2022", "Chỉ tiêu": "Thu ngoài quốc doanh", "Số thu": "4.000,0"},
        {"Kỳ": "02/2022", "Chỉ tiêu": "Trong đó Công nghiệp", "Số thu": "4.500,0"},
    ]
    write_csv(raw / "budget/t.csv", BUDGET_HEADERS, rows, delimiter=";")
    result = ingest(raw, tmp_path / "wh", ["budget_revenue"])
    assert result.rules() == {(5, "amount", "industry_gt_total")}
    loaded = result.rows("budget_revenue")
    assert [(r["item"], r["amount"]) for r in loaded] == [
        ("Thu ngoài quốc doanh", 5000.5),
        ("Trong đó: Công nghiệp", 3100.0),
        ("Thu ngoài quốc doanh", 4000.0),
    ]


def test_yearly_and_quarterly_economy_rows_are_distinct_keys(tmp_path):
    raw = tmp_path / "raw"
    write_reference(raw)
    rows = [economy_row(1), economy_row(1, {"Quý": "1"}), economy_row(1, {"Quý": "2"})]
    write_csv(raw / "economy/e.csv", ECONOMY_HEADERS, rows)
    result = ingest(raw, tmp_path / "wh", ["economic_accounts"])
    assert result.rejections() == []
    assert [r["quarter"] for r in result.rows("economic_accounts")] == [None, 1, 2]


def test_personal_data_never_stored_and_pseudonym_is_keyed(tmp_path):
    raw = tmp_path / "raw"
    write_reference(raw)
    rows = [labour_row(1), labour_row(2, {"Số CCCD": "12345"})]
    write_csv(raw / "labour/l.csv", LABOUR_HEADERS, rows)
    first = ingest(raw, tmp_path / "wh1", ["labour_spells"], pii_key=b"key-one")
    loaded = first.rows("labour_spells")
    assert "citizen_id" not in loaded[0] and "full_name" not in loaded[0]
    dump = str(loaded) + str(first.rejections())
    for row in rows:
        assert row["Số CCCD"] not in dump and row["Họ và tên"] not in dump
    same = ingest(raw, tmp_path / "wh2", ["labour_spells"], pii_key=b"key-one")
    other = ingest(raw, tmp_path / "wh3", ["labour_spells"], pii_key=b"key-two")
    pseudonym = loaded[0]["citizen_pseudonym"]
    assert same.rows("labour_spells")[0]["citizen_pseudonym"] == pseudonym
    assert other.rows("labour_spells")[0]["citizen_pseudonym"] != pseudonym


def test_labour_refused_without_a_key_and_retried_once_keyed(tmp_path):
    raw = tmp_path / "raw"
    write_reference(raw)
    write_csv(raw / "labour/l.csv", LABOUR_HEADERS, [labour_row(1)])
    write_csv(raw / "enterprise_reports/e.csv", ENTERPRISE_HEADERS, [enterprise_row(1)])
    refused = ingest(raw, tmp_path / "wh", ["enterprise_reports", "labour_spells"], pii_key=None)
    by_source = {o.source: o for o in refused.outcomes}
    assert by_source["labour_spells"].status == "rejected"
    assert "VLPIPE_PII_KEY" in by_source["labour_spells"].reason
    assert by_source["enterprise_reports"].status == "loaded"
    refused.con.close()
    keyed = ingest(raw, tmp_path / "wh", ["labour_spells"], pii_key=b"k", run_id="r2")
    assert [o.status for o in keyed.outcomes if o.source == "labour_spells"] == ["loaded"]
