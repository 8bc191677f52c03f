"""An incremental night publishes exactly what a full rebuild from the same raw/ folder does.

One warehouse receives the committed sample night after night: a base (the sample minus its
last month and two late files of 2021), then a new month, a resubmitted old month, the late
2021 files, and re-sent reference lists. After each night a fresh warehouse is built in one
night from the same raw/ folder, and every published table is compared in both outputs — the
analysts' DuckDB file (every schema) and the Parquet datasets — by row count and an
order-free hash of all columns but the lineage ones (see ``is_lineage``). Each night must
also change what it should, so that a build which ignored its files would fail.

The arrivals are made in ``tmp_path`` from the committed files (never committed themselves).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from flows.nightly import nightly
from flows.settings import PROJECT_ROOT
from tests.support.sample import PII_KEY

SAMPLE = PROJECT_ROOT / "raw"

# Held back from the base night, to arrive later (paths below raw/).
NEW_MONTH = [
    "enterprise_reports/2023/BC_SXKD_KCN-CCN_2023-06.xlsx",
    "enterprise_reports/2023/cn_xa_thi_tran_202306.csv",
    "budget/2023/thu_ngan_sach_2023-06.csv",
    "economy/2023/GTTT_2023_Q2.csv",
    "labour/2023/ds_lao_dong_20230630.xlsx",
    "khuyen_cong/khuyen_cong_2023_6_thang.xlsx",
    "ocop/ocop_2023_dot_1.xlsx",
    "plan_tasks/2023-Q2/BQLDA_bao_cao_tien_do_KH24_20230708.csv",
    "plan_tasks/2023-Q2/TH_tien_do_KH24_20230711.xlsx",
    "plan_tasks/2023-Q2/TTCCN_bao_cao_tien_do_KH24_20230709.csv",
]
LATE_2021 = [
    "enterprise_reports/2021/BC_SXKD_KCN-CCN_2021-07.xlsx",
    "khuyen_cong/khuyen_cong_2021.xlsx",
    "labour/2021/ds_lao_dong_20211231.csv",
]
RESUBMITTED = "enterprise_reports/2022/cn_xa_thi_tran_202203.csv"  # its month, re-sent
RESUBMISSION = "enterprise_reports/2022/cn_xa_thi_tran_202203_dieu_chinh.csv"
COMMUNES = "reference/communes_2025_dieu_chinh.csv"
PLAN_TARGETS = "reference/plan_targets_dieu_chinh.csv"

# Lineage: columns that say where and when a row was loaded in *this* warehouse, not what it
# holds. file_id and file_seq number the files in the order a warehouse loaded them (a file
# that arrived on night 3 has other numbers than in a one-night build; the order they give is
# still checked, through the columns it decides: is_current, submission_rank, …); run_id names
# the warehouse's own run; a timestamp column *_at (file_outcomes.recorded_at) is the moment
# the ledger wrote the event.
LINEAGE_IDS = {"file_id", "file_seq", "run_id"}

# A run log, not state: file_outcomes holds every run's view of every file, so each later
# night of the incremental warehouse adds a 'skipped' row per file it had already loaded.
# What was loaded or rejected, file by file, must still be the same.
ROW_FILTERS = {"file_outcomes": "status <> 'skipped'"}


def is_lineage(column: str, data_type: str) -> bool:
    return column in LINEAGE_IDS or (
        column.endswith("_at") and data_type.upper().startswith("TIMESTAMP")
    )


# --------------------------------------------------------------------------- comparison


def _value(column: str, data_type: str) -> str:
    """A column as hashed and compared: a float to 10 significant digits (a sum of doubles
    may end in other last bits when the rows are added in another order)."""
    name = f'"{column}"'
    if data_type.upper() in ("DOUBLE", "FLOAT", "REAL"):
        return f"printf('%.10g', {name})"
    return name


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(f"describe select * from {relation}").fetchall()]


def _projection(columns: list[tuple[str, str]]) -> str:
    kept = [_value(c, t) + f' as "{c}"' for c, t in columns if not is_lineage(c, t)]
    return ", ".join(kept)


def _select(relation: str, table: str, columns: list[tuple[str, str]]) -> str:
    where = f" where {ROW_FILTERS[table]}" if table in ROW_FILTERS else ""
    return f"select {_projection(columns)} from {relation}{where}"


def _checksum(con: duckdb.DuckDBPyConnection, query: str) -> tuple[int, int]:
    """Row count and an order-free hash (a sum, so duplicated rows count)."""
    return con.execute(
        f"select count(*), coalesce(sum(hash(q)::hugeint), 0) from ({query}) q"
    ).fetchone()


def _differing_rows(con: duckdb.DuckDBPyConnection, left: str, right: str) -> list[str]:
    lines = []
    for side, a, b in (("only incremental", left, right), ("only full rebuild", right, left)):
        rows = con.execute(f"({a}) except all ({b}) limit 3")
        names = [d[0] for d in rows.description]
        lines += [f"    {side}: {dict(zip(names, r, strict=True))}"[:600] for r in rows.fetchall()]
    return lines


def compare(
    con: duckdb.DuckDBPyConnection, output: str, incremental: dict[str, str], full: dict[str, str]
) -> tuple[list[str], dict[str, tuple[int, int]]]:
    """Problems (table by table), and the incremental side's checksums."""
    problems: list[str] = []
    sums: dict[str, tuple[int, int]] = {}
    if set(incremental) != set(full):
        problems.append(
            f"{output}: tables only incremental {sorted(set(incremental) - set(full))}, "
            f"only full rebuild {sorted(set(full) - set(incremental))}"
        )
    for table in sorted(set(incremental) & set(full)):
        short = table.rsplit(".", 1)[-1]
        cols_a, cols_b = _columns(con, incremental[table]), _columns(con, full[table])
        if cols_a != cols_b:
            problems.append(f"{output} {table}: columns differ: {cols_a} != {cols_b}")
            continue
        left = _select(incremental[table], short, cols_a)
        right = _select(full[table], short, cols_b)
        sums[table] = _checksum(con, left)
        other = _checksum(con, right)
        if sums[table] != other:
            problems.append(
                f"{output} {table}: incremental {sums[table][0]} rows, full rebuild "
                f"{other[0]} rows, contents differ:\n"
                + "\n".join(_differing_rows(con, left, right))
            )
    return problems, sums


