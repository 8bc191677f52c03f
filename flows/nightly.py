"""The nightly Prefect flow: ingest every source → dbt build → GX audit → publish.

Stages are Prefect tasks, so the UI shows each source's ingestion, the transform, the audit
and the publication; I/O tasks retry. Only one run at a time touches a warehouse (a file
lock); the private DuckDB file is opened by one stage at a time.
"""

from __future__ import annotations

import datetime as dt
import uuid

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Failed, State

from flows import areas, docs, summary
from flows.config import Paths, code_fingerprint, connect, pii_key
from flows.feedback import write_feedback
from flows.ingest import ledger
from flows.ingest.pipeline import (
    FileOutcome,
    ingest_source,
    record_unassigned,
    record_unchanged,
    unchanged_files,
)
from flows.ingest.references import load_references
from flows.lock import run_lock
from flows.months import month_end
from flows.preflight import PreflightError, check_raw_dir, check_warehouse, storage_message
from flows.publish import REPORT_FILES, publish
from flows.run_record import RunResult, published_manifest, record_run, records
from flows.scale import scaled
from flows.settings import Settings
from flows.transform import (
    TESTS_SINCE_ENV,
    column_descriptions,
    forget_build,
    plan_build,
    record_build,
    run_dbt,
)
from schemas.messages import file_message, run_message
from schemas.reference import AREAS
from schemas.registry import SOURCES, get_source


@task(
    name="ingest",
    task_run_name="ingest-{source_name}",
    retries=1,
    retry_delay_seconds=5,
    cache_policy=NO_CACHE,
)
def ingest_task(source_name: str, paths: Paths, run_id: str) -> list[dict]:
    """Load the new files of one source, area by area (each file in its own transaction)."""
    source = get_source(source_name)
    key = pii_key() if source.has_pii else None
    outcomes: list[FileOutcome] = []
    with connect(paths.private_db) as con:
        refs = load_references(con)
        for in_area in areas.bound(source, areas.declared(con)):
            outcomes += ingest_source(
                con, in_area, paths.raw_dir, run_id, refs, key, get_run_logger()
            )
        if source.name == AREAS.name:
            ledger.retag_area_list(con, areas.root(areas.declared(con)).code)
    return [o.as_dict() for o in outcomes]


@task(name="areas", cache_policy=NO_CACHE)
def areas_task(paths: Paths) -> list[dict]:
    """The areas of this run, for the models (``ops.areas``); rows from before areas existed
    given raw/'s own area. Returns the areas whose folder is missing: they are behind."""
    with connect(paths.private_db) as con:
        declared = areas.declared(con)
        con.begin()
        ledger.backfill_areas(con, areas.root(declared).code, list(SOURCES))
        areas.write_ops_areas(con, declared)
        con.commit()
    missing = areas.missing_folders(paths.raw_dir, declared)
    for area in missing:
        get_run_logger().warning(
            "%s: thư mục raw/%s/ không có hoặc trống / folder raw/%s/ missing or empty",
            area.label(),
            area.folder,
            area.folder,
        )
    return [{"area_code": a.code, "area_name": a.name, "folder": a.folder} for a in missing]


@task(name="ingest-check", cache_policy=NO_CACHE)
def unchanged_task(paths: Paths, run_id: str) -> list[dict] | None:
    """A quiet night's whole ingestion: if no file of any source is new or changed (size and
    mtime as when hashed), record them all as skipped at once; else None (ingest each
    source)."""
    with connect(paths.private_db) as con:
        found = []
        for source in areas.every_source(areas.declared(con)):
            files = unchanged_files(con, source, paths.raw_dir)
            if files is None:
                return None
            found.append((source, files))
        con.begin()
        outcomes = [
            o for source, files in found for o in record_unchanged(con, source, files, run_id)
        ]
        con.commit()
    get_run_logger().info("No new or changed file among %d: all skipped", len(outcomes))
    return [o.as_dict() for o in outcomes]


