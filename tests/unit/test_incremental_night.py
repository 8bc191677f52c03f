"""The parts of an incremental night that need no flow: when the build may be incremental
(flows/transform.py plan_build) and a publication that reuses what did not change
(flows/publish.py). Real DuckDB files, real Parquet files, real hard links."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.config import Paths
from flows.ingest import ledger
from flows.publish import publish
from flows.transform import NO_RECORD, forget_build, plan_build, record_build

CODE = "code-1"


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    paths = Paths.of(tmp_path / "raw", tmp_path / "warehouse")
    paths.ensure()
    (paths.private_dir / "dbt").mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(paths.private_db)) as con:
        ledger.ensure_ops(con)
    return paths


def _load(paths: Paths, file_id: int, source: str, status: str = "loaded") -> None:
    with duckdb.connect(str(paths.private_db)) as con:
        con.execute(
            "insert into ops.files (file_id, file_seq, source, file_name, status) "
            "values (?, ?, ?, ?, ?)",
            [file_id, file_id, source, f"{source}-{file_id}.csv", status],
        )


def _built(paths: Paths) -> None:
    record_build(paths, plan_build(paths, CODE), CODE)


def test_the_first_build_is_full_and_a_new_data_file_is_incremental(paths: Paths) -> None:
    _load(paths, 1, "communes")
    _load(paths, 2, "enterprise_reports")
    first = plan_build(paths, CODE)
    assert first.full_refresh and first.reason == NO_RECORD
    assert first.tests_since == -1
    record_build(paths, first, CODE)

    _load(paths, 3, "enterprise_reports")
    _load(paths, 4, "labour_spells", status="rejected")  # not loaded: not seen by the build
    second = plan_build(paths, CODE)
    assert not second.full_refresh and second.reason == ""
    assert second.tests_since == 2, "row-level tests check the files above the last build"


@pytest.mark.parametrize(
    ("arrival", "reason"),
    [
        ((5, "communes"), "a reference list changed"),
        ((5, "vsic_industry"), "a reference list changed"),
        ((3, "enterprise_reports"), "files older than the last build arrived"),
    ],
)
def test_what_makes_the_next_build_a_full_one(
    paths: Paths, arrival: tuple[int, str], reason: str
) -> None:
    _load(paths, 1, "communes")
    _load(paths, 4, "enterprise_reports")
    _built(paths)
    _load(paths, *arrival)  # id 3 < 4: an area that committed after the last build
    plan = plan_build(paths, CODE)
    assert plan.full_refresh and plan.reason == reason and plan.tests_since == -1


def test_new_code_and_forgotten_builds_are_full(paths: Paths) -> None:
    _load(paths, 1, "enterprise_reports")
    _built(paths)
    assert plan_build(paths, "code-2").reason == "the code changed"
    assert not plan_build(paths, CODE).full_refresh
    forget_build(paths)  # files held back or let in again
    assert plan_build(paths, CODE).reason == NO_RECORD


def _marts(paths: Paths, rows: dict[str, list[int]]) -> None:
    with duckdb.connect(str(paths.private_db)) as con:
        con.execute("create schema if not exists marts")
        for name, values in rows.items():
            con.execute(f"create or replace table marts.{name} (n integer, label varchar)")
            con.executemany(
                f"insert into marts.{name} values (?, ?)", [[v, f"row {v}"] for v in values]
            )


def _published(paths: Paths, name: str) -> tuple[list[tuple], list[Path]]:
    with duckdb.connect(str(paths.analyst_db), read_only=True) as con:
        analyst = con.execute(f"select * from marts.{name} order by n").fetchall()
    files = sorted((paths.parquet_dir / name).glob("*.parquet"))
    parquet = duckdb.sql(
        f"select * from read_parquet({[str(f) for f in files]}) order by n"
    ).fetchall()
    assert parquet == analyst
    return analyst, files


def test_a_publication_reuses_unchanged_tables_and_rewrites_changed_ones(paths: Paths) -> None:
    docs = {"big": {"description": "a big table", "columns": {"n": "a number"}}}
    _marts(paths, {"big": list(range(1000)), "small": [1, 2], "gone": [7]})
    publish(paths, "run-0001", docs)
    big_before, big_files = _published(paths, "big")
    big_inodes = [f.stat().st_ino for f in big_files]  # the paths go through `current`

    _marts(paths, {"small": [1, 2, 3]})  # tonight only `small` changes; `gone` goes
    with duckdb.connect(str(paths.private_db)) as con:
        con.execute("drop table marts.gone")
    publication = publish(paths, "run-0002", docs)

    big_after, big_files_after = _published(paths, "big")
    assert big_after == big_before
    assert [f.stat().st_ino for f in big_files_after] == big_inodes, (
        "an unchanged dataset is hard-linked, not written again"
    )
    small, small_files = _published(paths, "small")
    assert [r[0] for r in small] == [1, 2, 3]
    assert all(f.stat().st_nlink == 1 for f in small_files), "a changed dataset is new files"
    assert set(publication.tables) == {"big", "small"}
    with duckdb.connect(str(paths.analyst_db), read_only=True) as con:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        comment = con.execute(
            "select comment from duckdb_tables() where table_name = 'big'"
        ).fetchone()
    assert tables == {"big", "small"}, "a table no longer built is not published"
    assert comment == ("a big table",)

    # A changed description is a changed dataset, even with the same rows.
    docs["big"]["description"] = "a big table, described anew"
    publish(paths, "run-0003", docs)
    _, big_files_third = _published(paths, "big")
    assert big_files_third[0].stat().st_ino not in big_inodes


def test_equal_rows_that_cancel_out_in_a_xor_are_still_a_change(paths: Paths) -> None:
    _marts(paths, {"pairs": [1, 1, 2]})
    publish(paths, "run-0001", {})
    _marts(paths, {"pairs": [3, 3, 2]})  # same count; XOR of row hashes unchanged
    publish(paths, "run-0002", {})
    rows, _ = _published(paths, "pairs")
    assert [r[0] for r in rows] == [2, 3, 3]