def _duckdb_tables(con: duckdb.DuckDBPyConnection, alias: str) -> dict[str, str]:
    rows = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = ?", [alias]
    ).fetchall()
    return {f"{s}.{t}": f'{alias}."{s}"."{t}"' for s, t in rows}


def _parquet_datasets(warehouse: Path) -> dict[str, str]:
    folder = warehouse / "parquet"
    return {
        d.name: f"read_parquet('{d}/**/*.parquet', hive_partitioning = true)"
        for d in sorted(folder.iterdir())
        if d.is_dir()
    }


def compare_warehouses(incremental: Path, full: Path) -> tuple[list[str], dict]:
    """Every published table of both outputs; returns problems and the incremental sums."""
    with duckdb.connect() as con:
        con.execute(f"attach '{incremental / 'vinhlinh.duckdb'}' as inc (read_only)")
        con.execute(f"attach '{full / 'vinhlinh.duckdb'}' as fresh (read_only)")
        problems, sums = compare(
            con, "vinhlinh.duckdb", _duckdb_tables(con, "inc"), _duckdb_tables(con, "fresh")
        )
        more, parquet_sums = compare(
            con, "parquet", _parquet_datasets(incremental), _parquet_datasets(full)
        )
    assert sums, "nothing published to compare"
    return problems + more, {**sums, **{f"parquet/{k}": v for k, v in parquet_sums.items()}}


# --------------------------------------------------------------------------- arrivals


def _copy(paths: list[str], raw: Path) -> list[str]:
    for rel in paths:
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLE / rel, raw / rel)  # a new file: its own modification time
    return paths


def base(raw: Path) -> list[str]:
    held = set(NEW_MONTH) | set(LATE_2021)
    copied = []
    for path in sorted(SAMPLE.rglob("*")):
        rel = path.relative_to(SAMPLE).as_posix()
        if path.is_file() and rel not in held:
            (raw / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, raw / rel)  # modification times (arrival order) kept
            copied.append(rel)
    return copied


def new_month(raw: Path) -> list[str]:
    return _copy(NEW_MONTH, raw)


