"""A province of three areas (generated with units registered in two areas), run for real.

Every area's and the province's 19 KPIs must equal the oracle's (tests/support/kpi_oracle.py,
computed from the generator's records with the roll-up rules of docs/kpis.md), for the complete
year 2022 and as of June 2022. The run summary shows the province's plan with a column per
area and a line per area.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import shutil

import pytest

from tests.support.kpi_oracle import ORACLE_KPIS, expected_province_kpis, shared_units
from tests.support.published import query
from tests.support.sample import E2E_SCALE, E2E_SEED, PII_KEY

pytestmark = pytest.mark.xdist_group("province")  # one worker builds the province, once

JUNE = dt.date(2022, 6, 30)


@pytest.fixture(scope="module")
def province(prefect_harness, tmp_path_factory):
    """Two nights over the generated province: the first as of its latest month (2022 is a
    complete year), the second, on a copy, as of June 2022 (nothing new: dbt, audit, publish)."""
    from flows.nightly import nightly
    from synth import generate_province

    raw = tmp_path_factory.mktemp("province") / "raw"
    generated = generate_province(raw, seed=E2E_SEED, scale=E2E_SCALE, areas=3)
    warehouse = tmp_path_factory.mktemp("province-warehouse")
    os.environ["VLPIPE_PII_KEY"] = PII_KEY
    # The report's PDF is tested elsewhere (test_report.py): not printed here, to save time.
    env = pytest.MonkeyPatch()
    env.setenv("VLPIPE_CHROMIUM", str(raw / "no-chromium-here"))
    year = nightly(raw_dir=str(raw), warehouse_dir=str(warehouse), plan_id=generated.plan_id)
    june_warehouse = tmp_path_factory.mktemp("province-june") / "warehouse"
    shutil.copytree(warehouse, june_warehouse, symlinks=True)
    june = nightly(
        raw_dir=str(raw),
        warehouse_dir=str(june_warehouse),
        plan_id=generated.plan_id,
        as_of=JUNE.strftime("%Y-%m"),
    )
    held_raw, held_warehouse, held = _a_night_with_one_bad_area(
        raw, warehouse, tmp_path_factory, generated.plan_id
    )
    env.undo()
    return {
        "generated": generated,
        "raw": raw,
        "year": year,
        "june": june,
        "warehouse": warehouse,
        "june_warehouse": june_warehouse,
        "held": held,
        "held_raw": held_raw,
        "held_warehouse": held_warehouse,
    }


BAD_AREA, GOOD_AREA = "464", "466"


def _a_night_with_one_bad_area(raw, warehouse, tmp_path_factory, plan_id):
    """A third night, on a copy: area 464 sends a budget file whose industry revenue for May
    2023 (2,000,000 million VND: plausible on its own row, 500× its usual figure) makes the
    2023 plans' budget share above 1,000 % — the audit refuses it; area 466 sends a new file
    (a resubmission of a month, same figures). 464 is held back, 466 is published."""
    from flows.nightly import nightly

    base = tmp_path_factory.mktemp("province-held")
    held_raw, held_warehouse = base / "raw", base / "warehouse"
    shutil.copytree(raw, held_raw, symlinks=True)
    shutil.copytree(warehouse, held_warehouse, symlinks=True)
    with (held_raw / "reference" / "areas.csv").open(encoding="utf-8") as fh:
        folders = {r["area_code"]: r["folder"] for r in csv.DictReader(fh)}
    bad = held_raw / folders[BAD_AREA] / "budget" / "2023" / "thu_ngan_sach_2023-05_bo_sung.csv"
    bad.write_text(
        "Ky;Chi tieu;So thu (trieu dong)\n2023-05;Trong đó: Công nghiệp;2.000.000\n",
        encoding="utf-8",
    )
    months = sorted((held_raw / folders[GOOD_AREA] / "budget" / "2023").iterdir())
    resent = months[-1].with_name(months[-1].stem + "_gui_lai.csv")
    resent.write_bytes(months[-1].read_bytes() + b"\r\n")
    result = nightly(raw_dir=str(held_raw), warehouse_dir=str(held_warehouse), plan_id=plan_id)
    return held_raw, held_warehouse, result


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def _published_kpis(warehouse, month: int, year: int = 2022) -> dict[str, dict[str, float | None]]:
    rows = query(
        warehouse / "vinhlinh.duckdb",
        f"select area_code, kpi_code, actual from marts.kpi_by_area "
        f"where year = {year} and month = {month}",
    )
    found: dict[str, dict[str, float | None]] = {}
    for r in rows:
        found.setdefault(r["area_code"], {})[r["kpi_code"]] = r["actual"]
    return found


def _differences(expected, published) -> dict:
    return {
        (area, code): (published.get(area, {}).get(code, "missing"), value)
        for area, values in expected.items()
        for code, value in values.items()
        if not _close(published.get(area, {}).get(code), value)
    }


def test_the_province_has_three_areas_and_units_in_two(province):
    generated = province["generated"]
    assert len(generated.areas) == 3
    assert shared_units(generated), "the generator registers some units in two areas"
    areas = query(
        province["warehouse"] / "vinhlinh.duckdb",
        "select area_code, area_level from marts.kpi_by_area group by all order by all",
    )
    assert {(a["area_code"], a["area_level"]) for a in areas} == {
        *((code, "area") for code in generated.areas),
        (generated.code, "province"),
    }


def test_every_area_and_the_province_equal_the_oracle_for_the_complete_year(province):
    expected = expected_province_kpis(province["generated"], 2022)
    assert set(expected) == {*province["generated"].areas, province["generated"].code}
    assert all(set(values) == set(ORACLE_KPIS) for values in expected.values())
    assert not _differences(expected, _published_kpis(province["warehouse"], 12))


def test_every_area_and_the_province_equal_the_oracle_as_of_june(province):
    expected = expected_province_kpis(province["generated"], 2022, as_of=JUNE)
    assert not _differences(expected, _published_kpis(province["june_warehouse"], 6))


def test_distinct_counts_count_a_unit_in_two_areas_once(province):
    """The province's count of supported units is below the sum of its areas': the shared
    beneficiary is one unit. Flows, on the other hand, add up."""
    published = _published_kpis(province["warehouse"], 12)
    areas = province["generated"].areas
    code = province["generated"].code
    assert published[code]["KC_SUPPORTED_UNITS"] < sum(
        published[a]["KC_SUPPORTED_UNITS"] for a in areas
    )
    assert _close(
        published[code]["IND_GO_CURRENT"], sum(published[a]["IND_GO_CURRENT"] for a in areas)
    )


def test_each_plan_is_judged_on_its_own_areas_values(province):
    expected = expected_province_kpis(province["generated"], 2022)
    rows = query(
        province["warehouse"] / "vinhlinh.duckdb",
        "select plan_id, area_code, area_level, kpi_code, actual from marts.kpi_scorecard "
        "where year = 2022",
    )
    plans = {r["plan_id"]: r["area_code"] for r in rows}
    assert plans == {
        province["generated"].plan_id: province["generated"].code,
        **{area.plan_id: code for code, area in province["generated"].areas.items()},
    }
    wrong = {
        (r["plan_id"], r["kpi_code"]): (r["actual"], expected[r["area_code"]][r["kpi_code"]])
        for r in rows
        if not _close(r["actual"], expected[r["area_code"]][r["kpi_code"]])
    }
    assert not wrong


def test_the_run_summary_shows_the_province_with_a_column_and_a_line_per_area(province):
    from flows.summary import render_text

    result = province["year"]
    assert result.status == "completed", result.message
    assert {r["area_level"] for r in result.scorecard} == {"province"}
    text = render_text(result)
    header = next(line for line in text.splitlines() if line.startswith("KPI "))
    for code, area in province["generated"].areas.items():
        assert code in header
        assert any(
            line.strip().startswith(f"{code} {area.name}: {area.plan_id}")
            for line in text.splitlines()
        ), text


def test_one_areas_bad_file_holds_back_that_area_only(province):
    """The audit refuses a build with area 464's new file: 464 is held back, the build without
    it is published with 466's new file, and the summary says which area is behind and why."""
    from flows.summary import render_text

    result = province["held"]
    assert result.status == "completed", result.message
    assert [h["area_code"] for h in result.held] == [BAD_AREA]
    assert "audit failed" in result.held[0]["failure"]
    assert result.published["version"] != province["year"].published["version"]
    assert f"Area {BAD_AREA} held back" in result.message
    loaded = {o["file_name"] for o in result.outcomes if o["status"] == "loaded"}
    assert any(name.endswith("_gui_lai.csv") for name in loaded)
    assert any(name.endswith("_bo_sung.csv") for name in loaded)
    # the published figures are those without the held file: as the night before
    before = _published_kpis(province["warehouse"], 6, year=2023)
    after = _published_kpis(province["held_warehouse"], 6, year=2023)
    assert before["464"]["IND_BUDGET_SHARE"] < 100
    assert not _differences(before, after)
    line = next(
        line for line in render_text(result).splitlines() if line.strip().startswith(f"{BAD_AREA} ")
    )
    assert "held back" in line
    held = query(
        province["held_warehouse"] / "private" / "pipeline.duckdb",
        "select distinct area_code from ops.held_files",
    )
    assert held == [{"area_code": BAD_AREA}]


def test_status_narrows_to_an_area_or_shows_the_province_with_its_areas(province):
    from flows.status import render_status

    generated = province["generated"]
    text = render_status(province["warehouse"], area=generated.code)
    header = next(line for line in text.splitlines() if line.split()[:2] == ["KPI", "actual"])
    assert f"Scorecard {generated.plan_id}" in text
    assert all(code in header for code in generated.areas)
    code, area = next(iter(generated.areas.items()))
    text = render_status(province["warehouse"], area=code)
    assert f"Scorecard {area.plan_id}" in text and f"Needs follow-up ({code})" in text
