"""generate_province(): a province of N areas, each written by generate() into its folder.

Layout (DIR = out_dir):

- ``DIR/reference/areas.csv`` (UTF-8, ``area_code,area_name,province_code,province_name,
  folder``): one row per area; ``folder`` relative to DIR, '' = DIR itself.
- One area (N = 1): exactly a single-area run in DIR itself (folder ''), plus areas.csv.
- N ≥ 2: area i in ``DIR/<folder_i>/`` with every source folder of a single-area run (its
  own reference files, plan ``<prefix>-2022``/``-2023``, OCOP codes ``<prefix>-OCOP-…``);
  the province's own plan ``QT-2022``/``QT-2023`` in ``DIR/reference/plan_targets.csv``
  (PROVINCE_ADDITIVE targets: the sum of the areas'; the others: the areas' own).

Seeds: area 0 (Vĩnh Linh) uses the seed itself, so its files are a single-area run's; area
i ≥ 1 uses seed × 10,000 + its code (synth.areas.area_seed) and takes 2–3 units of the areas
before it (synth.shared, stream f"{area seed}:shared"). Every area keeps Vĩnh Linh's commune,
zone and VSIC lists (the warehouse keys communes by area). The areas' Truths name files
relative to DIR (their paths start with the area's folder) and have out_dir = DIR.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .areas import (
    AREA_TABLE,
    PROVINCE_CODE,
    PROVINCE_NAME,
    PROVINCE_PREFIX,
    AreaSpec,
    area_seed,
    area_specs,
    areas_rows,
)
from .core import NEW_FOLDERS, REFERENCE_ARRIVAL, SOURCES, generate, reference_cell
from .files import csv_bytes, set_mtime
from .reference import TARGETS_HEADER
from .shared import donor_candidates
from .truth import FileInfo, Truth

AREAS_FILE = "reference/areas.csv"
SYNTHETIC_FOLDER = re.compile(r"(\d+)_khu_vuc_\1")  # areas beyond the table (9001_khu_vuc_9001)
AREAS_ARRIVAL = datetime(2022, 1, 4, 8, 0)
PROVINCE_TARGETS_FILE = "reference/plan_targets.csv"
# targets that add up over the areas (flows and counts); the others (growth, ratios) are the
# areas' own
PROVINCE_ADDITIVE = (
    "IND_GO_CONST2010",
    "IND_GO_CURRENT",
    "CAPITAL_OWN",
    "IND_BUDGET_CONTRIB",
    "KC_FUNDS_TOTAL",
    "KC_FUNDS_NATIONAL",
    "KC_FUNDS_PROVINCIAL",
    "KC_FUNDS_DISTRICT",
    "SUPPORT_IND_ATTRACTED",
    "LAB_NEW_JOBS",
    "KC_SUPPORTED_UNITS",
    "OCOP_3_4_STAR",
)
PROVINCE_NOTE = "Chỉ tiêu mẫu của tỉnh (tổng các huyện) / sample province targets"


@dataclass
class Area:
    """One generated area and its ground truth."""

    code: str
    name: str
    folder: str  # relative to the province's directory, '' = the directory itself
    plan_id: str  # its 2022 plan (VL-2022, GL-2022, …)
    seed: int
    truth: Truth


@dataclass
class Province:
    """A generated province: its areas (keyed by area code, in generation order), its plan
    targets (QT-2022, QT-2023; none with one area) and the units registered in two areas."""

    code: str
    name: str
    out_dir: Path
    seed: int
    scale: float
    areas: dict[str, Area]
    targets: list[dict] = field(default_factory=list)
    files: list[FileInfo] = field(default_factory=list)  # the province's own files
    shared_units: list[dict] = field(default_factory=list)

    @property
    def truths(self) -> dict[str, Truth]:
        """Area code → its Truth."""
        return {code: a.truth for code, a in self.areas.items()}

    @property
    def plan_id(self) -> str | None:
        """The province's 2022 plan, None with one area (its plan is the area's)."""
        return f"{PROVINCE_PREFIX}-2022" if self.targets else None

    def summary(self) -> str:
        """The province in one line, then one line per area."""
        names = ", ".join(f"{a.code} {a.name}" for a in self.areas.values())
        head = (
            f"province {self.code} {self.name}: {len(self.areas)} area(s) ({names}), "
            f"plan {self.plan_id or '-'}, {len(self.shared_units)} unit(s) in two areas, "
            f"seed={self.seed} scale={self.scale:g} -> {self.out_dir}"
        )
        return "\n".join([head] + [a.truth.summary() for a in self.areas.values()])


def province_target_rows(area_targets: list[list[dict]]) -> list[dict]:
    """QT-<year> rows: per (year, KPI) the sum of the areas' targets (PROVINCE_ADDITIVE) or
    the first area's (the areas share their ratio targets)."""
    out = []
    for i, first in enumerate(area_targets[0]):
        rows = [targets[i] for targets in area_targets]
        row = dict(first, plan_id=f"{PROVINCE_PREFIX}-{first['year']}", note=PROVINCE_NOTE)
        if first["kpi_code"] in PROVINCE_ADDITIVE:
            for col in ("target_low", "target_high"):
                if first[col] is not None:
                    row[col] = round(sum(r[col] for r in rows), 3)
        out.append(row)
    return out


