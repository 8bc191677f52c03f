"""Reporting areas: which files belong to which area, and the province above them.

Areas are reference data (``raw/reference/areas.csv``: code, name, province, folder), loaded
like any reference file; the latest file of the list is the list. Each area's files sit in
its own folder under raw/ (``raw/<folder>/<source folder>/…``). Files directly under
``raw/<source folder>/`` belong to the area whose folder is empty, or, when every area has a
folder of its own, to the province itself (its plan targets, say). Without a list, raw/ is a
province of one area: Vĩnh Linh, as before areas existed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows.run_record import records
from schemas.base import Source
from schemas.reference import AREAS
from schemas.registry import SOURCES

AREA = "area"
PROVINCE = "province"


@dataclass(frozen=True)
class Area:
    """A reporting area (a former district, a commune, a province: the level says)."""

    code: str  # GSO code
    name: str
    province_code: str
    province_name: str
    folder: str = ""  # under raw/; '' = raw/ itself
    level: str = AREA

    def label(self) -> str:
        return f"{self.name} ({self.code})"


# raw/ without a list of areas: the district the pipeline was first built for
DEFAULT_AREA = Area("464", "Vĩnh Linh", "45", "Quảng Trị")


def declared(con: duckdb.DuckDBPyConnection) -> list[Area]:
    """The areas of the latest loaded list (rows rejected by its rules are not areas), or
    the default area when no list was ever loaded."""
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'raw' and table_name = 'areas'"
    ).fetchone()
    rows = []
    if exists and exists[0]:
        rows = con.execute(
            "select area_code, area_name, province_code, province_name, coalesce(folder, '') "
            "from raw.areas where _file_seq = (select max(_file_seq) from raw.areas) "
            "qualify row_number() over (partition by area_code order by _source_row desc) = 1 "
            "order by area_code"
        ).fetchall()
    areas = [Area(*row) for row in rows]
    return areas or [DEFAULT_AREA]


def scopes(areas: list[Area]) -> list[Area]:
    """Every place files are read from: each area, and raw/ itself as the province when no
    area has it (the province's own files: its plan targets). The province's code is that of
    the areas' province (the first one's when the list mixes provinces)."""
    if any(a.folder == "" for a in areas):
        return list(areas)
    first = areas[0]
    province = Area(
        first.province_code,
        first.province_name,
        first.province_code,
        first.province_name,
        "",
        PROVINCE,
    )
    return [province, *areas]


def root(areas: list[Area]) -> Area:
    """The scope of the files directly under raw/."""
    return next(a for a in scopes(areas) if a.folder == "")


def bound(source: Source, areas: list[Area]) -> Iterator[Source]:
    """The source once per place it is read from. The list of areas itself is the
    province's: it is read under raw/ only."""
    for scope in scopes(areas):
        if source.name == AREAS.name and scope.folder:
            continue
        yield source.in_area(scope.folder, scope.code)


def every_source(areas: list[Area]) -> list[Source]:
    """Every declared source, bound to every place it is read from, in load order."""
    return [bound_source for source in SOURCES for bound_source in bound(source, areas)]


def write_ops_areas(con: duckdb.DuckDBPyConnection, areas: list[Area]) -> None:
    """``ops.areas``: the areas of this run and their province(s), for the models: every
    area once at level 'area', every province once at level 'province'."""
    rows = {(a.code, AREA): a for a in areas}
    for a in areas:
        province = Area(
            a.province_code, a.province_name, a.province_code, a.province_name, "", PROVINCE
        )
        rows.setdefault((a.province_code, PROVINCE), province)
    con.execute("delete from ops.areas")  # created with the ledger (ledger.OPS_DDL)
    con.executemany(
        "insert into ops.areas values (?, ?, ?, ?, ?, ?)",
        [
            [a.code, a.name, a.level, a.province_code, a.province_name, a.folder]
            for a in rows.values()
        ],
    )


def missing_folders(raw_dir: Path, areas: list[Area]) -> list[Area]:
    """Areas whose folder is not there (or not a folder we can read): behind, said so."""
    missing = []
    for area in areas:
        folder = raw_dir / area.folder
        try:
            if area.folder and not (folder.is_dir() and any(True for _ in folder.iterdir())):
                missing.append(area)
        except OSError:
            missing.append(area)
    return missing


AREA_KPIS_SQL = """
select k.area_code, k.area_name, k.kpi_code, k.actual
from marts.kpi_by_area k
where k.area_level = 'area' and k.province_code = $province and k.as_of_date = $as_of
order by k.area_code, k.kpi_code
"""

AREA_OVERVIEW_SQL = """
with plans as (
    select area_code, plan_id, year,
        count(*) filter (where status in ('met', 'on_track')) as good,
        count(*) filter (where status in ('not_met', 'at_risk')) as bad,
        count(*) filter (where status = 'no_data') as no_data
    from marts.kpi_scorecard group by area_code, plan_id, year
    qualify row_number() over (
        partition by area_code order by year = $year desc, year desc, plan_id
    ) = 1
),
files as (
    select area_code,
        count(*) filter (where status = 'loaded') as files_loaded,
        count(*) filter (where status = 'rejected') as files_rejected,
        coalesce(sum(rows_rejected), 0) as rows_rejected
    from ops.file_events where run_id = $run_id group by all
),
months as (
    select _area_code as area_code, max(period) as last_period
    from raw.enterprise_reports group by all
)
select a.area_code, a.area_name, a.level as area_level, p.plan_id, p.good, p.bad, p.no_data,
    coalesce(f.files_loaded, 0) as files_loaded, coalesce(f.files_rejected, 0) as files_rejected,
    coalesce(f.rows_rejected, 0) as rows_rejected, m.last_period
from ops.areas a
left join plans p using (area_code)
left join files f using (area_code)
left join months m using (area_code)
where a.level = 'area'
order by a.area_code
"""


def area_values(con: duckdb.DuckDBPyConnection, scorecard: list[dict]) -> list[dict]:
    """For a province's plan, each of its areas' value of every KPI at the same date."""
    if not scorecard or scorecard[0].get("area_level") != "province":
        return []
    return records(
        con,
        AREA_KPIS_SQL,
        {"province": scorecard[0]["area_code"], "as_of": scorecard[0]["as_of_date"]},
    )


def overview(con: duckdb.DuckDBPyConnection, run_id: str, year: int | None = None) -> list[dict]:
    """Each area's night when there are several: its plan's state (its plan of ``year`` when
    it has one), its files in this run, the latest month of enterprise reports it holds."""
    rows = records(con, AREA_OVERVIEW_SQL, {"run_id": run_id, "year": year})
    return rows if len(rows) > 1 else []
