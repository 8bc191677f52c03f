"""Quick self-test of the sample-data generator and the KPI oracle (no pipeline involved)."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from synth import FileInfo, Truth, generate
from tests.support.kpi_oracle import (
    FLOW_KPIS,
    ORACLE_KPIS,
    expected_findings,
    expected_kpis,
    expected_projection,
    expected_status,
)
from tests.support.roundtrip_reader import commune_code, read_file

ROOT = Path(__file__).resolve().parents[2]
SCALE1_RANGES = {
    "IND_GO_CURRENT": (1300, 1450),
    "IND_GO_CONST2010": (1050, 1150),
    "IND_GO_GROWTH": (5, 9),
    "CAPITAL_OWN": (250, 350),
    "LAB_TRAINED_RATIO": (85, 93),
    "LAB_NEW_JOBS": (300, 700),
    "LAB_AVG_INCOME": (70, 90),
    "TECH_ADVANCED_SHARE": (80, 90),
    "SUPPORT_IND_ATTRACTED": (3, 5),
    "KC_SUPPORTED_UNITS": (17, 21),
    "KC_FUNDS_PROVINCIAL": (0.45, 0.55),
    "KC_FUNDS_DISTRICT": (0.33, 0.38),
    "KC_FUNDS_NATIONAL": (0, 0),
    "IND_SHARE_ECONOMY": (12, 15),
    "IND_BUDGET_CONTRIB": (40, 50),
    "IND_BUDGET_SHARE": (55, 65),
    "OCOP_3_4_STAR": (4, 6),
    "TASKS_ON_TIME": (40, 80),
}
NEW_SOURCES = ("ocop_ratings", "budget_revenue", "economic_accounts", "plan_tasks")


@pytest.fixture(scope="module")
def scale1(tmp_path_factory: pytest.TempPathFactory) -> Truth:
    return generate(tmp_path_factory.mktemp("gen") / "raw", seed=2022, scale=1.0)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Truth:
    return generate(tmp_path_factory.mktemp("small") / "raw", seed=7, scale=0.3)


def test_same_seed_same_bytes(small: Truth, tmp_path: Path) -> None:
    again = generate(tmp_path / "raw", seed=7, scale=0.3)
    assert [f.path for f in again.files] == [f.path for f in small.files]
    for f in small.files:
        a, b = small.out_dir / f.path, again.out_dir / f.path
        assert a.read_bytes() == b.read_bytes(), f.path
        assert a.stat().st_mtime == b.stat().st_mtime, f.path


def test_committed_sample_is_seed_2022(scale1: Truth) -> None:
    raw = ROOT / "raw"
    if not (raw / "reference" / "plan_targets.csv").exists():
        pytest.skip("no committed sample")
    for f in scale1.files:
        assert (raw / f.path).read_bytes() == (scale1.out_dir / f.path).read_bytes(), f.path


def test_arrival_order(scale1: Truth) -> None:
    order = scale1.file_order("enterprise_reports")
    original = next(p for p in order if p.endswith("_2022-03.xlsx"))
    resub = next(p for p in order if p.endswith("_2022-03_bo_sung.xlsx"))
    assert order.index(resub) > order.index(original)
    assert len({f.mtime for f in scale1.files}) == len(scale1.files)
    # where no report date decides, name order = arrival order too (git keeps no mtimes)
    assert original.rsplit("/", 1)[-1] < resub.rsplit("/", 1)[-1]
    for source in ("labour", "khuyen_cong", "ocop_ratings", "budget_revenue", "economic_accounts"):
        names = [p.rsplit("/", 1)[-1] for p in scale1.file_order(source)]
        assert names == sorted(names), source
        paths = scale1.file_order(source)
        assert paths == sorted(paths), source
    for rec in scale1.resubmissions:
        eff = next(
            r
            for r in scale1.enterprise_reports
            if (r["tax_code"], r["period"]) == (rec["tax_code"], rec["period"])
        )
        assert eff["file"] == resub and eff["report_date"] == rec["new_report_date"]


def test_unreadable_and_features_present(small: Truth) -> None:
    assert small.unreadable_files == ["enterprise_reports/2022/bao_cao_thang_13.xlsx"]
    assert not (small.out_dir / small.unreadable_files[0]).read_bytes().startswith(b"PK")
    assert small.resubmissions
    rules = Counter((b.source, b.column) for b in small.bad_rows)
    for key in (
        [
            ("enterprise_reports", c)
            for c in (
                "tax_code",
                "gross_output_current",
                "trained_employees",
                "commune",
                "vsic_code",
                "period",
                "own_capital_invested",
            )
        ]
        + [("labour", c) for c in ("citizen_id", "birth_year", "end_date", "employer_tax_code")]
        + [("khuyen_cong", "disbursed_amount"), ("khuyen_cong", "disbursement_date")]
    ):
        assert rules[key] >= 1, key
    kpis = expected_kpis(small)
    assert kpis["SUPPORT_IND_ATTRACTED"] >= 2
    assert kpis["KC_FUNDS_NATIONAL"] == 0.0
    units = {u["tax_code"]: u for u in small.units}
    employers = {s["employer_tax_code"] for s in small.labour_spells}
    assert any(not units[t]["industrial"] for t in employers)
    assert any(u["supporting_industry"] and u["zone_code"] != "KCN_TBHX" for u in small.units)
    assert any(k["over_cap"] for k in small.khuyen_cong)


def test_files_read_back_to_truth(small: Truth) -> None:
    """Every written value reads back (docs/sources.md) to the Truth; bad rows break a rule."""
    bad = {(b.file, b.row_number): b.column for b in small.bad_rows}
    history = {(r["file"], r["row_number"]): r for r in small.enterprise_history}
    latest = {
        (r["file"], r["row_number"]): r
        for r in (
            small.labour_spells
            + small.khuyen_cong
            + small.ocop_ratings
            + small.budget_revenue
            + small.economic_accounts
            + small.plan_tasks
        )
    }
    seen = set()
    for f in small.files:
        if f.source == "reference" or f.path in small.unreadable_files:
            continue
        for n, rec, errors in read_file(small.out_dir / f.path, f.source):
            key = (f.path, n)
            seen.add(key)
            if key in bad:
                assert errors == [bad[key]], (key, errors)
                continue
            assert not errors, (key, errors, rec)
            expected = history.get(key) or latest.get(key)
            if expected is None:  # a superseded labour / khuyến công row
                continue
            for col, value in rec.items():
                want = expected.get(col)
                if col in ("own_capital_invested",) and value is None:
                    value = 0.0
                if isinstance(want, float):
                    assert value == pytest.approx(want), (key, col)
                elif col in ("commune", "residence_commune") and want is not None:
                    assert commune_code(value) and value == want, (key, col)
                elif col in ("sex",) or col not in expected:
                    continue
                else:
                    assert value == want, (key, col, value, want)
    assert set(bad) <= seen
    assert set(history) <= seen and set(latest) <= seen


def test_new_sources_features(small: Truth) -> None:
    """Issue 3 sources: every quirk the oracle must get right is present."""
    rules = Counter((b.source, b.column) for b in small.bad_rows if b.source in NEW_SOURCES)
    assert set(rules) == {
        ("ocop_ratings", "stars"),
        ("ocop_ratings", "score"),
        ("ocop_ratings", "product_group"),
        ("budget_revenue", "amount"),
        ("economic_accounts", "quarter"),
        ("economic_accounts", "sector"),
        ("plan_tasks", "done_date"),
        ("plan_tasks", "percent_done"),
        ("plan_tasks", "lead_unit"),
    }
    assert all(n <= 2 for n in rules.values())
    # OCOP: households without tax code; 3★ district, 4★ province; a product rated twice in 2022
    ocop = small.ocop_ratings
    assert any(r["producer_tax_code"] is None for r in ocop)
    assert all(
        r["level"] == {3: "Huyện", 4: "Tỉnh"}[r["stars"]] for r in ocop if r["stars"] in (3, 4)
    )
    rated22 = Counter(r["product_code"] for r in ocop if r["recognised_on"].year == 2022)
    assert max(rated22.values()) == 2
    # budget: the corrected month comes from the later file; the bad month has no industry row
    budget = small.budget_revenue
    assert sum(r["file"].endswith("_dieu_chinh.csv") for r in budget) == 2
    months22 = Counter(r["period"] for r in budget if r["period"].year == 2022)
    assert sorted(months22.values()) == [1] + [2] * 11
    # economy: industry 2022 has a yearly row and quarterly rows, the yearly one is larger
    ind22 = [
        r for r in small.economic_accounts if r["year"] == 2022 and r["sector"] == "Công nghiệp"
    ]
    yearly = [r["value_added_current"] for r in ind22 if r["quarter"] is None]
    quarters = sum(r["value_added_current"] for r in ind22 if r["quarter"] is not None)
    assert len(yearly) == 1 and len(ind22) == 5 and yearly[0] > quarters
    assert {r["quarter"] for r in small.economic_accounts if r["year"] == 2021} == {None}
    # plan tasks: 2–4 reports per task, every status, done late, overdue, due 2023
    bad_tasks = Counter(b.file for b in small.bad_rows if b.source == "plan_tasks")
    per_task = Counter(r["task_code"] for r in small.plan_tasks)
    assert 15 <= len(per_task) <= 25
    assert all(1 <= n <= 6 for n in per_task.values()) and sum(bad_tasks.values()) == 3
    latest = {}
    for r in sorted(small.plan_tasks, key=lambda r: r["report_date"]):
        latest[r["task_code"]] = r
    assert {r["status"] for r in small.plan_tasks} == {
        "Chưa triển khai",
        "Đang thực hiện",
        "Hoàn thành",
        "Tạm dừng",
    }
    assert all(
        r["percent_done"] == 100 and r["done_date"] <= r["report_date"]
        for r in small.plan_tasks
        if r["status"] == "Hoàn thành"
    )
    late = [r for r in latest.values() if r["done_date"] and r["done_date"] > r["due_date"]]
    overdue = [
        r
        for r in latest.values()
        if r["status"] != "Hoàn thành" and r["due_date"] < r["report_date"]
    ]
    on_due = [r for r in latest.values() if r["done_date"] == r["due_date"]]
    assert late and overdue and on_due
    assert any(r["due_date"].year == 2023 for r in latest.values())
    kpis = expected_kpis(small)
    assert all(
        kpis[c] is not None
        for c in (
            "IND_SHARE_ECONOMY",
            "IND_BUDGET_CONTRIB",
            "IND_BUDGET_SHARE",
            "OCOP_3_4_STAR",
            "TASKS_ON_TIME",
        )
    )


def test_oracle_new_kpis_on_hand_made_records(tmp_path: Path) -> None:
    """The five issue-3 KPIs on a few records worked out by hand."""
    d = date
    truth = Truth(seed=0, scale=1, out_dir=tmp_path)
    truth.files = [
        FileInfo("plan_tasks/a.csv", "plan_tasks", "csv", datetime(2022, 7, 1), 0, ""),
        FileInfo("plan_tasks/b.csv", "plan_tasks", "csv", datetime(2022, 7, 2), 0, ""),
    ]
    econ = [
        (2022, None, "Công nghiệp", 100.0),
        (2022, 1, "Công nghiệp", 30.0),
        (2022, 2, "Công nghiệp", 30.0),
        (2022, 1, "Dịch vụ", 400.0),
        (2022, 3, "Dịch vụ", 300.0),
        (2022, None, "Thuế sản phẩm", 200.0),
        (2021, None, "Công nghiệp", 1e6),
    ]
    truth.economic_accounts = [
        dict(zip(("year", "quarter", "sector", "value_added_current"), r, strict=True))
        for r in econ
    ]
    truth.budget_revenue = [
        {"period": d(2022, m, 1), "item": item, "amount": amount}
        for m, item, amount in (
            (1, "Thu ngoài quốc doanh", 10_000.0),
            (1, "Trong đó: Công nghiệp", 6_000.0),
            (2, "Thu ngoài quốc doanh", 10_000.0),
            (12, "Trong đó: Công nghiệp", 5_000.0),
        )
    ]
    truth.ocop_ratings = [
        {"product_code": c, "stars": s, "recognised_on": d(y, 6, 1)}
        for c, s, y in (
            ("A", 3, 2022),
            ("A", 4, 2022),
            ("B", 4, 2022),
            ("C", 5, 2022),
            ("D", 2, 2022),
            ("E", 3, 2021),
        )
    ]

    def task(code, file, row, reported, status, done, due=None):
        return {
            "task_code": code,
            "file": f"plan_tasks/{file}.csv",
            "row_number": row,
            "report_date": reported,
            "status": status,
            "done_date": done,
            "due_date": due or d(2022, 9, 30),
        }

    truth.plan_tasks = [
        task("T1", "a", 2, d(2022, 10, 5), "Hoàn thành", d(2022, 9, 30)),  # on time
        task("T2", "a", 3, d(2022, 10, 5), "Hoàn thành", d(2022, 10, 1)),  # late
        task("T3", "b", 2, d(2022, 7, 1), "Hoàn thành", d(2022, 6, 30)),
        task("T3", "a", 4, d(2022, 10, 5), "Đang thực hiện", None),  # reopened
        task("T4", "a", 5, d(2022, 10, 5), "Đang thực hiện", None),
        task("T4", "b", 3, d(2022, 10, 5), "Hoàn thành", d(2022, 9, 1)),  # later file
        task("T5", "a", 6, d(2022, 10, 5), "Đang thực hiện", None, d(2023, 3, 31)),
    ]
    kpis = expected_kpis(truth)
    assert kpis["IND_SHARE_ECONOMY"] == pytest.approx(100 * 100 / (100 + 700 + 200))
    assert kpis["IND_BUDGET_CONTRIB"] == pytest.approx(11.0)
    assert kpis["IND_BUDGET_SHARE"] == pytest.approx(55.0)
    assert kpis["OCOP_3_4_STAR"] == 2.0
    assert kpis["TASKS_ON_TIME"] == pytest.approx(50.0)
    assert expected_kpis(truth, 2020)["IND_SHARE_ECONOMY"] is None
    assert expected_kpis(truth, 2021)["OCOP_3_4_STAR"] == 1.0
    assert expected_kpis(truth, 2023)["TASKS_ON_TIME"] == 100 * 0 / 1


def _texts(path: Path, fmt: str) -> str:
    if fmt == "xlsx":
        with zipfile.ZipFile(path) as z:
            return " ".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    return path.read_bytes().decode("utf-8", errors="ignore")


def test_no_pii_outside_labour(small: Truth) -> None:
    """Citizen IDs and names appear only in the labour files (never in business names)."""
    ids = {v for v in small.pii_values if v.isdigit()}
    names = small.pii_values - ids
    assert ids and names
    for f in small.files:
        if f.source == "labour" or f.format == "html":
            continue
        text = unicodedata.normalize("NFC", _texts(small.out_dir / f.path, f.format))
        assert not ids & set(re.findall(r"\d+", text)), f.path
        words = re.findall(r"\w+", text)
        grams = {" ".join(words[i : i + n]) for n in (3, 4, 5) for i in range(len(words))}
        assert not names & grams, f.path


def test_oracle_scale1(scale1: Truth) -> None:
    kpis = expected_kpis(scale1)
    # 2023 data changes nothing of 2022, except that tasks are known done from the reports
    # of January 2023 (not counted as of 31/12/2022)
    at_year_end = expected_kpis(scale1, 2022, date(2022, 12, 31))
    assert {k: v for k, v in kpis.items() if k != "TASKS_ON_TIME"} == {
        k: v for k, v in at_year_end.items() if k != "TASKS_ON_TIME"
    }
    assert at_year_end["TASKS_ON_TIME"] < kpis["TASKS_ON_TIME"]
    targets = {t["kpi_code"]: t for t in scale1.targets if t["plan_id"] == "VL-2022"}
    assert len(targets) == 19
    statuses = {}
    for code, value in kpis.items():
        t = targets[code]
        statuses[code] = expected_status(value, t["comparator"], t["target_low"], t["target_high"])
        print(f"{code:22s} {value:12.4f} {statuses[code]}")
        if code in SCALE1_RANGES:
            lo, hi = SCALE1_RANGES[code]
            assert lo <= value <= hi, (code, value)
    assert {"met", "not_met"} <= set(statuses.values())


def test_expected_status() -> None:
    assert expected_status(None, "gt", 1) == "no_data"
    assert expected_status(45.000001, "gt", 45) == "not_met"
    assert expected_status(45.006, "gt", 45) == "met"
    assert expected_status(0.0, "gte", 0.25) == "not_met"
    assert expected_status(9.1, "between", 7, 8) == "met"
    assert expected_status(6.999, "between", 7, 8) == "met"
    assert expected_status(6.99, "between", 7, 8) == "not_met"


def test_partial_2023(small: Truth) -> None:
    """January–June 2023 in every source, and the VL-2023 sample targets."""
    months = {r["period"] for r in small.enterprise_reports if r["period"].year == 2023}
    assert months == {date(2023, m, 1) for m in range(1, 7)}
    assert {r["period"] for r in small.budget_revenue if r["period"].year == 2023} == months
    assert {r["quarter"] for r in small.economic_accounts if r["year"] == 2023} == {1, 2}
    assert max(s["start_date"] for s in small.labour_spells) <= date(2023, 6, 30)
    assert any(s["end_date"] and s["end_date"].year == 2023 for s in small.labour_spells)
    assert any(f.path.startswith("labour/2023/") for f in small.files)
    kc23 = [k for k in small.khuyen_cong if k["decision_date"].year == 2023]
    assert kc23 and all(
        k["disbursement_date"] is None or k["disbursement_date"] <= date(2023, 6, 30)
        for k in small.khuyen_cong
    )
    assert any(o["recognised_on"].year == 2023 for o in small.ocop_ratings)
    assert max(o["recognised_on"] for o in small.ocop_ratings) <= date(2023, 6, 30)
    assert any(
        t["report_date"].year == 2023 and t["report_date"] > date(2023, 6, 30)
        for t in small.plan_tasks
    )  # the July round, after the as-of date
    units = {u["tax_code"]: u for u in small.units}
    assert any(
        u["first_period"]
        and u["first_period"].year == 2023
        and u["supporting_industry"]
        and u["zone_code"] == "KCN_TBHX"
        for u in units.values()
    )
    plans = Counter(t["plan_id"] for t in small.targets)
    assert plans == {"VL-2022": 19, "VL-2023": 19}
    assert {t["note"] for t in small.targets if t["plan_id"] == "VL-2022"} == {None}
    assert all("sample targets" in t["note"] for t in small.targets if t["plan_id"] == "VL-2023")
    assert {t["kpi_code"] for t in small.targets if t["plan_id"] == "VL-2023"} == set(ORACLE_KPIS)


def test_planted_findings_are_the_only_findings(small: Truth, scale1: Truth) -> None:
    """Labour headcounts follow the reported employees and the enterprises' taxes follow the
    tax office's figures, except what was planted (tolerances 10 % or 5 persons, ±15 %)."""
    for truth in (small, scale1):
        planted = {(f["check_name"], f["period"], f["entity"]) for f in truth.planted_findings}
        assert expected_findings(truth) == planted
        checks = Counter(c for c, _, _ in planted)
        assert 3 <= checks["employees_vs_labour_headcount"] <= 5
        assert checks["taxes_vs_tax_office"] == 1
        assert checks["khuyen_cong_beneficiary_not_in_register"] >= 2
        assert checks["ocop_producer_not_in_register"] >= 1
        assert all(e is None for c, _, e in planted if c == "taxes_vs_tax_office")
        # the planted employees are twice the headcount; tighter tolerances still hold
        loose = expected_findings(truth, employees_tolerance=(40, 5), taxes_tolerance=50)
        assert loose == planted
    assert len(scale1.planted_findings) >= 7


