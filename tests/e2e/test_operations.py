"""What the people who run the pipeline rely on: `vlpipe serve` really runs the flow on its
schedule and leaves nothing behind; every option says what it does; a night that could not
load a whole source for a configuration reason is not a success; the summary names each
file once."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time

from flows.config import PROJECT_ROOT, Paths
from flows.nightly import RunResult
from tests.support.helpers import (
    ENTERPRISE_HEADERS,
    LABOUR_HEADERS,
    enterprise_row,
    labour_row,
    write_csv,
    write_reference,
)
from tests.support.processes import alive, cmdline, descendants

SERVE_DEADLINE_S = 300  # the next minute (≤ 60 s) + a night (~45 s) on a loaded 2-core CI


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "flows.cli", *args]


# ------------------------------------------------------------ 1. `vlpipe serve` schedules


def test_serve_runs_the_flow_on_its_schedule_and_leaves_no_server(tmp_path):
    """A real Prefect server of its own (not the ephemeral one, which never schedules), a
    cron of every minute: the scheduler creates a run of `nightly`, the runner runs it, it
    publishes; SIGTERM stops everything, the server included."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    raw, warehouse = tmp_path / "raw", tmp_path / "wh"
    write_reference(raw)
    write_csv(raw / "enterprise_reports/t.csv", ENTERPRISE_HEADERS, [enterprise_row(1)])
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT),
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_RUNNER_POLL_FREQUENCY="2",
    )
    out = (tmp_path / "serve.log").open("w+b")
    serve = subprocess.Popen(
        _cli(
            "serve", "--cron", "* * * * *", "--raw-dir", str(raw), "--warehouse-dir", str(warehouse)
        ),
        cwd=PROJECT_ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    seen: set[int] = set()
    last_run = Paths.of(raw, warehouse).private_dir / "last_run.json"
    try:
        deadline = time.monotonic() + SERVE_DEADLINE_S
        record: dict = {}
        while time.monotonic() < deadline and serve.poll() is None:
            seen |= descendants(serve.pid)
            if last_run.exists():
                with contextlib.suppress(ValueError):
                    record = json.loads(last_run.read_text(encoding="utf-8"))
                if record.get("finished_at"):
                    break
            time.sleep(0.5)
        log = (tmp_path / "serve.log").read_text(encoding="utf-8", errors="replace")
        assert serve.poll() is None, log
        assert record.get("status") == "completed", log
        assert (warehouse / "published.json").exists()
        assert any(b"uvicorn" in cmdline(p) for p in seen), "no server of its own"
        assert "Cannot schedule" not in log

        url = re.search(r"Prefect server / Máy chủ Prefect: (\S+)", log)
        assert url, log
        with temporary_settings(updates={PREFECT_API_URL: url.group(1)}):

            async def runs():
                async with get_client() as client:
                    return await client.read_flow_runs()

            import asyncio

            flow_runs = asyncio.run(runs())
        ours = [r for r in flow_runs if str(r.id) == record["run_id"]]
        assert ours and ours[0].deployment_id and ours[0].auto_scheduled  # by the scheduler

        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(alive(p) for p in seen) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [p for p in seen if alive(p)], "a process outlived `vlpipe serve`"
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
        for pid in seen | descendants(serve.pid):  # nothing of ours keeps running
            if alive(pid):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        out.close()


def test_serve_without_a_server_says_so_in_one_line(tmp_path):
    """PREFECT_HOME that cannot hold a database (and a short startup timeout, to keep the
    test quick): one line (VI + EN), exit 2, no traceback."""
    raw = tmp_path / "raw"
    write_reference(raw)
    home = tmp_path / "home"
    home.write_text("not a folder")  # PREFECT_HOME is a file: no database, no server
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT),
        PREFECT_HOME=str(home),
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="5",
    )
    run = subprocess.run(
        _cli("serve", "--raw-dir", str(raw), "--warehouse-dir", str(tmp_path / "wh")),
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2, run.stderr
    lines = [line for line in run.stderr.splitlines() if "máy chủ Prefect" in line]
    assert len(lines) == 1 and "The Prefect server could not be started" in lines[0], run.stderr
    assert "Traceback" not in run.stderr


# ------------------------------------------------------ 2. every option says what it does


def test_every_option_of_every_command_has_help():
    for command in ("run", "serve", "status", "templates"):
        text = subprocess.run(
            _cli(command, "--help"),
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
            check=True,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "COLUMNS": "200"},
        ).stdout
        options = text.split("options:", 1)[1]
        # One block per option: its invocation ("--raw-dir RAW_DIR", "-h, --help"), then its
        # text on the same line or, for a long invocation, on the lines below.
        blocks = re.split(r"^(?=  -)", options, flags=re.MULTILINE)[1:]
        assert blocks, text
        for block in blocks:
            invocation = re.match(r"  (-[\w-]+(?: [A-Z_]+)?(?:, -[\w-]+(?: [A-Z_]+)?)*)", block)
            assert invocation, block
            described = block[invocation.end() :].strip()
            assert described, f"vlpipe {command}: no help for {invocation.group(1)}"


# ------------------------------------------------------------ 4. each file named once


def test_the_summary_names_a_rejected_file_by_its_path_once():
    result = RunResult(
        run_id="r",
        plan_id="VL-2022",
        status="completed",
        outcomes=[
            {
                "source": "enterprise_reports",
                "file_name": "enterprise_reports/2022/t3.csv",
                "status": "rejected",
                "rows_loaded": 0,
                "rows_rejected": 0,
                "reason": "why",
            }
        ],
    )
    from flows.summary import render_text

    text = render_text(result)
    assert "✗ enterprise_reports/2022/t3.csv: why" in text
    assert "enterprise_reports/enterprise_reports" not in text


# ------------------------------------- 3. a source not loaded for want of configuration


def test_a_night_without_the_pii_key_publishes_the_rest_and_is_not_a_success(
    prefect_harness, tmp_path, monkeypatch
):
    from flows import summary
    from flows.cli import exit_code
    from flows.nightly import nightly

    monkeypatch.delenv("VLPIPE_PII_KEY", raising=False)
    raw, warehouse = tmp_path / "raw", tmp_path / "wh"
    write_reference(raw)
    write_csv(
        raw / "enterprise_reports/t.csv", ENTERPRISE_HEADERS, [enterprise_row(1), enterprise_row(2)]
    )
    write_csv(raw / "labour/lao_dong.csv", LABOUR_HEADERS, [labour_row(1), labour_row(2)])

    state = nightly(raw_dir=str(raw), warehouse_dir=str(warehouse), return_state=True)
    result = state.result(raise_on_failure=False)
    assert isinstance(result, RunResult), result
    assert state.is_failed() and state.name == "Completed with configuration errors"
    assert "labour" in state.message and "VLPIPE_PII_KEY" in state.message
    published = json.loads((warehouse / "published.json").read_text(encoding="utf-8"))
    assert "fct_unit_months" in published["tables"]  # the enterprise rows are published
    labour = [o for o in result.outcomes if o["source"] == "labour_spells"]
    assert labour and all(o["status"] == "rejected" for o in labour)
    for text in (summary.render_text(result), summary.render_markdown(result)):
        assert "labour_spells" in text and "VLPIPE_PII_KEY" in text and "vlpipe-pii-key" in text
    status = json.loads(
        (Paths.of(raw, warehouse).private_dir / "last_run.json").read_text(encoding="utf-8")
    )
    assert status["status"] == result.status != "completed"
    assert exit_code(state, result) == 4  # `vlpipe run`'s exit code for such a night
