"""The scale-out benchmark's arithmetic (bench/scale_out.py): no service, no timing."""

from __future__ import annotations

import pytest

from bench.report import with_section
from bench.scale_out import (
    Model,
    fit_line,
    single_nights_from_report,
    start_latency,
    union_length,
)


def test_union_length_counts_overlaps_once():
    assert union_length([(0, 10), (5, 12), (20, 25), (None, 3)]) == 17


def test_waiting_for_a_slot_is_not_start_latency():
    runs = [  # one slot: the second run waits for the first's end (t=30), starts at 34
        {"expected": 0.0, "start": 10.0, "end": 30.0},
        {"expected": 0.0, "start": 34.0, "end": 50.0},
    ]
    start_latency(runs, slots=1)
    assert [r["latency"] for r in runs] == [10.0, 4.0]
    assert [r["queued"] for r in runs] == [0.0, 30.0]


def test_fit_line_and_the_fewest_machines():
    assert fit_line([1, 2, 3], [3, 5, 7]) == (1.0, 2.0)
    model = Model(
        writer0=100, writer_per_area=1, writer_per_row=0, rows_per_area=1, root_s=10,
        latency_s=10, run_s=20, basis="",
    )  # fmt: skip
    # 700 areas on 2 slots a machine: 110 + 800 + ⌈700 / (2 m)⌉ × 30 ≤ 18,000 s → m = 1
    assert model.night(700, 1) == 100 + 700 + 10 + 350 * 30
    assert model.machines_for(700) == 1
    # half an hour: 810 + ⌈700 / 2m⌉ × 30 ≤ 1,800 → ⌈700 / 2m⌉ ≤ 33 → m = 11 (10: 35 rounds)
    assert model.machines_for(700, hours=0.5) == 11
    assert model.machines_for(700, hours=0.1) is None


def test_the_section_is_replaced_or_added_before_the_notes():
    text = "# B\n\n## Measurements\n\nx\n\n## Notes\n\n- n\n"
    once = with_section(text, "Scale-out (issue 15)", "## Scale-out (issue 15)\n\nv1")
    assert once.index("v1") < once.index("## Notes")
    twice = with_section(once, "Scale-out (issue 15)", "## Scale-out (issue 15)\n\nv2")
    assert "v1" not in twice and twice.count("## Scale-out") == 1 and "## Notes" in twice


def test_the_single_warehouse_nights_are_read_back_from_the_report():
    text = "\n".join(
        [
            "### Scale 10",
            "| (d) `vlpipe run`, first night (everything new) | 246,535 | 58.6 | 4,210 | |",
            "| run | start-up | ingest | feedback | transform (dbt build) | publish | shut-down |",
            "|---|---:|---:|---:|---:|---:|---:|",
            "| (d) | 13.5 | 10.8 | 2.2 | 21.8 | 2.7 | 2.46 |",
        ]
    )
    assert single_nights_from_report(text) == [(246535.0, pytest.approx(26.7))]