def test_oracle_2023_as_of(scale1: Truth) -> None:
    """VL-2023 as of 30/06/2023: year-to-date flows, latest stocks, projections."""
    as_of = date(2023, 6, 30)
    ytd = expected_kpis(scale1, 2023, as_of)
    assert ytd == expected_kpis(scale1, 2023)  # the default as-of date
    assert all(ytd[k] is not None for k in ORACLE_KPIS)
    full22 = expected_kpis(scale1, 2022)
    for k in ("IND_GO_CONST2010", "IND_GO_CURRENT", "CAPITAL_OWN", "IND_BUDGET_CONTRIB"):
        assert 0.3 * full22[k] < ytd[k] < 0.75 * full22[k], k
    assert 3 <= ytd["IND_GO_GROWTH"] <= 15
    assert ytd["TASKS_ON_TIME"] == 0.0  # KH24-03 is reported done in July
    assert expected_kpis(scale1, 2023, date(2023, 7, 31))["TASKS_ON_TIME"] > 0
    projection = expected_projection(scale1, 2023, as_of)
    assert set(projection) == set(FLOW_KPIS)
    for k in ("IND_GO_CONST2010", "IND_GO_CURRENT", "CAPITAL_OWN", "IND_BUDGET_CONTRIB"):
        assert 0.9 * full22[k] < projection[k] < 1.4 * full22[k], k
    # a complete year projects to itself
    assert expected_projection(scale1, 2022) == {k: pytest.approx(full22[k]) for k in FLOW_KPIS}