@task(name="unassigned", cache_policy=NO_CACHE)
def unassigned_task(paths: Paths, run_id: str) -> list[dict]:
    """Files under raw/ that no source reads (a folder with other capitals, raw/'s root…):
    each recorded as rejected with the folders the sources expect, never ignored silently."""
    with connect(paths.private_db) as con:
        outcomes = record_unassigned(
            con, paths.raw_dir, run_id, areas.every_source(areas.declared(con))
        )
    logger = get_run_logger()
    for outcome in outcomes:
        logger.warning("%s: %s", outcome.file_name, outcome.reason)
    return [o.as_dict() for o in outcomes]


@task(name="feedback", retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def feedback_task(paths: Paths, run_id: str) -> list[str]:
    """A response workbook (phiếu phản hồi) for every file with rejections in this run."""
    out_dir = paths.warehouse_dir / "feedback" / f"{dt.date.today():%Y-%m-%d}_{run_id[:8]}"
    return [str(p) for p in write_feedback(paths.private_db, paths.raw_dir, out_dir, run_id)]


@task(name="transform", cache_policy=NO_CACHE)
def transform_task(paths: Paths, as_of: dt.date | None) -> dict:
    """dbt build: models and their tests, in the private warehouse."""
    variables = {"as_of": as_of.isoformat()} if as_of else None
    # Incremental models keep what earlier builds computed and replace only what tonight's
    # files touch; after a code change, a new reference list or held files, the build is a
    # full one, so no row keeps old logic or old references (transform.plan_build).
    code = code_fingerprint()
    plan = plan_build(paths, code)
    if plan.full_refresh:
        get_run_logger().info("Full build: %s", plan.reason)
    # The KPI unit tests check the SQL, not the night's data: `make test` runs them, a night
    # does not (dbt's advice for production builds).
    result = run_dbt(
        "build",
        paths,
        "--exclude-resource-type",
        "unit_test",
        *(["--full-refresh"] if plan.full_refresh else []),
        variables=variables,
        env={TESTS_SINCE_ENV: str(plan.tests_since)},
    )
    if result.success:
        record_build(paths, plan, code)
    docs_error = None
    if not result.success:
        get_run_logger().error("dbt build failed:\n  %s", "\n  ".join(result.failures))
    else:
        docs_error = docs.build_dbt_docs(paths, variables, code)
        if docs_error:  # documentation is not data: the run goes on without it
            get_run_logger().warning("dbt docs not built: %s", docs_error)
    return {
        "success": result.success,
        "models": result.models,
        "tests": result.tests,
        "failures": result.failures,
        "docs_error": docs_error,
        "full_refresh": plan.full_refresh,
        "full_refresh_reason": plan.reason,
    }


@task(name="audit", cache_policy=NO_CACHE)
def audit_task(paths: Paths) -> dict:
    """great-expectations checkpoints over the new build, before anything is published."""
    # Imported here: great-expectations and pandas take seconds to import, which a night
    # with nothing new (no build, no audit) does not pay.
    from flows.audit import run_audit

    result = run_audit(str(paths.private_db), docs_dir=docs.gx_docs_dir(paths))
    if not result.success:
        get_run_logger().error(result.summary())
    return {
        "success": result.success,
        "expectations": len(result.checks),
        "failed": result.failures,
        "summary": result.summary(),
    }


@task(name="publish", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def publish_task(paths: Paths, run_id: str, key: str) -> dict:
    """Switch in the audited build: analyst file, Parquet, KPI report, data docs."""
    docs.write_index(paths, run_id)
    publication = publish(
        paths,
        run_id,
        column_descriptions(paths),  # the report: all plans
        build_key=key,
    )
    report = publication.report
    if report.get("error"):
        get_run_logger().error("KPI report not written: %s", report["error"])
    elif report.get("pdf_skipped"):
        get_run_logger().warning("KPI report PDF not written: %s", report["pdf_skipped"])
    return {
        "version": publication.version,
        "tables": publication.tables,
        "analyst_db": str(publication.analyst_db),
        "parquet": str(publication.parquet_dir),
        "report": {
            k: str(paths.warehouse_dir / v) if v and k in REPORT_FILES else v
            for k, v in report.items()
        },
        "docs": str(paths.docs_dir / "index.html"),
    }


def release_holds(paths: Paths) -> dict[str, list[int]]:
    """At the start of a night, the files held back last night are let in again (their area
    may have sent a correction): area → file ids. The next build is then a full one (the
    incremental models never saw them)."""
    with connect(paths.private_db) as con:
        rows = con.execute(
            "select area_code, list(file_id order by file_id) from ops.held_files group by 1"
        ).fetchall()
        if rows:
            con.execute("delete from ops.held_files")
            forget_build(paths)
    return {area: ids for area, ids in rows}


def _hold(paths: Paths, file_ids: list[int], area: str, run_id: str) -> None:
    with connect(paths.private_db) as con:
        con.executemany(
            "insert into ops.held_files values (?, ?, ?, current_timestamp)",
            [[file_id, area, run_id] for file_id in file_ids],
        )
    forget_build(paths)  # a full build without them


def _release(paths: Paths, area: str) -> None:
    with connect(paths.private_db) as con:
        con.execute("delete from ops.held_files where area_code = ?", [area])
    forget_build(paths)


def hold_back_one_area(
    paths: Paths,
    run_id: str,
    as_of: dt.date | None,
    released: dict[str, list[int]],
    result: RunResult,
) -> str | None:
    """When tonight's build fails its tests or audit and several areas brought new files
    (tonight's, or last night's held ones), find the area whose files alone are the cause:
    hold each such area's files back in turn and build again; the first build that passes
    is published without that area, which is then behind until it sends a correction. One
    area's mistake never blocks the others' publication. None: no single area explains the
    failure (nothing is held, nothing published)."""
    with connect(paths.private_db, read_only=True) as con:
        rows = con.execute(
            "select area_code, list(file_id order by file_id) from ops.files "
            "where first_run_id = ? and status = 'loaded' and area_code is not null group by 1",
            [run_id],
        ).fetchall()
    new = {area: list(ids) for area, ids in rows}
    for area, ids in released.items():
        new[area] = sorted({*new.get(area, []), *ids})
    if len(new) < 2:
        return None
    logger = get_run_logger()
    for area in sorted(new):
        logger.warning("Build failed: trying it without area %s's new files", area)
        _hold(paths, new[area], area, run_id)
        dbt_result = transform_task(paths, as_of)
        audit = audit_task(paths) if dbt_result["success"] else {}
        if dbt_result["success"] and audit.get("success"):
            result.dbt, result.audit = dbt_result, audit
            return area
        _release(paths, area)
    return None


def _read_outcome(paths: Paths, result: RunResult) -> None:
    """What the run summary shows from the new build: scorecard, findings, completeness."""
    with connect(paths.private_db, read_only=True) as con:
        result.scorecard = records(
            con,
            "select * from marts.kpi_scorecard where plan_id = ? order by kpi_code",
            [result.plan_id],
        )
        result.area_kpis = areas.area_values(con, result.scorecard)
        year = result.scorecard[0]["year"] if result.scorecard else None
        result.areas = areas.overview(con, result.run_id, year)
        result.findings = records(
            con,
            "select check_name, severity, count(*) as findings "
            "from marts.reconciliation_findings group by all order by all",
        )
        result.rejections_by_rule = records(
            con,
            "select rule, count(*) as rows, count(distinct file_name) as files "
            "from ops.rejections where run_id = ? group by rule order by rows desc, rule",
            [result.run_id],
        )
        result.completeness = records(
            con,
            "select period, expected_reports, received_reports, on_time_reports, "
            "completeness_pct, timeliness_pct from marts.reporting_completeness "
            "where breakdown = 'district' order by period desc limit 3",
        )


def _set_run_status(paths: Paths, run_id: str, status: str, message: str = "") -> None:
    with connect(paths.private_db) as con:
        ledger.finish_run(con, run_id, status, message or None)


@flow(name="nightly", log_prints=True)
def nightly(
    raw_dir: str = "raw",
    warehouse_dir: str = "warehouse",
    plan_id: str = "VL-2022",
    as_of: str | None = None,
    rebuild: bool = False,
    night: str | None = None,
) -> RunResult | State:
    """Ingest new files, rebuild the models, audit, publish; returns the run's result.

    ``as_of`` ("2022-06") computes the scorecard with data up to the end of that month, with
    year-end projections; by default the latest month loaded.

    A night that loads nothing new, with the same ``as_of`` and the same code as the
    published version, stops after ingestion: that publication already answers it
    (``rebuild`` forces the build anyway).

    A build that fails its dbt tests or its audit publishes nothing and ends the flow run in
    a Failed state carrying the RunResult (no traceback: it is an outcome, not a crash).

    In the scale-out mode (``VLPIPE_LAKE_CATALOG`` and ``VLPIPE_LAKE_DATA`` set) the areas
    are ingested by child flow runs on the work pool, into the lake; this flow is then the
    single writer (README "Scaling out"). ``night`` names the night for the child runs'
    idempotency keys (default: the run's date): the same night never starts an area twice.
    """
    paths = Paths.of(raw_dir, warehouse_dir)
    run_settings = Settings.from_env()  # read once, at the start of the run
    check_raw_dir(paths)
    check_warehouse(paths, run_settings.min_free_mb)  # read-only or full: one line, before writing
    as_of_date = month_end(as_of) if as_of else None
    run_id = str(flow_run.get_id() or uuid.uuid4())
    result = RunResult(run_id=run_id, plan_id=plan_id)
    with run_lock(paths, run_settings.lock_wait_seconds):
        with connect(paths.private_db) as con:
            ledger.ensure_ops(con)
            ledger.start_run(con, run_id, plan_id)
        started = dt.datetime.now().isoformat(timespec="seconds")
        record_run(
            paths,
            {"run_id": run_id, "plan_id": plan_id, "status": "running", "started_at": started},
        )
        docs.reset(paths)
        try:
            released = release_holds(paths)
            late: list[dict] = []
            if run_settings.scale_out:
                night_key = night or run_settings.run_date().isoformat()
                result.outcomes, late = scaled.ingest_areas(paths, run_id, night_key, run_settings)
            else:
                quiet = None if released else unchanged_task(paths, run_id)
                if quiet is not None:
                    result.outcomes = quiet
                else:
                    for source in SOURCES:
                        result.outcomes += ingest_task(source.name, paths, run_id)
            result.outcomes += unassigned_task(paths, run_id)
            result.areas_behind = areas_task(paths) + late
            result.feedback = feedback_task(paths, run_id)
            key = build_key(paths, as_of_date)
            if released:  # last night's held files are back in: never "nothing new"
                key += f";released={','.join(sorted(released))}"
            unchanged = None if rebuild else published_with_key(paths, key)
            failure = None
            if unchanged:
                result.published = unchanged
                get_run_logger().info(
                    "Nothing new since version %s: no rebuild, no new publication",
                    unchanged["version"],
                )
                if run_settings.scale_out and not scaled.in_lake(unchanged["version"]):
                    # that version's lake publication had failed (PostgreSQL down): now
                    result.published.update(
                        scaled.publish_task(paths, run_id, key, unchanged["version"])
                    )
            else:
                result.dbt = transform_task(paths, as_of_date)
                if result.dbt["success"]:
                    result.audit = audit_task(paths)
                failure = _failure(result)
                held = (
                    hold_back_one_area(paths, run_id, as_of_date, released, result)
                    if failure
                    else None
                )
                if held is not None:
                    result.held = [{"area_code": held, "failure": failure}]
                    failure = None
                    key += f";held={held}"
                if failure is None:
                    result.published = publish_task(paths, run_id, key)
                    if run_settings.scale_out:
                        result.published.update(
                            scaled.publish_task(paths, run_id, key, result.published["version"])
                        )
            if failure is None:
                _read_outcome(paths, result)
        except Exception as exc:
            storage = storage_message(exc, paths.warehouse_dir)
            message = storage or f"{type(exc).__name__}: {exc}"[:2000]
            try:
                _set_run_status(paths, run_id, "failed", message)
                record_run(
                    paths,
                    {
                        "run_id": run_id,
                        "plan_id": plan_id,
                        "status": "failed",
                        "started_at": started,
                        "finished_at": _now(),
                        "message": message,
                    },
                )
            except Exception:  # the storage that failed the run may fail its bookkeeping
                if storage is None:
                    raise
            if storage:  # a full or read-only disk: one line, no traceback to read
                raise PreflightError(storage) from exc
            raise
        config = configuration_errors(result.outcomes)
        result.status = "failed" if failure else (CONFIG_ERRORS if config else "completed")
        result.message = "\n".join(filter(None, [failure, *config, *held_messages(result)]))
        _set_run_status(paths, run_id, result.status, result.message)
        record_run(
            paths,
            {
                "run_id": run_id,
                "plan_id": plan_id,
                "status": result.status,
                "started_at": started,
                "finished_at": _now(),
                "counts": summary.counts(result),
                "message": result.message,
                "published": result.published.get("version"),
            },
        )
    summary.publish_artifacts(result)
    if failure:
        return Failed(message=result.message, data=result)
    if config:  # published, yet not a success: a whole source is missing until fixed
        return Failed(name=CONFIG_ERRORS_STATE, message=result.message, data=result)
    return result


def held_messages(result: RunResult) -> list[str]:
    """The areas held back tonight, in Vietnamese and English, with the failure they cause."""
    return [
        f"Địa bàn {h['area_code']} tạm giữ lại: tệp mới của địa bàn làm bản dựng không đạt "
        f"kiểm tra; các địa bàn khác đã được công bố; tệp sẽ được thử lại đêm sau (gửi tệp "
        f"sửa để thay thế). / Area {h['area_code']} held back: its new files make the build "
        f"fail; the other areas are published; its files are tried again next night (send a "
        f"corrected file to replace them).\n{h['failure']}"
        for h in result.held
    ]


CONFIG_ERRORS = "completed_with_configuration_errors"
CONFIG_ERRORS_STATE = "Completed with configuration errors"
# A file refused for the pipeline's own configuration, not for its content: the run rule
# that says which source, why and how to fix it.
CONFIG_FILE_RULES = {
    file_message("no_pii_key"): "source_no_pii_key",
    file_message("pii_key_changed"): "source_pii_key_changed",
}


def configuration_errors(outcomes: list[dict]) -> list[str]:
    """One line per source whose files were refused for a configuration reason (no
    personal-data key, another key than the warehouse's): which source, why, how to fix."""
    found: dict[tuple[str, str], int] = {}
    for o in outcomes:
        rule = CONFIG_FILE_RULES.get(o.get("reason") or "")
        if o["status"] == "rejected" and rule:
            found[(o["source"], rule)] = found.get((o["source"], rule), 0) + 1
    return [
        run_message(rule, f"{source} ({files} file(s) / tệp)")
        for (source, rule), files in sorted(found.items())
    ]


def build_key(paths: Paths, as_of: dt.date | None) -> str:
    """What a build depends on: the files loaded, ``as_of`` and the code that builds it."""
    with connect(paths.private_db, read_only=True) as con:
        files = con.execute("select count(*), max(file_id) from ops.files").fetchone()
    return f"files={files[0]}:{files[1]};as_of={as_of};code={code_fingerprint()}"


def published_with_key(paths: Paths, key: str) -> dict | None:
    """The current publication, if it was built from exactly ``key`` and is intact."""
    manifest = published_manifest(paths)
    if manifest is None or manifest.get("build_key") != key:
        return None
    return {
        "version": manifest["version"],
        "tables": manifest["tables"],
        "analyst_db": str(paths.analyst_db),
        "parquet": str(paths.parquet_dir),
        "unchanged": True,
        "report": {
            k: str(paths.warehouse_dir / v) if v and k in REPORT_FILES else v
            for k, v in (manifest.get("report") or {}).items()
        },
        "docs": str(paths.docs_dir / "index.html"),
    }


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def _failure(result: RunResult) -> str | None:
    """Why the build must not be published, or None."""
    if not result.dbt.get("success"):
        return "dbt build failed, nothing new published:\n  " + "\n  ".join(
            result.dbt.get("failures", [])
        )
    if not result.audit.get("success"):
        return "audit failed, nothing new published:\n" + result.audit.get("summary", "")
    return None
