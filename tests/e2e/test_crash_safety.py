"""Crash safety, two trials of tests/support/harness/crash.py (the harness itself runs 30 or more).

`vlpipe run` is SIGKILLed (its whole process group) once while ingesting into an empty
warehouse and once while publishing over a complete previous publication; each time the
published files must be a complete version, the private warehouse must open, the next run
must complete and its KPIs must equal those of a run never interrupted. The reference run and
the complete warehouse are the session's end-to-end run (same dataset, same key). ~2.5 min.
"""

from __future__ import annotations

import re

import pytest

from tests.support.harness import crash
from tests.support.sample import E2E_SCALE, E2E_SEED, PII_KEY

TRIALS = {
    # kill 0.5 s after the first enterprise report file is loaded: mid-ingest, files committed
    "ingest": (
        "empty",
        crash.Kill(
            after=re.escape("Task run 'ingest-enterprise_reports' - ") + r".*: loaded",
            offset=0.5,
            label="1st enterprise file loaded",
        ),
    ),
    # kill 0.25 s into the publish task (~0.7 s long): tables and Parquet being staged
    "publish": (
        "full",
        crash.Kill(after=r"Task run 'audit-[^']+' - Finished in state", offset=0.25, label="audit"),
    ),
}


@pytest.fixture(scope="module")
def crash_baseline(e2e, tmp_path_factory):
    assert (crash.PII_KEY, crash.DATA_SEED, crash.DATA_SCALE) == (PII_KEY, E2E_SEED, E2E_SCALE)
    return crash.Baseline(
        workdir=tmp_path_factory.mktemp("crash"),
        raw=e2e["raw"],
        reference=crash.scorecard(e2e["warehouse"]),
        durations={},
        templates={"empty": None, "full": e2e["warehouse"]},
        publish_seconds=0.7,
    )


@pytest.mark.parametrize("stage", list(TRIALS))
def test_sigkill_leaves_a_complete_publication_and_the_next_run_recovers(
    crash_baseline, stage, tmp_path
):
    state, kill = TRIALS[stage]
    result = crash.run_trial(crash_baseline, 0, state, kill, tmp_path / "trial")
    print(result.line())
    assert result.killed, f"the run ended before the kill ({result.at_seconds:.1f} s)"
    assert result.stage == stage, f"killed in {result.stage}, meant {stage}"
    assert result.failures == {}, result.line()
