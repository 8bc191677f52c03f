"""Build the SQL models (staging → intermediate → marts) with dbt, in a child process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from flows.config import SQL_DIR, Paths, connect
from flows.queries import first_row
from flows.settings import DBT_DB_ENV
from schemas.registry import REFERENCE_SOURCES

# Row-level data tests (not_null, accepted_values, relationships) of the big tables check only
# the rows of files newer than this file_seq (macros/get_where_subquery.sql): the older rows
# passed them in an earlier build and no loaded file ever changes. Whole-table tests (unique
# keys, the singular tests) always check every row.
TESTS_SINCE_ENV = "VLPIPE_TESTS_SINCE_FILE_SEQ"


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


@dataclass
class BuildPlan:
    """How tonight's dbt build runs: from scratch, or only over what the new files touch."""

    full_refresh: bool
    reason: str  # why a full build ("" when incremental)
    tests_since: int  # row-level tests check files above this file_seq (-1: every row)
    loaded: dict  # the loaded files the build sees: {"files": n, "max_file_id": m}


NO_RECORD = "no record of a last build (first night, or files held back or let in again)"


def _state_file(paths: Paths) -> Path:
    return paths.private_dir / "dbt" / "last_build.json"


def _loaded_files(paths: Paths) -> dict:
    with connect(paths.private_db, read_only=True) as con:
        files, max_id = first_row(
            con,
            "select count(*), coalesce(max(file_id), -1) from ops.files where status = 'loaded'",
        )
    return {"files": files, "max_file_id": max_id}


def plan_build(paths: Paths, code: str) -> BuildPlan:
    """Incremental when the last build ran the same code over a prefix of tonight's files and
    no reference list is new; otherwise a full build, with its reason.

    Incremental models replace only the groups that files above the last build's highest
    file_seq touch, so a full build is needed when that is not the whole story: new code, a
    new reference list (every joined row may change), or a file with a lower id loaded after
    the last build (scale-out: an area that committed late), or no record of the last build
    (first night, held files let in or out)."""
    loaded = _loaded_files(paths)
    state_file = _state_file(paths)
    state = json.loads(state_file.read_text(encoding="utf-8")) if state_file.exists() else None
    if state is None:
        return BuildPlan(True, NO_RECORD, -1, loaded)
    if state.get("code") != code:
        return BuildPlan(True, "the code changed", -1, loaded)
    since = int(state["max_file_id"])
    with connect(paths.private_db, read_only=True) as con:
        older, references = first_row(
            con,
            "select count(*) filter (where file_id <= ?), "
            "count(*) filter (where file_id > ? and list_contains(?, source)) "
            "from ops.files where status = 'loaded'",
            [since, since, [s.name for s in REFERENCE_SOURCES]],
        )
    if older != state["files"]:
        return BuildPlan(True, "files older than the last build arrived", -1, loaded)
    if references:
        return BuildPlan(True, "a reference list changed", -1, loaded)
    return BuildPlan(False, "", since, loaded)


def record_build(paths: Paths, plan: BuildPlan, code: str) -> None:
    """What the successful build saw: the next night's plan starts from it."""
    _state_file(paths).write_text(json.dumps({"code": code, **plan.loaded}), encoding="utf-8")


def forget_build(paths: Paths) -> None:
    """The next build is a full one (files held back or let in again)."""
    _state_file(paths).unlink(missing_ok=True)


def run_dbt(
    command: str,
    paths: Paths,
    *extra: str,
    variables: dict | None = None,
    env: dict[str, str] | None = None,
) -> DbtResult:
    """Run a dbt command against the private warehouse in a child process.

    A child process rather than dbtRunner: dbt-duckdb keeps its database handle open for the
    life of the process, which would lock the next stages out of the file.
    """
    args = dbt_args(command, paths, *extra)
    if variables:
        args += ["--vars", json.dumps(variables)]
    env = {**os.environ, **(env or {}), DBT_DB_ENV: str(paths.private_db)}
    dbt = Path(sys.executable).with_name("dbt")
    results_file = paths.private_dir / "dbt" / "target" / "run_results.json"
    results_file.unlink(missing_ok=True)  # never read a previous invocation's results
    proc = subprocess.run([str(dbt), *args], env=env, capture_output=True, text=True, check=False)
    results = []
    if results_file.exists():
        results = json.loads(results_file.read_text(encoding="utf-8")).get("results", [])
        if command == "build":  # kept: `dbt docs generate` writes its own run_results.json
            shutil.copyfile(results_file, build_results_file(paths))
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


def build_results_file(paths: Paths) -> Path:
    """The last dbt build's ``run_results.json`` (each model's and test's seconds): where a
    night's build spent its time."""
    return paths.private_dir / "dbt" / "build_results.json"


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
