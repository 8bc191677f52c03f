"""Two runs on one warehouse, and readers during a run."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest

from flows.config import Paths
from flows.lock import RunLocked, run_lock

READER = textwrap.dedent("""
    import sys, time, duckdb, pathlib
    warehouse, stop = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    reads = 0
    while not stop.exists():
        t = time.monotonic()
        with duckdb.connect(str(warehouse / "vinhlinh.duckdb"), read_only=True) as con:
            n = con.execute("select count(*) from marts.kpi_scorecard").fetchone()[0]
        with duckdb.connect() as con:
            p = con.execute("select count(*) from read_parquet("
                            f"'{warehouse}/parquet/kpi_scorecard/**/*.parquet', "
                            "hive_partitioning = true)").fetchone()[0]
        print(n, p, round(time.monotonic() - t, 3), flush=True)
        reads += 1
""")


def test_a_second_run_waits_then_gives_up_with_a_clear_message(tmp_path):
    paths = Paths.of(tmp_path / "raw", tmp_path / "wh")
    with (
        run_lock(paths, wait_seconds=0),
        pytest.raises(RunLocked) as refused,
        run_lock(paths, wait_seconds=1),
    ):
        pass
    assert "Another run holds the warehouse" in str(refused.value)
    assert "Một lần chạy khác" in str(refused.value)
    with run_lock(paths, wait_seconds=0):  # released: the next run gets it at once
        pass


def test_the_flow_refuses_a_warehouse_held_by_another_run(e2e, tmp_path, monkeypatch):
    from flows.nightly import nightly

    warehouse = tmp_path / "warehouse"
    shutil.copytree(e2e["warehouse"], warehouse, symlinks=True)
    monkeypatch.setenv("VLPIPE_LOCK_WAIT_SECONDS", "1")
    with run_lock(Paths.of(e2e["raw"], warehouse), wait_seconds=0):
        state = nightly(raw_dir=str(e2e["raw"]), warehouse_dir=str(warehouse), return_state=True)
    assert state.is_failed()
    assert isinstance(state.result(raise_on_failure=False), RunLocked)


def test_readers_are_never_blocked_and_never_see_a_partial_state(e2e, tmp_path):
    from flows.nightly import nightly

    warehouse = tmp_path / "warehouse"
    shutil.copytree(e2e["warehouse"], warehouse, symlinks=True)
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(warehouse), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        result = nightly(raw_dir=str(e2e["raw"]), warehouse_dir=str(warehouse))
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
    assert result.status == "completed"
    assert reader.returncode == 0, err
    reads = [line.split() for line in out.splitlines()]
    expected = len(e2e["first_snapshot"]["scorecard"])
    assert len(reads) > 5
    assert {(int(n), int(p)) for n, p, _ in reads} == {(expected, expected)}
    assert max(float(s) for _, _, s in reads) < 5.0
