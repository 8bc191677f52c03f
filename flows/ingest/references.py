"""Reference data as lookups for validation: communes by date, zones, VSIC divisions, units,
the KPI catalogue, the run date, and each unit's history of values.

Built before each source is ingested from the reference tables already loaded in the private
warehouse (the rows of the latest file of each reference source: a newer file replaces the
older one whole), so the plan's lists are data, not code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from dataclasses import dataclass, field

import duckdb
import polars as pl

from flows.config import KPI_CATALOG, run_date
from flows.ingest.text import fold, fold_expr, on_distinct
from flows.queries import scalar
from schemas.base import Source

HISTORY_SUFFIX = "__median"

_COMMUNE_PREFIX = r"^(thi tran|tt|xa|phuong|p)\s+"
_ZONE_WORDS = (("khu cong nghiep", "kcn"), ("cum cong nghiep", "ccn"))


def commune_key_expr(expr: pl.Expr) -> pl.Expr:
    """'Thị trấn Hồ Xá', 'TT. Hồ Xá', 'Hồ Xá' → 'ho xa'; codes stay codes."""
    return fold_expr(expr).str.replace(_COMMUNE_PREFIX, "")


def zone_key(text: str) -> str:
    key = fold(text)
    for long, short in _ZONE_WORDS:
        key = key.replace(long, short)
    return key


def zone_key_expr(expr: pl.Expr) -> pl.Expr:
    key = fold_expr(expr)
    for long, short in _ZONE_WORDS:
        key = key.str.replace_all(long, short, literal=True)
    return key


@functools.cache
def kpi_catalog() -> pl.DataFrame:
    """The KPI catalogue (sql/seeds/kpi_catalog.csv, the dbt seed): the one list of KPIs and
    their sources, read by the SQL models and by Python alike."""
    return pl.read_csv(KPI_CATALOG, infer_schema=False, glob=False)


def kpi_codes() -> frozenset[str]:
    return frozenset(kpi_catalog()["kpi_code"].to_list())


@dataclass
class References:
    communes: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(
            schema={
                "key": pl.Utf8,
                "commune_code": pl.Utf8,
                "valid_from": pl.Date,
                "valid_to": pl.Date,
            }
        )
    )
    zones: dict[str, str] = field(default_factory=dict)  # folded name/code → zone_code
    industry_divisions: set[str] = field(default_factory=set)
    lead_units: dict[str, str] = field(default_factory=dict)  # folded name/code → unit_code
    kpi_codes: frozenset[str] = field(default_factory=kpi_codes)  # the KPI catalogue's codes
    today: dt.date = field(default_factory=run_date)  # the run's own date
    # Of the source being ingested: its history_by column, then the median of each plausible
    # field's positive values over earlier loaded rows, named <field>__median (None: none).
    history: pl.DataFrame | None = None


def _raw_table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return (
        scalar(
            con,
            "select count(*) from information_schema.tables where table_schema='raw' "
            "and table_name=?",
            [table],
        )
        > 0
    )


def _current(con: duckdb.DuckDBPyConnection, table: str, key: str, columns: str) -> list[tuple]:
    """The current rows of a reference table: those of each area's latest loaded file (as
    the dbt models read them, macro reference_file), one per area and key; every area's
    lists together (a code is a national one: GSO communes, VSIC divisions)."""
    if not _raw_table_exists(con, table):
        return []
    return con.execute(
        f"select {columns} from (select * from raw.{table} "
        f"qualify _file_seq = max(_file_seq) over (partition by _area_code)) "
        f"qualify row_number() over (partition by _area_code, {key} order by _source_row desc) = 1"
    ).fetchall()


def load_history(con: duckdb.DuckDBPyConnection, source: Source) -> pl.DataFrame | None:
    """Per unit (``source.history_by``), the median of each plausible field's positive values
    over the rows of the source's area loaded so far: one query for the source, run once
    before its files."""
    fields = [f.name for f in source.fields if f.plausible]
    by = source.history_by
    if not by or not fields or not _raw_table_exists(con, source.table):
        return None
    medians = ", ".join(
        f"median({n}) filter (where {n} > 0)::double as {n}{HISTORY_SUFFIX}" for n in fields
    )
    # The unit's own area's rows: an area's files are checked against what that area sent,
    # whichever other area's files were loaded before (the areas load in any order when
    # workers ingest them in parallel).
    return con.execute(
        f"select {by}, {medians} from raw.{source.table} where {by} is not null "
        f"and _area_code is not distinct from coalesce(nullif(?, ''), _area_code) group by {by}",
        [source.area_code],
    ).pl()


def with_history(con: duckdb.DuckDBPyConnection, source: Source, refs: References) -> References:
    """The references, with the history of the source about to be ingested."""
    return dataclasses.replace(refs, history=load_history(con, source))


def load_references(con: duckdb.DuckDBPyConnection) -> References:
    refs = References()
    communes = _current(
        con,
        "communes",
        "commune_code, valid_from",
        "commune_code, commune_name, valid_from, valid_to",
    )
    if communes:
        base = pl.DataFrame(
            communes,
            schema=["commune_code", "commune_name", "valid_from", "valid_to"],
            orient="row",
        )
        by_name = base.with_columns(key=commune_key_expr(pl.col("commune_name")))
        by_code = base.with_columns(key=pl.col("commune_code"))
        refs.communes = (
            pl.concat([by_name, by_code])
            .select("key", "commune_code", "valid_from", "valid_to")
            .unique()
        )
    for code, name, full in _current(con, "zones", "zone_code", "zone_code, zone_name, full_name"):
        for label in (code, name, full):
            if label:
                refs.zones[zone_key(label)] = code
    refs.industry_divisions = {
        re.sub(r"\D", "", d).zfill(2)
        for (d,) in _current(con, "vsic_industry", "division", "division")
    }
    for code, name in _current(con, "lead_units", "unit_code", "unit_code, unit_name"):
        refs.lead_units.update({fold(code): code, fold(name): code})
    return refs


def resolve_communes(values: pl.DataFrame, refs: References) -> pl.Series:
    """Commune code for each (text, date) row; NULL where none is valid at that date.

    ``values`` has columns ``text`` and ``at`` (Date, may be NULL: then any validity).
    """
    probe = values.with_row_index("_i").with_columns(
        key=on_distinct(values["text"], commune_key_expr)
    )
    joined = (
        probe.join(refs.communes, on="key", how="inner")
        .filter(
            pl.col("at").is_null()
            | (
                (pl.col("valid_from") <= pl.col("at"))
                & (pl.col("valid_to").is_null() | (pl.col("at") <= pl.col("valid_to")))
            )
        )
        .group_by("_i")
        .agg(pl.col("commune_code").first())
    )
    return probe.join(joined, on="_i", how="left").sort("_i")["commune_code"]
