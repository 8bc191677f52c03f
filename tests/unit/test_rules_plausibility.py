"""Values that cannot be true are rejected at their row, with their reason, before they can
rule the scorecard or block a night's publication:

* a date after the run's own date (``VLPIPE_TODAY``), unless the field may lie ahead;
* a KPI code of the targets that is not in the KPI catalogue;
* a money or quantity value far from its unit's own history, or outside the area's range
  for a unit with no history (a unit typed by mistake: đồng for triệu đồng);

and a newer reference file replaces the older one whole. When the audit refuses a build all
the same, it names the file and row behind it and how to unblock it.

What these tests call that the code before these rules lacked is imported inside the tests, so
that each one fails on that code for its own reason.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import duckdb
import pytest

from flows.config import Paths
from flows.ingest.references import load_references
from flows.transform import run_dbt
from schemas.labour import LABOUR
from tests.support.helpers import (
    ENTERPRISE_HEADERS,
    LABOUR_HEADERS,
    REFERENCE,
    SOURCES,
    TASK_HEADERS,
    enterprise_row,
    ingest,
    labour_row,
    task_row,
    tax_code,
    write_csv,
    write_reference,
)

TODAY_ENV = "VLPIPE_TODAY"
TODAY = "2026-12-04"
UNIT_ERROR_EN = "looks like đồng typed instead of triệu đồng (×1,000,000)"


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(TODAY_ENV, TODAY)
    return TODAY


def _by_cell(result) -> dict[tuple[int, str], dict]:
    return {(r["row_number"], r["column_name"]): r for r in result.rejections()}


# -- 1. dates after the run date ------------------------------------------------------------


def test_run_date_is_decided_in_one_place(monkeypatch):
    from flows.config import run_date

    assert run_date().isoformat() == TODAY
    monkeypatch.delenv(TODAY_ENV)
    assert run_date().year >= 2026


def test_a_year_typo_in_a_period_or_a_report_date_is_rejected_with_the_run_date(raw, tmp_path):
    rows = [
        enterprise_row(1),
        enterprise_row(
            2,
            {
                "Kỳ báo cáo": "12/2030",
                "Ngày lập báo cáo": "05/01/2031",
                "Xã, thị trấn": "Xã Vĩnh Linh",
            },
        ),
        enterprise_row(3, {"Ngày lập báo cáo": "08/04/2202"}),
        enterprise_row(
            4, {"Kỳ báo cáo": "12/2026", "Ngày lập báo cáo": TODAY, "Xã, thị trấn": "Xã Vĩnh Linh"}
        ),
    ]
    write_csv(raw / "enterprise_reports/e.csv", ENTERPRISE_HEADERS, rows)
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    assert result.rules() == {
        (3, "period", "future_date"),
        (3, "report_date", "future_date"),
        (4, "report_date", "future_date"),
    }
    message = _by_cell(result)[(4, "report_date")]
    assert message["message_vi"] == (
        "Cột 'Ngày lập báo cáo': '08/04/2202' ở sau ngày chạy 04/12/2026; năm hoặc ngày có "
        "thể bị gõ nhầm."
    )
    assert (
        "'Kỳ báo cáo': '12/2030' is after the run date 04/12/2026"
        in _by_cell(result)[(3, "period")]["message_en"]
    )
    # The period of the current month, reported today, is fine.
    assert [r["_source_row"] for r in result.rows("enterprise_reports")] == [2, 5]


FUTURE_CASES = [
    ("labour_spells", {"Ngày bắt đầu làm việc": "01/03/2031"}, "start_date"),
    ("labour_spells", {"Ngày nghỉ việc": "01/03/2031"}, "end_date"),
    ("khuyen_cong", {"Ngày giải ngân": "20/06/2031"}, "disbursement_date"),
    (
        "khuyen_cong",
        {
            "Ngày quyết định": "15/03/2031",
            "Ngày giải ngân": "20/06/2031",
            "Xã, thị trấn": "Vĩnh Linh",
        },
        "decision_date",
        "disbursement_date",
    ),
    (
        "ocop_ratings",
        {"Ngày công nhận": "10/11/2031", "Xã, thị trấn": "Vĩnh Linh"},
        "recognised_on",
    ),
    ("plan_tasks", {"Ngày báo cáo": "15/10/2031"}, "report_date"),
    ("plan_tasks", {"Ngày hoàn thành": "20/09/2031"}, "done_date"),
]


@pytest.mark.parametrize(
    ("source", "overrides", "columns"),
    [(c[0], c[1], c[2:]) for c in FUTURE_CASES],
    ids=[f"{c[0]}-{c[2]}" for c in FUTURE_CASES],
)
def test_every_date_that_cannot_lie_ahead_is_checked(raw, tmp_path, source, overrides, columns):
    folder, headers, make_row = SOURCES[source]
    write_csv(raw / folder / "f.csv", headers, [make_row(1), make_row(2, overrides)])
    result = ingest(raw, tmp_path / "wh", [source])
    assert result.rules() == {(3, c, "future_date") for c in columns}
    assert [r["_source_row"] for r in result.rows(source)] == [2]


def test_a_due_date_may_lie_ahead_and_targets_of_a_future_year_load(raw, tmp_path):
    write_csv(
        raw / "plan_tasks/t.csv",
        TASK_HEADERS,
        [
            task_row(
                1,
                {
                    "Hạn hoàn thành": "31/12/2030",
                    "Tình trạng": "Đang thực hiện",
                    "Tỷ lệ hoàn thành (%)": "40",
                    "Ngày hoàn thành": "",
                },
            )
        ],
    )
    REFERENCE_2030 = [
        *REFERENCE["plan_targets.csv"],
        [
            "VL-2030",
            "2030",
            "IND_GO_CURRENT",
            "GTSX hiện hành",
            "billion VND",
            "gt",
            "3000",
            "",
            "",
        ],
    ]
    write_csv(
        raw / "reference/plan_targets.csv",
        REFERENCE_2030[0],
        [dict(zip(REFERENCE_2030[0], r, strict=True)) for r in REFERENCE_2030[1:]],
    )
    result = ingest(raw, tmp_path / "wh", ["plan_tasks"])
    assert result.rejections() == []
    assert len(result.rows("plan_tasks")) == 1 and len(result.rows("plan_targets")) == 2


# -- 2. KPI codes of the catalogue; a newer reference file replaces the older one -------------


def _write_targets(raw: Path, rows: list[list[str]]) -> None:
    header = REFERENCE["plan_targets.csv"][0]
    write_csv(
        raw / "reference/plan_targets.csv",
        header,
        [dict(zip(header, r, strict=True)) for r in rows],
    )


def _target(code: str, low: str = "10") -> list[str]:
    return ["VL-2022", "2022", code, code, "billion VND", "gt", low, "", ""]


def test_a_kpi_code_not_in_the_catalogue_is_rejected(raw, tmp_path):
    _write_targets(raw, [_target("IND_GO_CURRENT"), _target("IND_GO_GROWHT")])
    result = ingest(raw, tmp_path / "wh", [])
    assert result.rules() == {(3, "kpi_code", "kpi_code")}
    assert "'IND_GO_GROWHT' is not in the KPI catalogue" in result.rejections()[0]["message_en"]
    assert [r["kpi_code"] for r in result.rows("plan_targets")] == ["IND_GO_CURRENT"]


def _touch_later(path: Path) -> None:
    """A newer version of the file: a later modification time (files load oldest first)."""
    later = time.time() + 60
    os.utime(path, (later, later))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small warehouse over two nights, built by dbt: the first night's targets and zones,
    replaced the second night by files that no longer hold CAPITAL_OWN nor CCN Cửa Tùng; a
    unit's March report, corrected the second night by a new file of the same report date; an
    industrial unit and a unit that never reported, each employing one worker all of 2022."""
    mp = pytest.MonkeyPatch()
    mp.setenv(TODAY_ENV, TODAY)
    tmp = tmp_path_factory.mktemp("built")
    raw, warehouse = tmp / "raw", tmp / "wh"
    write_reference(raw)
    _write_targets(
        raw, [_target("IND_GO_CURRENT"), _target("CAPITAL_OWN"), _target("LAB_AVG_INCOME", "80")]
    )
    write_csv(raw / "enterprise_reports/e.csv", ENTERPRISE_HEADERS, [enterprise_row(1)])
    spells = [
        labour_row(1, {"Ngày bắt đầu làm việc": "01/01/2022", "Tiền lương tháng": "6.000.000"}),
        labour_row(
            2,
            {
                "Mã số thuế đơn vị": tax_code(2),
                "Ngày bắt đầu làm việc": "01/01/2022",
                "Tiền lương tháng": "20.000.000",
            },
        ),
    ]
    write_csv(raw / "labour/l.csv", LABOUR_HEADERS, spells)
    ingest(raw, warehouse, ["enterprise_reports", "labour_spells"]).con.close()

    _write_targets(raw, [_target("IND_GO_CURRENT", "20"), _target("LAB_AVG_INCOME", "80")])
    zones = REFERENCE["zones.csv"][:2]
    write_csv(
        raw / "reference/zones.csv",
        zones[0],
        [dict(zip(zones[0], r, strict=True)) for r in zones[1:]],
    )
    for name in ("plan_targets.csv", "zones.csv"):
        _touch_later(raw / "reference" / name)
    corrected = raw / "enterprise_reports/e_sua.csv"
    write_csv(
        corrected,
        ENTERPRISE_HEADERS,
        [enterprise_row(1, {"Giá trị sản xuất theo giá hiện hành": "1300"})],
    )
    _touch_later(corrected)
    second = ingest(raw, warehouse, ["enterprise_reports"], run_id="night-2")
    assert [o.status for o in second.outcomes if o.status != "skipped"] == ["loaded"] * 3
    second.con.close()
    paths = Paths.of(raw, warehouse)
    outcome = run_dbt(
        "build",
        paths,
        "--select",
        "+int_plan_targets__current",
        "+int_zones__current",
        "+int_kpi__labour",
        "+int_enterprise_reports__current",
        "--exclude-resource-type",
        "test",
    )
    assert outcome.success, outcome.failures
    mp.undo()
    return paths.private_db


