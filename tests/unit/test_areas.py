"""Areas as data: which files are whose, the ledger per area, the list's own rules, the
summary's line per area. Real files, a real DuckDB ledger (tests/support/helpers.ingest)."""

from __future__ import annotations

import datetime as dt
import shutil

from flows import areas
from flows.run_record import RunResult
from flows.summary import render_markdown, render_text
from schemas.reference import SOURCE_FOLDERS
from schemas.registry import SOURCES
from tests.support.helpers import ENTERPRISE_HEADERS, enterprise_row, ingest, write_csv

AREAS_HEADER = "area_code,area_name,province_code,province_name,folder\n"
TWO_AREAS = (
    AREAS_HEADER + "464,Vĩnh Linh,45,Quảng Trị,vinh_linh\n466,Gio Linh,45,Quảng Trị,gio_linh\n"
)


def _province(raw, areas_csv: str = TWO_AREAS):
    """raw/ with the list of areas, and each area's folder a copy of the test reference lists
    and one enterprise report (the same bytes in both areas)."""
    (raw / "reference" / "areas.csv").write_text(areas_csv, encoding="utf-8")
    write_csv(raw / "enterprise_reports" / "bc.csv", ENTERPRISE_HEADERS, [enterprise_row(1)])
    for folder in ("vinh_linh", "gio_linh"):
        shutil.copytree(raw / "reference", raw / folder / "reference")
        (raw / folder / "reference" / "areas.csv").unlink()
        shutil.copytree(raw / "enterprise_reports", raw / folder / "enterprise_reports")
    shutil.rmtree(raw / "enterprise_reports")
    (raw / "reference" / "communes.csv").unlink()  # the province's raw/: its own files only


def test_source_folders_are_the_declared_ones():
    assert set(SOURCE_FOLDERS) == {s.folder for s in SOURCES}


def test_without_a_list_raw_is_vinh_linh(raw, tmp_path):
    ingested = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    assert areas.declared(ingested.con) == [areas.DEFAULT_AREA]
    codes = ingested.con.execute("select distinct _area_code from raw.communes").fetchall()
    assert codes == [("464",)]


def test_raw_itself_is_an_area_when_its_folder_is_empty():
    one = [areas.Area("464", "Vĩnh Linh", "45", "Quảng Trị", "")]
    assert areas.scopes(one) == one
    assert areas.root(one).code == "464"
    two = [
        areas.Area("464", "Vĩnh Linh", "45", "Quảng Trị", "vinh_linh"),
        areas.Area("466", "Gio Linh", "45", "Quảng Trị", "gio_linh"),
    ]
    root = areas.root(two)
    assert (root.code, root.level, root.folder) == ("45", areas.PROVINCE, "")
    folders = [s.folder for s in areas.bound(SOURCES[1], two)]
    assert folders == ["reference", "vinh_linh/reference", "gio_linh/reference"]


def test_each_area_loads_its_own_copy_of_the_same_bytes(raw, tmp_path):
    """The same file in two areas is two areas' file (the ledger is unique per area), and
    every row carries the area of the folder it came from."""
    _province(raw)
    ingested = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    con = ingested.con
    assert [a.code for a in areas.declared(con)] == ["464", "466"]
    loaded = {
        (o.file_name, o.status) for o in ingested.outcomes if o.source == "enterprise_reports"
    }
    assert loaded == {
        ("vinh_linh/enterprise_reports/bc.csv", "loaded"),
        ("gio_linh/enterprise_reports/bc.csv", "loaded"),
    }
    by_area = con.execute(
        "select _area_code, count(*) from raw.enterprise_reports group by all order by all"
    ).fetchall()
    assert by_area == [("464", 1), ("466", 1)]
    communes = con.execute(
        "select _area_code, count(*) > 0 from raw.communes group by all order by all"
    ).fetchall()
    assert communes == [("464", True), ("466", True)]
    ledger_areas = {
        r[0] for r in con.execute("select distinct area_code from ops.files").fetchall()
    }
    assert {"464", "466"} <= ledger_areas


def test_a_second_night_skips_each_areas_files_once(raw, tmp_path):
    _province(raw)
    ingest(raw, tmp_path / "wh", ["enterprise_reports"]).con.close()
    again = ingest(raw, tmp_path / "wh", ["enterprise_reports"], run_id="night-2")
    assert {o.status for o in again.outcomes} == {"skipped"}
    rows = again.con.execute("select count(*) from raw.enterprise_reports").fetchone()
    assert rows == (2,)


def test_a_folder_that_is_not_one_plain_name_is_rejected(raw, tmp_path):
    bad = (
        AREAS_HEADER
        + "464,Vĩnh Linh,45,Quảng Trị,vinh_linh\n"
        + "466,Gio Linh,45,Quảng Trị,../gio_linh\n"
        + "468,Cam Lộ,45,Quảng Trị,reference\n"
    )
    _province(raw, bad)
    ingested = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    assert {(row, column, rule) for row, column, rule in ingested.rules()} >= {
        (3, "folder", "area_folder"),
        (4, "folder", "area_folder"),
    }
    assert [a.code for a in areas.declared(ingested.con)] == ["464"]
    assert any(
        "Thư mục" in r["message_vi"] and "not valid" in r["message_en"]
        for r in ingested.rejections()
    )


def test_an_area_without_its_folder_is_behind_and_said_so(tmp_path):
    declared = [
        areas.Area("464", "Vĩnh Linh", "45", "Quảng Trị", "vinh_linh"),
        areas.Area("466", "Gio Linh", "45", "Quảng Trị", "gio_linh"),
    ]
    (tmp_path / "vinh_linh" / "budget").mkdir(parents=True)
    (tmp_path / "vinh_linh" / "budget" / "a.csv").write_text("x", encoding="utf-8")
    missing = areas.missing_folders(tmp_path, declared)
    assert [a.code for a in missing] == ["466"]
    result = RunResult(run_id="r", plan_id="QT-2022", status="completed")
    result.areas = [
        {
            "area_code": code,
            "area_name": name,
            "plan_id": plan,
            "good": 10,
            "bad": 9,
            "no_data": 0,
            "files_loaded": loaded,
            "files_rejected": 0,
            "last_period": last,
        }
        for code, name, plan, loaded, last in (
            ("464", "Vĩnh Linh", "VL-2022", 3, dt.date(2022, 12, 1)),
            ("466", "Gio Linh", "GL-2022", 0, dt.date(2022, 10, 1)),
        )
    ]
    result.areas_behind = [{"area_code": "466", "area_name": "Gio Linh", "folder": "gio_linh"}]
    lines = render_text(result).splitlines()
    vinh_linh = next(line for line in lines if line.strip().startswith("464 Vĩnh Linh"))
    gio_linh = next(line for line in lines if line.strip().startswith("466 Gio Linh"))
    assert "BEHIND" not in vinh_linh
    assert "folder missing" in gio_linh and "reports stop before the others'" in gio_linh
    markdown = render_markdown(result)
    assert "## Areas / Địa bàn" in markdown and "466 Gio Linh" in markdown
