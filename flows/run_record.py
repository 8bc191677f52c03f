"""The run's record, one leaf module: the result of a nightly run, the last run's status
(``private/last_run.json``, written at the start and end of every run) and the published
manifest (``published.json``). ``nightly`` writes them, ``summary`` and ``status`` read them;
this module imports nothing of theirs, so none of them imports another to share a type.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flows.config import Paths

if TYPE_CHECKING:
    import duckdb

LAST_RUN = "last_run.json"
PUBLISHED = "published.json"


@dataclass
class RunResult:
    run_id: str
    plan_id: str
    status: str = "running"
    outcomes: list[dict] = field(default_factory=list)
    dbt: dict = field(default_factory=dict)
    audit: dict = field(default_factory=dict)
    published: dict = field(default_factory=dict)
    scorecard: list[dict] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)  # response workbooks written this run
    findings: list[dict] = field(default_factory=list)  # reconciliation, by check and severity
    completeness: list[dict] = field(default_factory=list)  # district reporting, latest months
    rejections_by_rule: list[dict] = field(default_factory=list)  # this run's rejected rows
    areas_behind: list[dict] = field(default_factory=list)  # areas whose folder is missing
    area_kpis: list[dict] = field(default_factory=list)  # each area's KPIs, for a province
    areas: list[dict] = field(default_factory=list)  # each area's night, when several
    held: list[dict] = field(default_factory=list)  # areas held back tonight, and why
    message: str = ""


def record_run(paths: Paths, record: dict) -> None:
    """Write the run's status for `vlpipe status` (atomically; no personal data in it)."""
    target = paths.private_dir / LAST_RUN
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=2, default=str, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, target)


def last_run(paths: Paths) -> dict | None:
    """The last run's status as :func:`record_run` wrote it, or None before the first run."""
    path = paths.private_dir / LAST_RUN
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def published_manifest(paths: Paths) -> dict | None:
    """The current publication's manifest, or None when nothing (intact) is published."""
    record = paths.warehouse_dir / PUBLISHED
    if not record.exists() or not paths.analyst_db.exists():
        return None
    return json.loads(record.read_text(encoding="utf-8"))


def records(
    con: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None
) -> list[dict]:
    """A query's rows as dicts, by column name."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
