"""The steps the nightly flow takes in the scale-out mode, in its own words: ingest the areas
on the workers, then publish into the lake."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import areas
from flows.config import Paths, connect
from flows.ingest import ledger
from flows.scale import claims, lake, writer
from flows.scale.area_run import ROOT
from flows.scale.fan_out import AreaRun, run_areas
from flows.settings import Settings


def ingest_areas(
    paths: Paths, run_id: str, night: str, settings: Settings
) -> tuple[list[dict], list[dict]]:
    """raw/ itself first (it holds the list of areas), then every area in waves; the
    committed loads copied into the writer's warehouse. Returns tonight's file outcomes and
    the areas whose run did not complete (behind tonight, loaded on a later night)."""
    logger = get_run_logger()
    claims.ensure(str(settings.lake_catalog))
    lake.ensure_tables(settings)
    raw = str(paths.raw_dir)
    runs = run_areas([ROOT], raw, run_id, night, settings)
    writer.sync(paths, settings)
    with connect(paths.private_db, read_only=True) as con:
        declared = areas.declared(con)
    root = areas.root(declared)
    codes = [scope.code for scope in areas.scopes(declared) if scope.folder]
    runs += run_areas(codes, raw, run_id, night, settings)
    copied = writer.sync(paths, settings)
    logger.info("%d load(s) copied from the lake", len(copied))
    with connect(paths.private_db, read_only=True) as con:
        outcomes = [
            o.as_dict()
            for source in areas.every_source(declared)
            for o in ledger.run_outcomes(con, run_id, source.name, source.area_code).values()
        ]
    by_code = {a.code: a for a in areas.scopes(declared)}
    late = [_behind(run, by_code.get(run.area_code or root.code, root)) for run in runs]
    for item in filter(None, late):
        logger.warning("Area %s: %s", item["area_code"], item["reason"])
    return outcomes, [x for x in late if x]


def _behind(run: AreaRun, area: areas.Area) -> dict | None:
    if run.completed:
        return None
    return {
        "area_code": area.code,
        "area_name": area.name,
        "folder": area.folder,
        "reason": (
            f"lượt nạp của địa bàn không xong ({run.state}), nạp lại đêm sau / "
            f"area run did not complete ({run.state}): loaded on a later night"
        ),
    }


def in_lake(version: str) -> bool:
    """Whether the lake's latest publication is ``version``."""
    latest = claims.published_snapshot(str(Settings.from_env().lake_catalog))
    return latest is not None and latest[1] == version


@task(name="publish-lake", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def publish_task(paths: Paths, run_id: str, key: str, version: str) -> dict:
    """The published version into the lake at a recorded snapshot, then the lake tidied."""
    settings = Settings.from_env()
    snapshot = writer.publish_to_lake(paths, settings, version, run_id, key)
    problem = writer.tidy(settings)
    if problem:
        get_run_logger().warning("Lake maintenance not done: %s", problem)
    return {"lake_snapshot": snapshot}
