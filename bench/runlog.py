"""Where a `vlpipe run` spends its time, from the timestamps of Prefect's log lines.

A task's time runs from the end of the previous task (or the flow's start) to its own
"Finished in state" line; start-up is the time before the flow begins, shut-down the time
after the last task (summary, artifacts, stopping the temporary API server).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

LINE = re.compile(r"^(\d\d:\d\d:\d\d\.\d{3}) \| \w+ +\| (Flow|Task) run '([^']+)' - (.*)$")
GROUPS = (
    ("ingest", "ingest-"),
    ("feedback", "feedback"),
    ("transform (dbt build)", "transform"),
    ("audit (great-expectations)", "audit"),
    ("publish", "publish"),
)


def phases(output: str, started_at: float, seconds: float) -> dict[str, float]:
    """Seconds per phase: start-up, each task group, shut-down (empty if unparsable)."""
    start = dt.datetime.fromtimestamp(started_at)

    def at(clock: str) -> float:
        t = dt.datetime.combine(start.date(), dt.time.fromisoformat(clock))
        if t < start - dt.timedelta(hours=1):  # past midnight
            t += dt.timedelta(days=1)
        return (t - start).total_seconds()

    begin, last, out = None, None, {}
    for line in output.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        clock, kind, name, text = m.groups()
        if kind == "Flow" and text.startswith("Beginning flow run"):
            begin = last = at(clock)
        elif kind == "Task" and text.startswith("Finished in state") and last is not None:
            group = next((g for g, prefix in GROUPS if name.startswith(prefix)), "other")
            now = at(clock)
            out[group] = out.get(group, 0.0) + now - last
            last = now
    if begin is None or last is None:
        return {}
    return {"start-up": begin, **out, "shut-down": seconds - last}


def dbt_profile(run_results: Path, top: int = 8) -> dict | None:
    """Where a night's dbt build spent its time, from dbt's ``run_results.json``: the
    build's elapsed seconds, the models' and the tests' summed seconds (dbt runs several
    nodes at once, so the sums exceed the elapsed time) and the ``top`` slowest nodes."""
    if not run_results.is_file():
        return None
    data = json.loads(run_results.read_text(encoding="utf-8"))
    nodes = [
        (r["unique_id"].split(".")[0], r["unique_id"].split(".")[2], r["execution_time"])
        for r in data.get("results", [])
    ]
    models = [n for n in nodes if n[0] == "model"]
    tests = [n for n in nodes if n[0] == "test"]
    return {
        "elapsed": data.get("elapsed_time"),
        "models": len(models),
        "model_seconds": sum(n[2] for n in models),
        "tests": len(tests),
        "test_seconds": sum(n[2] for n in tests),
        "top": [
            [kind, name, seconds]
            for kind, name, seconds in sorted(nodes, key=lambda n: -n[2])[:top]
        ],
    }