@pytest.mark.slow
def test_a_newer_reference_file_replaces_the_older_one_whole(built):
    with duckdb.connect(str(built), read_only=True) as con:
        targets = con.execute(
            "select kpi_code, target_low from intermediate.int_plan_targets__current order by 1"
        ).fetchall()
        zones = con.execute("select zone_code from intermediate.int_zones__current").fetchall()
        refs = load_references(con)
    assert targets == [("IND_GO_CURRENT", 20.0), ("LAB_AVG_INCOME", 80.0)]
    assert zones == [("KCN_TBHX",)]
    assert set(refs.zones.values()) == {"KCN_TBHX"}  # what validation looks up, too


@pytest.mark.slow
def test_a_corrected_file_of_the_same_report_date_supersedes_the_old_rows(built):
    with duckdb.connect(str(built), read_only=True) as con:
        current = con.execute(
            "select gross_output_current_mvnd from intermediate.int_enterprise_reports__current"
        ).fetchall()
    assert current == [(1300.0,)]


# -- 4. LAB_AVG_INCOME: labour in industry ----------------------------------------------------


@pytest.mark.slow
def test_average_income_counts_industrial_employers_only(built):
    with duckdb.connect(str(built), read_only=True) as con:
        income = con.execute(
            "select actual from intermediate.int_kpi__labour where kpi_code = 'LAB_AVG_INCOME' "
            "and year = 2022 and month = 12"
        ).fetchone()[0]
    assert income == pytest.approx(6e6 * 12 / 1e6)  # not the unit that never reported


