"""The real services the scale-out mode runs on (tests/support/services.py): a PostgreSQL
cluster, a Prefect server whose database is on it, a process work pool with two workers
running a flow deployed from this checkout. Idempotency keys give one run per key; the
server survives a restart of its database; nothing is left running afterwards."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from prefect import flow
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment

from tests.support.processes import alive
from tests.support.services import (
    PostgresCluster,
    PrefectServer,
    Worker,
    api,
    create_process_pool,
    deploy,
    flow_runs_of,
    wait_final,
)

POOL = "svc-process"
DEPLOYMENT = "tiny/tiny-svc"
RUN_TIMEOUT_S = 60


@flow(name="tiny-parent")
def fan_out(keys: list[str], out: str) -> list[str]:
    """One child run of the tiny deployment per key (a repeated key: the same run)."""
    ids = []
    for key in keys:
        parameters = {"value": key, "out": out}
        run = run_deployment(DEPLOYMENT, parameters=parameters, idempotency_key=key, timeout=0)
        assert isinstance(run, FlowRun)
        ids.append(str(run.id))
    return ids


def test_process_workers_run_a_deployment_of_this_checkout_on_a_postgres_server(tmp_path):
    out = tmp_path / "runs.txt"
    ours: set[int] = set()
    with contextlib.ExitStack() as stack:
        pg = stack.enter_context(PostgresCluster.start(tmp_path))
        pg.create_database("prefect")
        server = PrefectServer.start(pg.sqlalchemy_url("prefect"), tmp_path / "prefect")
        stack.callback(server.stop)
        env = server.env()
        create_process_pool(env, POOL, concurrency_limit=None)
        workers = [Worker.start(env, POOL, f"w{n}", limit=2, wait=None) for n in (1, 2)]
        for worker in workers:
            stack.callback(worker.stop)
        for worker in workers:
            worker.wait_online(env)
        deployment_id = deploy(env, "tests/support/tiny_flow.py:tiny", "tiny-svc", POOL)

        with api(env):
            ids = fan_out(["a", "b", "c", "a"], str(out))
        assert len(set(ids)) == 3 and ids[3] == ids[0], ids  # the repeated key: the same run
        states = wait_final(env, set(ids), RUN_TIMEOUT_S)
        logs = "\n".join(w.log_text() for w in workers)
        assert set(states.values()) == {"Completed"}, (states, logs)
        assert sorted(flow_runs_of(env, deployment_id)) == sorted(set(ids))
        assert sorted(line.split()[0] for line in _lines(out)) == ["a", "b", "c"]

        pg.restart()  # every connection of the server is cut
        server.wait_healthy(timeout=30)
        with api(env):
            again = fan_out(["d", "b"], str(out))
        assert again[1] == ids[1]
        after = wait_final(env, {again[0]}, RUN_TIMEOUT_S)
        assert after == {again[0]: "Completed"}, [w.log_text() for w in workers]
        assert len(flow_runs_of(env, deployment_id)) == 4

        ours = pg.pids() | server.pids() | set().union(*(w.pids() for w in workers))
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in ours) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in ours if alive(pid)], "a process outlived the test"
    assert not pg.owned_root or not pg.root.exists()


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()
