"""Shared fixtures: a quiet Prefect test server, and one real end-to-end run per session."""

from __future__ import annotations

import os

import pytest

from flows.config import configure_prefect_environment
from tests.support.sample import E2E_SCALE, E2E_SEED, PII_KEY

configure_prefect_environment()
os.environ.setdefault("TQDM_DISABLE", "1")


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for the whole session (~10 s to start, once)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    """A small generated dataset and the generator's own record of what it holds."""
    from synth import generate

    raw = tmp_path_factory.mktemp("e2e") / "raw"
    truth = generate(raw, seed=E2E_SEED, scale=E2E_SCALE)
    return raw, truth


@pytest.fixture(scope="session")
def e2e(sample, prefect_harness, tmp_path_factory):
    """Three real nightly runs over the same files — the first loads everything, the second
    finds nothing new, the third rebuilds anyway — with a snapshot of each publication."""
    from flows.nightly import nightly
    from tests.support.published import snapshot

    raw, truth = sample
    warehouse = tmp_path_factory.mktemp("e2e-warehouse")
    os.environ["VLPIPE_PII_KEY"] = PII_KEY
    first = nightly(raw_dir=str(raw), warehouse_dir=str(warehouse), plan_id="VL-2022")
    first_snapshot = snapshot(warehouse)
    second = nightly(raw_dir=str(raw), warehouse_dir=str(warehouse), plan_id="VL-2022")
    second_snapshot = snapshot(warehouse)
    rebuilt = nightly(
        raw_dir=str(raw), warehouse_dir=str(warehouse), plan_id="VL-2022", rebuild=True
    )
    rebuilt_snapshot = snapshot(warehouse)
    return {
        "raw": raw,
        "truth": truth,
        "warehouse": warehouse,
        "first": first,
        "second": second,
        "first_snapshot": first_snapshot,
        "second_snapshot": second_snapshot,
        "rebuilt": rebuilt,
        "rebuilt_snapshot": rebuilt_snapshot,
    }


@pytest.fixture
def raw(tmp_path):
    """An empty raw/ folder holding only the small reference lists of tests/support/helpers.py."""
    from tests.support.helpers import write_reference

    write_reference(tmp_path / "raw")
    return tmp_path / "raw"


@pytest.fixture
def batched(monkeypatch):
    """Every CSV file read in batches of about two rows."""
    monkeypatch.setenv("VLPIPE_BATCH_MB", str(300 / 1048576))
