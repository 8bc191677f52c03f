"""Issue 16's targets in the benchmark's report (bench/report.py): every row, per scale
where the target names scales, judged from results as bench/run.py saves them."""

from __future__ import annotations

from bench.report import render, target_rows, targets

GIB = 1024**3


def _scale(scale: float, c: float, a: float, b: float, pss: int) -> dict:
    return {
        "scale": scale,
        "dataset": {"files": 1, "mb": 1.0, "by_suffix": {".csv": 1}},
        "duckdb": {"seconds": a, "rows": 10},
        "dlt": {"seconds": b, "rows": 10},
        "ingest": {"seconds": c, "rows": 10},
        "prefect": {"seconds": 13.0},
        "full": {"seconds": 100.0, "peak_pss": pss, "peak_rss": pss},
        "rerun": {"seconds": 14.5},
        "new_month": {"seconds": 8.0, "new_files": 2},
    }


ONCE = {
    "smallfiles": {
        "requested": 10_000,
        "areas": 4,
        "scale": 16.7,
        "split": {
            "files": 10_000,
            "data_files": 9_978,
            "reference_files": 22,
            "rows_per_file": 200.4,
            "data_rows": 2_000_000,
        },
        "duckdb": {"seconds": 50.0, "files": 10_000, "rows": 2_000_000},
        "ingest": {"seconds": 200.0, "files": 10_000, "rows": 1_999_000, "rows_rejected": 1_000},
    },  # fmt: skip
    "province": {
        "areas": 4,
        "scale": 10,
        "dataset": {"files": 526, "mb": 100.0},
        "prefect": {"seconds": 13.0},
        "full": {"seconds": 213.0},
        "new_month": {"seconds": 33.0, "area": "464_vinh_linh", "new_files": 2},
    },
    "makerun": {"prefect": {"seconds": 13.0}, "run": {"seconds": 41.0}},
}


def _rows(results: list[dict], once: dict | None = None) -> dict[tuple[str, str], tuple]:
    return {(r[0], r[2]): r for r in target_rows(results, once)}


def test_every_target_is_a_row_even_unmeasured():
    rows = _rows([])
    assert rows[("ingest vs bare DuckDB `read_csv`", "scale 100")][3:] == ("not measured", "–")
    assert rows[("ingest vs bare DuckDB `read_csv`", "scale 1000")][3:] == ("not measured", "–")
    assert rows[("nightly peak memory (PSS, process tree)", "scale 1000")][4] == "–"
    assert ("night with one new month", "scale 1000 (a province of one area)") in rows
    assert rows[("many small files", "10,000 files")][4] == "–"
    assert rows[("ingest vs dlt into DuckDB", "any scale")][3] == "not measured"
    assert rows[("night with no new file", "every scale")][3] == "not measured"
    assert rows[("`make run` on the committed sample", "environment set up")][4] == "–"


def test_rows_are_judged_per_scale():
    big = _scale(1000, 170.0, 80.0, 180.0, int(1.2 * GIB))
    results = [_scale(100, 12.0, 6.0, 10.0, GIB), big]
    rows = _rows(results, ONCE)
    assert rows[("ingest vs bare DuckDB `read_csv`", "scale 100")][4] == "yes"  # 2.0×
    assert rows[("ingest vs bare DuckDB `read_csv`", "scale 1000")][4] == "no"  # 2.1×
    assert rows[("ingest vs dlt into DuckDB", "scale 100")][4] == "no"
    assert rows[("ingest vs dlt into DuckDB", "scale 1000")][4] == "yes"
    memory = rows[("nightly peak memory (PSS, process tree)", "scale 1000")]
    assert "1.20× scale 100's" in memory[3] and memory[4] == "no"  # ≤ 2 GiB but grew 1.2×
    quiet = rows[("night with no new file", "scale 100")]
    assert quiet[3] == "Prefect start-up 13.0 s + 1.5 s" and quiet[4] == "yes"
    assert rows[("night with one new month", "scale 100 (a province of one area)")][4] == "yes"


def test_the_groups_measured_once():
    rows = _rows([], ONCE)
    province = rows[
        ("night with one new month", "province of 4 areas at scale 10, one area's month")
    ]
    assert province[3].startswith("15 % (33.0 s of 213.0 s)")
    assert "excluding Prefect start-up (13.0 s): 10 %" in province[3] and province[4] == "no"
    small = rows[("many small files", "10,000 files of ~200 rows")]
    assert small[3] == "vlpipe 50.0 files/s, DuckDB 200 files/s (4.0×)" and small[4] == "no"
    assert rows[("`make run` on the committed sample", "environment set up")][3:] == (
        "41.0 s",
        "no",
    )


def test_the_report_holds_the_targets_and_the_groups_sections():
    info = {k: "x" for k in ("cpu", "memory", "os", "python", "packages", "commit", "date")}
    results = [_scale(100, 12.0, 6.0, 10.0, GIB)]
    text = render(results, info, "cmd", None, ["a note"], None, ONCE)
    assert targets(results, ONCE) in text and "issue 6" not in text
    for heading in (
        "## Many small files",
        "## A province: one area's new month",
        "## `make run` on the committed sample",
    ):
        assert heading in text
    assert text.index("## Targets") < text.index("## Many small files") < text.index("## Notes")
