"""The scale-out mode's switches and its pieces that need no service (the rest runs for real
in tests/e2e/test_scale_out.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

from flows.scale import lake
from flows.scale.fan_out import _waves, idempotency_key
from flows.settings import Settings

LAKE = {"VLPIPE_LAKE_CATALOG": "dbname=x host=127.0.0.1", "VLPIPE_LAKE_DATA": "/tmp/lake/"}


def test_the_mode_is_on_only_with_both_variables():
    assert not Settings.from_env({}).scale_out
    assert not Settings.from_env({"VLPIPE_LAKE_CATALOG": "dbname=x"}).scale_out
    on = Settings.from_env(LAKE | {"VLPIPE_AREA_WAVE": "0", "VLPIPE_AREA_TIMEOUT_SECONDS": "60"})
    assert on.scale_out and on.area_wave == 1 and on.area_timeout_seconds == 60
    assert on.area_deployment == "area-ingest/area-ingest"


def test_area_runs_start_in_waves_with_a_key_per_night_and_area():
    codes = [str(c) for c in range(7)]
    assert [len(w) for w in _waves(codes, 3)] == [3, 3, 1]
    assert idempotency_key("2026-12-07", "464") == "vlpipe:2026-12-07:464"
    assert idempotency_key("2026-12-07", "") == "vlpipe:2026-12-07:raw"


def test_the_extensions_load_from_the_wheels_without_the_network():
    con = duckdb.connect()
    lake.load_extensions(con)
    loaded = dict(
        con.execute(
            "select extension_name, loaded from duckdb_extensions() "
            "where extension_name in ('ducklake', 'postgres_scanner')"
        ).fetchall()
    )
    assert loaded == {"ducklake": True, "postgres_scanner": True}
    assert con.execute("select current_setting('autoinstall_known_extensions')").fetchone() == (
        False,
    )
    assert Path(
        con.execute("select current_setting('extension_directory')").fetchone()[0]
    ).is_relative_to(lake.EXTENSION_DIR)


def test_the_scale_out_mode_without_a_prefect_server_says_so_in_one_line(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **LAKE}
    run = subprocess.run(
        [str(Path(sys.executable).with_name("vlpipe")), "run", "--raw-dir", str(raw),
         "--warehouse-dir", str(tmp_path / "wh")],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "PREFECT_API_URL" in lines[0], run.stderr
    assert not (tmp_path / "wh" / "private" / "pipeline.duckdb").exists()