def _number(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def resubmission(raw: Path) -> list[str]:
    """Five units re-send March 2022 with a later report date and a higher output."""
    with (SAMPLE / RESUBMITTED).open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    header, data = rows[0], rows[1:6]
    date = header.index("Ngay lap bao cao")
    changed = [i for i, h in enumerate(header) if h.startswith("Gia tri san xuat")]
    for row in data:
        row[date] = "2022-05-20"
        for i in changed:
            row[i] = f"{_number(row[i]) * 1.25 + 1:.1f}".replace(".", ",")
    with (raw / RESUBMISSION).open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows([header, *data])
    return [RESUBMISSION]


def late_2021(raw: Path) -> list[str]:
    return _copy(LATE_2021, raw)


def _resend(raw: Path, original: str, target: str, edit: Callable[[list[list[str]]], None]) -> None:
    with (SAMPLE / original).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    edit(rows)
    with (raw / target).open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def references(raw: Path) -> list[str]:
    """The communes list re-sent (a 2025 commune renamed, one added: no 2021-2023 row can
    name either) and the plan's targets re-sent (one target raised)."""

    def communes(rows: list[list[str]]) -> None:
        for row in rows:
            if row[:4] == ["19363", "Xã Vĩnh Linh", "Xã", "2025-07-01"]:
                row[1] = "Xã Vĩnh Linh Mới"
        rows.append(["19430", "Xã Vĩnh Tân", "Xã", "2025-07-01", "", ""])

    def targets(rows: list[list[str]]) -> None:
        header = rows[0]
        plan, kpi, low = (header.index(c) for c in ("plan_id", "kpi_code", "target_low"))
        for row in rows:
            if row[plan] == "VL-2022" and row[kpi] == "IND_GO_CURRENT":
                row[low] = "1500"

    _resend(raw, "reference/communes.csv", COMMUNES, communes)
    _resend(raw, "reference/plan_targets.csv", PLAN_TARGETS, targets)
    return [COMMUNES, PLAN_TARGETS]


@dataclasses.dataclass(frozen=True)
class Night:
    name: str
    arrive: Callable[[Path], list[str]]
    changes: tuple[str, ...]  # published tables that must differ from the night before
    # why the night's build is a full one (flows/transform.py plan_build); "" = incremental
    full_build: str = ""


NIGHTS = [
    Night("base", base, ()),
    Night(
        "new month",
        new_month,
        ("marts.fct_unit_months", "marts.budget_by_month", "marts.plan_task_status"),
    ),
    Night(
        "resubmission",
        resubmission,
        ("marts.fct_unit_month_submissions", "marts.fct_unit_months", "marts.kpi_by_month"),
    ),
    Night(
        "late 2021 files",
        late_2021,
        ("marts.fct_unit_months", "marts.fct_kc_disbursements", "marts.fct_employment_spells"),
    ),
    Night(
        "re-sent references",
        references,
        ("marts.dim_communes", "marts.kpi_by_commune_2025", "marts.kpi_scorecard"),
        full_build="a reference list changed",  # every joined row may change
    ),
]


# --------------------------------------------------------------------------- the test


def _run(raw: Path, warehouse: Path):
    result = nightly(raw_dir=str(raw), warehouse_dir=str(warehouse), plan_id="VL-2022")
    assert result.status == "completed", (warehouse, result.message)
    return result


def test_every_night_publishes_what_a_full_rebuild_does(prefect_harness, tmp_path, monkeypatch):
    monkeypatch.setenv("VLPIPE_PII_KEY", PII_KEY)
    monkeypatch.setenv("VLPIPE_TODAY", dt.date.today().isoformat())  # one date for all nights
    monkeypatch.setenv("VLPIPE_CHROMIUM", str(tmp_path / "no-chromium"))  # no PDF: faster
    raw, warehouse = tmp_path / "raw", tmp_path / "incremental"
    raw.mkdir()
    before: dict = {}
    for number, night in enumerate(NIGHTS):
        arrived = night.arrive(raw)  # written now: later than every file before them
        result = _run(raw, warehouse)
        loaded = {o["file_name"] for o in result.outcomes if o["status"] == "loaded"}
        if number:  # (the base holds the sample's unreadable file, rejected as it should be)
            assert set(arrived) <= loaded, f"{night.name}: not loaded {set(arrived) - loaded}"
            assert result.dbt["full_refresh"] == bool(night.full_build), night.name
            assert result.dbt["full_refresh_reason"] == night.full_build, night.name
        else:
            assert len(loaded) > 100

        # The first night is itself a one-night build from an empty warehouse: a second one
        # would only test that a build is deterministic, which every later night tests too.
        full = tmp_path / f"full-{number}" if number else warehouse
        if number:
            assert _run(raw, full).dbt["full_refresh"]
        problems, sums = compare_warehouses(warehouse, full)
        assert not problems, (
            f"night {number} ({night.name}): {len(problems)} published tables differ from a "
            "full rebuild:\n" + "\n".join(problems)
        )
        unchanged = [t for t in night.changes if sums[t] == before.get(t)]
        assert not unchanged, f"night {number} ({night.name}) left {unchanged} unchanged"
        before = sums
        if number:
            shutil.rmtree(full)


@pytest.mark.parametrize(
    ("column", "data_type", "lineage"),
    [
        ("file_id", "BIGINT", True),
        ("file_seq", "BIGINT", True),
        ("run_id", "VARCHAR", True),
        ("recorded_at", "TIMESTAMP WITH TIME ZONE", True),
        ("source_row", "INTEGER", False),
        ("source_sheet", "VARCHAR", False),
        ("report_date", "DATE", False),
    ],
)
def test_lineage_is_only_where_a_row_was_loaded(column, data_type, lineage):
    assert is_lineage(column, data_type) is lineage