# -- 3. plausibility at the row; the audit names the rows behind a refusal --------------------


def _two_months(raw: Path, april_overrides: dict) -> None:
    march = [enterprise_row(n) for n in (1, 2)]
    april = [
        enterprise_row(
            n,
            {
                "Kỳ báo cáo": "04/2022",
                "Ngày lập báo cáo": "08/05/2022",
                **(april_overrides if n == 1 else {}),
            },
        )
        for n in (1, 2, 3)
    ]
    write_csv(raw / "enterprise_reports/03.csv", ENTERPRISE_HEADERS, march)
    write_csv(raw / "enterprise_reports/04.csv", ENTERPRISE_HEADERS, april)
    _touch_later(raw / "enterprise_reports/04.csv")


@pytest.mark.parametrize("batched", [False, True], ids=["at-once", "batched"])
def test_a_unit_error_is_rejected_at_its_row_and_the_rest_loads(
    raw, tmp_path, monkeypatch, batched
):
    if batched:
        monkeypatch.setenv("VLPIPE_BATCH_MB", str(300 / 1048576))  # about two rows a batch
    _two_months(raw, {"Giá trị sản xuất theo giá hiện hành": "1.200.500.000"})
    # March loads first (the unit's history); April is checked against it in the next run.
    shutil.move(raw / "enterprise_reports/04.csv", tmp_path / "04.csv")
    ingest(raw, tmp_path / "wh", ["enterprise_reports"], run_id="r1").con.close()
    shutil.move(tmp_path / "04.csv", raw / "enterprise_reports/04.csv")
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"], run_id="r2")
    assert result.rules() == {(2, "gross_output_current", "unit_error")}
    rejection = result.rejections()[0]
    assert rejection["file_name"] == "enterprise_reports/04.csv"
    assert UNIT_ERROR_EN in rejection["message_en"]
    assert "median of earlier rows (1200.5 triệu đồng)" in rejection["message_en"]
    assert (
        "có vẻ đã nhập theo đơn vị đồng thay cho triệu đồng (×1.000.000)" in rejection["message_vi"]
    )
    april = [r for r in result.rows("enterprise_reports") if r["period"].month == 4]
    assert sorted(r["tax_code"] for r in april) == sorted([tax_code(2), tax_code(3)])


