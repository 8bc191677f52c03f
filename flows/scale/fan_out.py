"""The night's area runs in the scale-out mode: one child flow run per area on the work pool
(``run_deployment`` of the ``area-ingest`` deployment), started in waves, each with an
idempotency key of its night and area: a night started twice (a retried parent, an operator
running it again) never starts an area twice; Prefect returns the run it already has.

The parent waits for a wave to end before starting the next, up to
``VLPIPE_AREA_TIMEOUT_SECONDS``; an area still running then is left to finish (its load is
picked up by the next night), never cancelled half-way, and is reported behind tonight.
How many area runs write at once is the work pool's and the deployment's concurrency limit:
Prefect's, not ours.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from prefect import get_run_logger
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment

from flows.settings import Settings

POLL_SECONDS = 2.0


@dataclass(frozen=True)
class AreaRun:
    area_code: str  # "" = raw/ itself
    flow_run_id: str
    state: str  # Prefect's state name: Completed, Failed, Crashed, … or "Timed out"

    @property
    def completed(self) -> bool:
        return self.state == "Completed"


def idempotency_key(night: str, area_code: str) -> str:
    return f"vlpipe:{night}:{area_code or 'raw'}"


def run_areas(
    codes: Sequence[str], raw_dir: str, run_id: str, night: str, settings: Settings
) -> list[AreaRun]:
    """Run the area flow for each area code, ``VLPIPE_AREA_WAVE`` at a time."""
    logger = get_run_logger()
    done: list[AreaRun] = []
    for wave in _waves(codes, settings.area_wave):
        started = {
            code: run_deployment(
                settings.area_deployment,
                parameters={"raw_dir": raw_dir, "area_code": code, "run_id": run_id},
                idempotency_key=idempotency_key(night, code),
                timeout=0,  # returns at once; the wave is awaited below
                as_subflow=True,
            )
            for code in wave
        }
        logger.info("Area runs started: %s", ", ".join(c or "raw/" for c in wave))
        done += _await(started, settings.area_timeout_seconds)
    return done


def _waves(codes: Sequence[str], size: int) -> Iterator[list[str]]:
    it = iter(codes)
    while wave := list(islice(it, max(1, size))):
        yield wave


def _await(started: dict, timeout: float) -> list[AreaRun]:
    deadline = time.monotonic() + timeout
    pending = {code: run.id for code, run in started.items()}
    finished: list[AreaRun] = []
    with get_client(sync_client=True) as client:
        while pending:
            for code, run_id in list(pending.items()):
                state = client.read_flow_run(run_id).state
                if state is not None and state.is_final():
                    finished.append(AreaRun(code, str(run_id), state.name or state.type.value))
                    del pending[code]
            if not pending:
                break
            if time.monotonic() >= deadline:
                finished += [AreaRun(c, str(r), "Timed out") for c, r in pending.items()]
                break
            time.sleep(POLL_SECONDS)
    return finished
