"""The generator's province mode (python -m synth --areas N) and the province KPI oracle."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from synth import Province, generate, generate_province
from synth.__main__ import main
from synth.core import NEW_FOLDERS, SOURCES
from tests.support.kpi_oracle import (
    FLOW_KPIS,
    ORACLE_KPIS,
    expected_kpis,
    expected_province_kpis,
    kpi_components,
    merge_components,
    province_default_as_of,
    shared_units,
)

ROOT = Path(__file__).resolve().parents[2]
SEED, SCALE = 7, 0.3
AREAS_HEADER = "area_code,area_name,province_code,province_name,folder"
SUMMED_COUNTS = ("LAB_NEW_JOBS",)  # Σ of the areas' (a difference of summed headcounts)
DISTINCT_COUNTS = ("SUPPORT_IND_ATTRACTED", "KC_SUPPORTED_UNITS", "OCOP_3_4_STAR")
RATIOS = (
    "LAB_TRAINED_RATIO",
    "TECH_ADVANCED_SHARE",
    "IND_BUDGET_SHARE",
    "IND_SHARE_ECONOMY",
    "LAB_AVG_INCOME",
    "TASKS_ON_TIME",
    "IND_GO_GROWTH",
)


def _tree(root: Path) -> dict[str, tuple[bytes, float]]:
    """Relative path → (bytes, mtime) of every file under root."""
    out = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            out[path.relative_to(root).as_posix()] = (path.read_bytes(), path.stat().st_mtime)
    return out


def _areas_csv(root: Path) -> list[dict]:
    text = (root / "reference" / "areas.csv").read_bytes().decode("utf-8")
    assert text.splitlines()[0] == AREAS_HEADER
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Province:
    return generate_province(tmp_path_factory.mktemp("prov") / "raw", SEED, SCALE, areas=3)


def test_one_area_is_todays_output_plus_areas_csv(tmp_path: Path) -> None:
    assert main(["--out", str(tmp_path / "cli"), "--seed", "7", "--scale", "0.3"]) == 0
    truth = generate(tmp_path / "plain", seed=SEED, scale=SCALE)
    cli, plain = _tree(tmp_path / "cli"), _tree(tmp_path / "plain")
    assert set(cli) - set(plain) == {"reference/areas.csv"}
    assert set(plain) == {f.path for f in truth.files}
    for path, content in plain.items():
        assert cli[path] == content, path
    expected = f"{AREAS_HEADER}\r\n464,Vĩnh Linh,45,Quảng Trị,\r\n".encode()
    assert cli["reference/areas.csv"][0] == expected
    committed = ROOT / "raw" / "reference" / "areas.csv"
    if committed.exists():
        assert committed.read_bytes() == expected


def test_three_areas_reproducible(province: Province, tmp_path: Path) -> None:
    again = generate_province(tmp_path / "raw", SEED, SCALE, areas=3)
    assert _tree(again.out_dir) == _tree(province.out_dir)
    assert again.shared_units == province.shared_units


def test_three_areas_layout(province: Province) -> None:
    root = province.out_dir
    rows = _areas_csv(root)
    assert [(r["area_code"], r["folder"]) for r in rows] == [
        ("464", "464_vinh_linh"),
        ("466", "466_gio_linh"),
        ("468", "468_cam_lo"),
    ]
    assert {(r["province_code"], r["province_name"]) for r in rows} == {("45", "Quảng Trị")}
    assert list(province.areas) == ["464", "466", "468"]
    on_disk = set(_tree(root))
    province_files = {f.path for f in province.files}
    assert province_files == {"reference/areas.csv", "reference/plan_targets.csv"}
    in_truths = set()
    for code, area in province.areas.items():
        truth = area.truth
        assert truth.out_dir == root and truth.folder == area.folder and truth.area_code == code
        for sub in SOURCES + NEW_FOLDERS:
            assert any((root / area.folder / sub).rglob("*.*")), (area.folder, sub)
        paths = [f.path for f in truth.files]
        assert all(p.startswith(f"{area.folder}/") for p in paths)
        assert all(b.file.startswith(f"{area.folder}/") for b in truth.bad_rows)
        assert all(r["file"].startswith(f"{area.folder}/") for r in truth.enterprise_reports)
        assert all(p.startswith(f"{area.folder}/") for p in truth.unreadable_files)
        in_truths |= set(paths)
        plans = {r["plan_id"] for r in truth.targets}
        assert plans == {area.plan_id, area.plan_id.replace("2022", "2023")}
        text = (root / area.folder / "reference" / "plan_targets.csv").read_text("utf-8")
        assert f"\n{area.plan_id}," in text
        prefix = area.plan_id.split("-")[0]
        assert {r["product_code"].split("-")[0] for r in truth.ocop_ratings} == {prefix}
    assert [a.plan_id for a in province.areas.values()] == ["VL-2022", "GL-2022", "CL-2022"]
    assert on_disk == in_truths | province_files


def test_first_area_is_a_single_area_run(province: Province, tmp_path: Path) -> None:
    generate(tmp_path / "single", seed=SEED, scale=SCALE)
    single = _tree(tmp_path / "single")
    folder = province.out_dir / "464_vinh_linh"
    assert _tree(folder) == single


def test_province_plan(province: Province) -> None:
    targets = {(r["plan_id"], r["kpi_code"]): r for r in province.targets}
    area = {(r["plan_id"], r["kpi_code"]): r for r in province.areas["464"].truth.targets}
    assert {p for p, _ in targets} == {"QT-2022", "QT-2023"}
    for year in (2022, 2023):
        for code in ORACLE_KPIS:
            qt, vl = targets[f"QT-{year}", code], area[f"VL-{year}", code]
            factor = 3 if code in FLOW_KPIS + SUMMED_COUNTS + DISTINCT_COUNTS else 1
            assert qt["target_low"] == pytest.approx(factor * vl["target_low"])
            assert qt["comparator"] == vl["comparator"]
    text = (province.out_dir / "reference" / "plan_targets.csv").read_text("utf-8")
    assert text.startswith("plan_id,year,kpi_code,") and text.count("\nQT-2022,") == 19


def test_shared_units(province: Province) -> None:
    shared = province.shared_units
    received = [s["areas"][1] for s in shared]
    assert sorted(set(received)) == ["466", "468"]
    assert all(2 <= received.count(code) <= 3 for code in ("466", "468"))
    assert shared_units(province) == {s["tax_code"] for s in shared}
    assert {s["kind"] for s in shared} == {"khuyen_cong", "monthly"}
    truths = province.truths
    for s in shared:
        for code in s["areas"]:
            truth = truths[code]
            assert s in truth.shared_units
            reports = [r for r in truth.enterprise_reports if r["tax_code"] == s["tax_code"]]
            assert {r["unit_name"] for r in reports} == {s["name"]}
            months = {r["period"] for r in reports if r["period"].year in (2021, 2022)}
            # an industrial unit reporting every month (a bad row may leave one out)
            assert len(months) >= 22, (code, s)
            if s["kind"] == "khuyen_cong":
                paid = [
                    k
                    for k in truth.khuyen_cong
                    if k["beneficiary_tax_code"] == s["tax_code"]
                    and k["disbursement_date"].year == 2022
                ]
                assert paid, (code, s)


def test_province_oracle(province: Province) -> None:
    values = expected_province_kpis(province, 2022)
    areas = [values[code] for code in province.areas]
    whole = values[province.code]
    assert set(values) == {"464", "466", "468", "45"}
    as_of = province_default_as_of(province)
    for code, truth in province.truths.items():
        assert values[code] == expected_kpis(truth, 2022, as_of)
    for code in FLOW_KPIS + SUMMED_COUNTS:
        assert whole[code] == pytest.approx(sum(a[code] for a in areas)), code
    for code in DISTINCT_COUNTS:
        assert whole[code] <= sum(a[code] for a in areas), code
    for code in RATIOS:  # recomputed from summed parts: within the areas' range
        assert min(a[code] for a in areas) <= whole[code] <= max(a[code] for a in areas), code
    # the seeded case: two khuyến công beneficiaries paid in 2022 in two areas each
    kc = [s for s in province.shared_units if s["kind"] == "khuyen_cong"]
    assert len(kc) == 2
    total = sum(a["KC_SUPPORTED_UNITS"] for a in areas)
    assert whole["KC_SUPPORTED_UNITS"] == total - len(kc) < total
    # a unit of two areas counts once in TECH_ADVANCED_SHARE's denominator
    parts = [kpi_components(t, 2022, as_of) for t in province.truths.values()]
    merged = merge_components(parts)
    units = sum(len(p.enterprise.advanced) for p in parts)
    assert len(merged.enterprise.advanced) == units - len(province.shared_units)