def _write_csv(out_dir: Path, rel: str, rows: list[list[str]], mtime: datetime) -> None:
    path = out_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_bytes(rows, ",", "utf-8"))
    set_mtime(path, mtime)


def _clear(out_dir: Path, specs: list[AreaSpec]) -> None:
    """Empty the top-level source folders (N ≥ 2: the province's) and area folders of the
    table that this run does not write (a previous run's)."""
    if len(specs) > 1:
        for sub in SOURCES + NEW_FOLDERS:
            shutil.rmtree(out_dir / sub, ignore_errors=True)
    mine = {s.folder for s in specs}
    stale = [s.folder for s in AREA_TABLE] + [
        p.name for p in out_dir.glob("*_khu_vuc_*") if SYNTHETIC_FOLDER.fullmatch(p.name)
    ]
    for folder in stale:
        if folder not in mine:
            shutil.rmtree(out_dir / folder, ignore_errors=True)


def generate_province(
    out_dir: Path, seed: int = 2022, scale: float = 1.0, areas: int = 1, formats: str = "mixed"
) -> Province:
    """Write a province of ``areas`` areas into out_dir (layout: module docstring) and return
    it. ``areas=1`` writes exactly generate()'s files plus reference/areas.csv."""
    out_dir = Path(out_dir)
    specs = area_specs(areas)
    out_dir.mkdir(parents=True, exist_ok=True)
    _clear(out_dir, specs)
    generated: dict[str, Area] = {}
    shared: list[dict] = []
    for i, spec in enumerate(specs):
        donors = [d for a in generated.values() for d in donor_candidates(a.truth)]
        s = area_seed(seed, i, spec)
        truth = generate(
            out_dir / spec.folder, seed=s, scale=scale, formats=formats, area=spec, donors=donors
        )
        if spec.folder:
            truth.relabel({f.path: f"{spec.folder}/{f.path}" for f in truth.files})
            truth.files.sort(key=lambda f: f.path)
            truth.out_dir = out_dir
        for entry in truth.shared_units:
            generated[entry["areas"][0]].truth.shared_units.append(entry)
        shared += truth.shared_units
        generated[spec.code] = Area(spec.code, spec.name, spec.folder, truth.plan_id, s, truth)
    province = Province(PROVINCE_CODE, PROVINCE_NAME, out_dir, seed, scale, generated)
    province.shared_units = shared
    rows = areas_rows(specs)
    _write_csv(out_dir, AREAS_FILE, rows, AREAS_ARRIVAL)
    province.files.append(
        FileInfo(AREAS_FILE, "areas", "csv", AREAS_ARRIVAL, len(rows) - 1, "UTF-8, one row an area")
    )
    if len(specs) > 1:
        province.targets = province_target_rows([a.truth.targets for a in generated.values()])
        when = REFERENCE_ARRIVAL["plan_targets"]
        table = [TARGETS_HEADER] + [
            [reference_cell(r[c]) for c in TARGETS_HEADER] for r in province.targets
        ]
        _write_csv(out_dir, PROVINCE_TARGETS_FILE, table, when)
        province.files.append(
            FileInfo(PROVINCE_TARGETS_FILE, "reference", "csv", when, len(table) - 1, "UTF-8")
        )
    return province