def test_oracle_as_of_on_hand_made_records(tmp_path: Path) -> None:
    """As-of filtering and the seasonal projection, worked out by hand."""
    d = date
    truth = Truth(seed=0, scale=1, out_dir=tmp_path)

    def report(tax, period, const, capital=0.0, adv=False):
        return {
            "tax_code": tax,
            "vsic_code": "1610",
            "period": period,
            "zone_code": None,
            "gross_output_const2010": const,
            "gross_output_current": 2 * const,
            "own_capital_invested": capital,
            "advanced_machinery": adv,
            "supporting_industry": False,
            "employees": 10,
            "taxes_paid": 1.0,
        }

    truth.enterprise_reports = [
        report("A", d(2022, 1, 1), 100.0, 10.0),
        report("A", d(2022, 2, 1), 100.0),
        report("A", d(2022, 3, 1), 200.0, 30.0),
        report("A", d(2022, 12, 1), 600.0),
        report("A", d(2023, 1, 1), 150.0, 20.0, adv=True),
        report("A", d(2023, 2, 1), 90.0),
        report("B", d(2023, 2, 1), 60.0),
        report("A", d(2023, 3, 1), 500.0),
    ]
    truth.budget_revenue = [
        {"period": d(y, m, 1), "item": item, "amount": amount}
        for y, m, item, amount in (
            (2022, 1, "Trong đó: Công nghiệp", 1000.0),
            (2022, 5, "Trong đó: Công nghiệp", 3000.0),
            (2023, 1, "Trong đó: Công nghiệp", 2000.0),
            (2023, 1, "Thu ngoài quốc doanh", 4000.0),
            (2023, 3, "Trong đó: Công nghiệp", 9.0),
        )
    ]
    truth.khuyen_cong = [
        {
            "decision_date": d(2022, 3, 1),
            "disbursement_date": d(2022, 12, 20),
            "disbursed_amount": 4e8,
            "fund_source": "Tỉnh",
            "beneficiary_tax_code": "A",
        },
        {
            "decision_date": d(2022, 12, 1),
            "disbursement_date": d(2023, 2, 1),
            "disbursed_amount": 1e8,
            "fund_source": "Huyện",
            "beneficiary_tax_code": "B",
        },
    ]
    truth.labour_spells = [
        {
            "employer_tax_code": "A",
            "start_date": d(2020, 5, 1),
            "end_date": None,
            "training_level": "Sơ cấp",
            "monthly_wage": 6e6,
        },
        {
            "employer_tax_code": "A",
            "start_date": d(2023, 2, 10),
            "end_date": d(2023, 3, 20),
            "training_level": "Chưa qua đào tạo",
            "monthly_wage": 4e6,
        },
    ]
    as_of = d(2023, 2, 28)
    k = expected_kpis(truth, 2023, as_of)
    assert k["IND_GO_CONST2010"] == pytest.approx(0.3)  # 150 + 90 + 60, not March
    assert k["IND_GO_GROWTH"] == pytest.approx((300 / 200 - 1) * 100)  # vs Jan–Feb 2022
    assert k["CAPITAL_OWN"] == pytest.approx(0.02)
    assert k["TECH_ADVANCED_SHARE"] == pytest.approx(0.0)  # latest by Feb: none
    assert k["IND_BUDGET_CONTRIB"] == pytest.approx(2.0)
    assert k["IND_BUDGET_SHARE"] == pytest.approx(50.0)
    assert k["KC_FUNDS_TOTAL"] == pytest.approx(0.1) and k["KC_FUNDS_PROVINCIAL"] == 0.0
    assert k["LAB_NEW_JOBS"] == 1.0 and k["LAB_TRAINED_RATIO"] == pytest.approx(50.0)
    assert k["LAB_AVG_INCOME"] == pytest.approx((6e6 + 6e6 + 4e6) / 3 * 12 / 1e6)
    p = expected_projection(truth, 2023, as_of)
    # YTD × full 2022 ÷ Jan–Feb 2022
    # Jan–Feb 2022 hold 0.2 of 2022's 1.0: under the minimum base (MIN_BASE_SHARE, 25 %),
    # no projection; CAPITAL_OWN's 0.01 of 0.04 (25 %) and the budget's 1 of 4 are enough.
    assert p["IND_GO_CONST2010"] is None
    assert p["CAPITAL_OWN"] == pytest.approx(0.02 * 0.04 / 0.01)
    assert p["IND_BUDGET_CONTRIB"] == pytest.approx(2.0 * 4.0 / 1.0)
    assert p["KC_FUNDS_TOTAL"] is None  # nothing disbursed in Jan–Feb 2022
    k3 = expected_kpis(truth, 2023, d(2023, 3, 31))
    assert k3["TECH_ADVANCED_SHARE"] == pytest.approx(0.0)  # A's March report
    assert k3["LAB_NEW_JOBS"] == 0.0
    assert expected_kpis(truth, 2023, d(2022, 12, 31)) == dict.fromkeys(ORACLE_KPIS)
    # tasks: reports dated up to as_of, every task due in the year (default reading), or only
    # the tasks due by as_of with reports up to 12 days later (the SQL's reading)
    truth.files = [
        FileInfo("plan_tasks/a.csv", "plan_tasks", "csv", datetime(2023, 1, 6), 0, ""),
        FileInfo("plan_tasks/b.csv", "plan_tasks", "csv", datetime(2023, 4, 6), 0, ""),
    ]
    truth.plan_tasks = [
        {
            "task_code": c,
            "file": f"plan_tasks/{f}.csv",
            "row_number": 2,
            "report_date": r,
            "status": st,
            "done_date": done,
            "due_date": due,
        }
        for c, f, r, st, done, due in (
            ("T1", "a", d(2023, 1, 5), "Đang thực hiện", None, d(2023, 3, 31)),
            ("T1", "b", d(2023, 4, 5), "Hoàn thành", d(2023, 3, 20), d(2023, 3, 31)),
            ("T2", "a", d(2023, 1, 5), "Đang thực hiện", None, d(2023, 9, 30)),
        )
    ]
    march = d(2023, 3, 31)
    # Default reading: tasks due by the as-of date (T2, due in September, is not yet judged).
    assert expected_kpis(truth, 2023, march)["TASKS_ON_TIME"] == 0.0
    assert expected_kpis(truth, 2023, d(2023, 4, 30))["TASKS_ON_TIME"] == 100.0
    # The other reading: every task due in the year.
    assert (
        expected_kpis(truth, 2023, d(2023, 4, 30), tasks_due_by_as_of=False)["TASKS_ON_TIME"]
        == 50.0
    )
    assert (
        expected_kpis(truth, 2023, march, tasks_due_by_as_of=True, task_grace_days=12)[
            "TASKS_ON_TIME"
        ]
        == 100.0
    )
