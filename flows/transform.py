"""Build the SQL models (staging → intermediate → marts) with dbt, in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from flows.config import SQL_DIR, Paths
from flows.settings import DBT_DB_ENV


@dataclass
class DbtResult:
    success: bool
    models: int
    tests: int
    failures: list[str]


def dbt_args(command: str, paths: Paths, *extra: str) -> list[str]:
    target = paths.private_dir / "dbt"
    return [
        *command.split(),
        "--project-dir",
        str(SQL_DIR),
        "--profiles-dir",
        str(SQL_DIR),
        "--target-path",
        str(target / "target"),
        "--log-path",
        str(target / "logs"),
        "--quiet",
        *extra,
    ]


def run_dbt(command: str, paths: Paths, *extra: str, variables: dict | None = None) -> DbtResult:
    """Run a dbt command against the private warehouse in a child process.

    A child process rather than dbtRunner: dbt-duckdb keeps its database handle open for the
    life of the process, which would lock the next stages out of the file.
    """
    args = dbt_args(command, paths, *extra)
    if variables:
        args += ["--vars", json.dumps(variables)]
    env = {**os.environ, DBT_DB_ENV: str(paths.private_db)}
    dbt = Path(sys.executable).with_name("dbt")
    results_file = paths.private_dir / "dbt" / "target" / "run_results.json"
    results_file.unlink(missing_ok=True)  # never read a previous invocation's results
    proc = subprocess.run([str(dbt), *args], env=env, capture_output=True, text=True, check=False)
    results = []
    if results_file.exists():
        results = json.loads(results_file.read_text(encoding="utf-8")).get("results", [])
    failures = [
        f"{r['unique_id']}: {r['status']} {r.get('message') or ''}".strip()
        for r in results
        if r["status"] in ("error", "fail", "runtime error")
    ]
    if proc.returncode != 0 and not failures:
        failures = [
            f"dbt {command} exited {proc.returncode}: "
            + (proc.stdout + proc.stderr).strip()[-2000:]
        ]
    models = sum(1 for r in results if r["unique_id"].startswith("model."))
    tests = sum(1 for r in results if r["unique_id"].startswith("test."))
    return DbtResult(proc.returncode == 0 and not failures, models, tests, failures)


def column_descriptions(paths: Paths) -> dict[str, dict]:
    """{model: {"description": str, "columns": {column: description}}} from dbt's manifest."""
    manifest = Path(paths.private_dir / "dbt" / "target" / "manifest.json")
    if not manifest.exists():
        return {}
    nodes = json.loads(manifest.read_text(encoding="utf-8")).get("nodes", {})
    return {
        n["name"]: {
            "description": n.get("description", ""),
            "columns": {c: v.get("description", "") for c, v in n["columns"].items()},
        }
        for n in nodes.values()
        if n.get("resource_type") == "model"
    }