def test_a_new_unit_is_held_to_the_areas_range(raw, tmp_path):
    rows = [
        enterprise_row(1, {"Doanh thu": "1.300.000.000"}),
        enterprise_row(2, {"Thu nhập bình quân": "7.500.000"}),
        enterprise_row(3, {"Tổng số lao động": "5000000", "Lao động qua đào tạo": "1"}),
        enterprise_row(4),
    ]
    write_csv(raw / "enterprise_reports/e.csv", ENTERPRISE_HEADERS, rows)
    write_csv(
        raw / "labour/l.csv",
        LABOUR_HEADERS,
        [labour_row(1, {"Tiền lương tháng": "6,5"}), labour_row(2)],
    )
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports", "labour_spells"])
    assert result.rules() == {
        (2, "revenue", "unit_error"),
        (3, "avg_monthly_income", "unit_error"),
        (4, "employees", "implausible"),
        (2, "monthly_wage", "unit_error"),
    }
    by_cell = {
        (r["file_name"], r["row_number"], r["column_name"]): r["message_en"]
        for r in result.rejections()
    }
    assert UNIT_ERROR_EN in by_cell["enterprise_reports/e.csv", 2, "revenue"]
    assert (
        "outside the area's plausible range (0.01–100,000,000 triệu đồng)"
        in by_cell["enterprise_reports/e.csv", 2, "revenue"]
    )
    assert (
        "looks like đồng typed instead of triệu đồng/người/tháng (×1,000,000)"
        in by_cell["enterprise_reports/e.csv", 3, "avg_monthly_income"]
    )
    assert (
        "check the figure and its unit (người)"
        in by_cell["enterprise_reports/e.csv", 4, "employees"]
    )
    assert (
        "looks like triệu đồng typed instead of đồng (÷1,000,000)"
        in by_cell["labour/l.csv", 2, "monthly_wage"]
    )
    assert [r["_source_row"] for r in result.rows("enterprise_reports")] == [5]
    assert len(result.rows("labour_spells")) == 1


def test_history_is_one_query_of_medians_per_unit(raw, tmp_path):
    from flows.ingest.references import load_history

    write_csv(
        raw / "labour/l.csv",
        LABOUR_HEADERS,
        [
            labour_row(1, {"Tiền lương tháng": "6.000.000"}),
            labour_row(2, {"Tiền lương tháng": "8.000.000"}),
            labour_row(3, {"Mã số thuế đơn vị": tax_code(2), "Tiền lương tháng": "5.000.000"}),
        ],
    )
    result = ingest(raw, tmp_path / "wh", ["labour_spells"])
    history = load_history(result.con, LABOUR).sort("employer_tax_code")
    assert history.rows() == [(tax_code(1), 7e6), (tax_code(2), 5e6)]


def test_the_audit_names_the_file_and_row_behind_a_refusal_and_how_to_unblock(raw, tmp_path):
    from flows.audit import culprits
    from flows.audit_page import UNBLOCK, AuditResult

    write_csv(
        raw / "enterprise_reports/e.csv", ENTERPRISE_HEADERS, [enterprise_row(n) for n in (1, 2, 3)]
    )
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports", "labour_spells"])
    # A value that slipped past validation (written straight into the warehouse).
    result.con.execute(
        "update raw.enterprise_reports set gross_output_current = 1.2005e12 where _source_row = 3"
    )
    found = culprits(result.con, {"IND_GO_CURRENT"})
    assert found[0] == (
        "enterprise_reports/e.csv row 3 (enterprise_reports), "
        "column gross_output_current = 1.2005e+12"
    )
    refused = AuditResult(
        success=False,
        checks=[
            {
                "table": "kpi_scorecard",
                "expectation": "expect_column_values_to_be_between",
                "column": "money_actual",
                "ok": False,
                "detail": "[1200500000.0]",
            }
        ],
        culprits=found,
    )
    summary = refused.summary()
    assert "enterprise_reports/e.csv row 3" in summary and UNBLOCK in summary
    assert "send a corrected file: it replaces the old one" in summary
