"""The single writer's side of the scale-out mode (the nightly flow, once the area runs are
done): copy the committed loads into its working copy, publish the audited marts into the
lake at a snapshot recorded in one transaction, and keep the lake tidy.

The working copy is the writer's private DuckDB file, the same one the single-file mode
builds: dbt, the audit, the run summary and the publication run on it unchanged, so the two
modes cannot drift apart. It holds exactly the loads the shared ledger committed (a load is
copied once: ``ops.loads_applied``), and can be rebuilt from the lake at any time.
"""

from __future__ import annotations

import logging

import duckdb

from flows.config import Paths, connect
from flows.scale import claims, lake
from flows.scale.lake import ALIAS, LOAD_ID
from flows.settings import Settings

log = logging.getLogger("vlpipe")


def sync(paths: Paths, settings: Settings) -> list[str]:
    """Copy every committed load not yet applied into the private warehouse, in one
    transaction; returns the loads copied."""
    committed = claims.committed_loads(str(settings.lake_catalog))
    with connect(paths.private_db) as con:
        con.execute(
            "create table if not exists ops.loads_applied (load_id varchar, applied_at timestamp)"
        )
        applied = {r[0] for r in con.execute("select load_id from ops.loads_applied").fetchall()}
        new = [c for c in committed if c not in applied]
        if not new:
            return []
        lake.attach(con, settings, read_only=True)
        con.execute("create temp table new_loads (load_id varchar)")
        con.executemany("insert into new_loads values (?)", [[n] for n in new])
        con.begin()
        try:
            for schema, table in lake.area_tables():
                _copy_table(con, schema, table)
            con.execute(
                "insert into ops.loads_applied select load_id, current_timestamp from new_loads"
            )
            con.commit()
        except Exception:
            con.rollback()
            raise
        finally:
            con.execute(f"detach {ALIAS}")
    return new


def _copy_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> None:
    have = lake.columns(con, ALIAS, schema, table)
    if not have:
        return
    if not lake.columns(con, "pipeline", schema, table):  # a source never loaded here
        con.execute(f"create schema if not exists {schema}")
        con.execute(
            f"create table {schema}.{table} as select * exclude ({LOAD_ID}) "
            f"from {ALIAS}.{schema}.{table} limit 0"
        )
    # one outcome per (night, source, file), as the single-file ledger keeps it
    once = (
        " and not exists (select 1 from ops.file_events p where p.run_id = t.run_id "
        "and p.source = t.source and p.file_name = t.file_name) qualify row_number() over "
        "(partition by run_id, source, file_name order by recorded_at) = 1"
        if (schema, table) == ("ops", "file_events")
        else ""
    )
    con.execute(
        f"insert into {schema}.{table} by name select * exclude ({LOAD_ID}) "
        f"from {ALIAS}.{schema}.{table} t "
        f"where {LOAD_ID} in (select load_id from new_loads){once}"
    )


def publish_to_lake(
    paths: Paths, settings: Settings, version: str, run_id: str, build_key: str | None
) -> int:
    """The audited marts into the lake's ``marts`` schema in one transaction; its snapshot
    id is then recorded in the ledger's ``vlpipe_publications`` (one transaction): analysts
    attach the lake at that snapshot, never at a half-built one. Returns the snapshot id."""
    with connect() as con:
        con.execute(f"attach {lake.quote(str(paths.private_db))} as pipeline (read_only)")
        lake.attach(con, settings)
        names = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where database_name = 'pipeline' "
                "and schema_name = 'marts' order by table_name"
            ).fetchall()
        ]
        old = {
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where database_name = ? "
                "and schema_name = 'marts'",
                [ALIAS],
            ).fetchall()
        }
        con.begin()
        try:
            for name in names:
                con.execute(
                    f"create or replace table {ALIAS}.marts.{name} as "
                    f"select * from pipeline.marts.{name}"
                )
            for name in sorted(old - set(names)):
                con.execute(f"drop table {ALIAS}.marts.{name}")
            con.commit()
        except Exception:
            con.rollback()
            raise
        found = con.execute(f"select id from {ALIAS}.current_snapshot()").fetchone()
        snapshot = int(found[0]) if found else 0
    claims.record_publication(str(settings.lake_catalog), snapshot, version, run_id, build_key)
    return snapshot


def tidy(settings: Settings, keep_days: int = 30) -> str | None:
    """Delete the rows of loads the ledger never committed (a worker died between its lake
    commit and its ledger commit: never read, so nothing changes), merge the small Parquet
    files the loads wrote, expire snapshots older than ``keep_days`` (never the published
    one) and delete the files no snapshot needs. Runs in the writer's step only; a failure
    is logged and tried again the next night."""
    published = claims.published_snapshot(str(settings.lake_catalog))
    committed = claims.committed_loads(str(settings.lake_catalog))
    try:
        with lake.open_lake(settings) as con:
            _drop_orphans(con, committed, settings.area_timeout_seconds)
            con.execute(f"call ducklake_merge_adjacent_files('{ALIAS}')")
            below = published[0] if published else 0
            old = [
                r[0]
                for r in con.execute(
                    f"select snapshot_id from ducklake_snapshots('{ALIAS}') where snapshot_id < ? "
                    f"and snapshot_time < now() - interval '{int(keep_days)} days'",
                    [below],
                ).fetchall()
            ]
            if old:
                con.execute(f"call ducklake_expire_snapshots('{ALIAS}', versions => ?)", [old])
            con.execute(f"call ducklake_cleanup_old_files('{ALIAS}', cleanup_all => true)")
    except Exception as exc:  # tidying is not data: the night is not failed for it
        log.warning("Lake maintenance not done: %s: %s", type(exc).__name__, exc)
        return f"{type(exc).__name__}: {exc}"
    return None


def _drop_orphans(con: duckdb.DuckDBPyConnection, committed: list[str], grace_s: float) -> None:
    """Rows of loads older than ``grace_s`` that the ledger does not know: in one
    transaction, when there are any (a DELETE, so only here, with no area run writing)."""
    orphans = [
        r[0]
        for r in con.execute(
            f"select load_id from {ALIAS}.ops.loads where load_id not in (select unnest(?)) "
            f"and committed_at < now()::timestamp - to_seconds(?)",
            [committed, grace_s],
        ).fetchall()
    ]
    if not orphans:
        return
    log.warning("Lake: removing the rows of %d load(s) never committed", len(orphans))
    con.begin()
    for schema, table in lake.area_tables():
        con.execute(
            f"delete from {ALIAS}.{schema}.{table} where {LOAD_ID} in (select unnest(?))", [orphans]
        )
    con.execute(f"delete from {ALIAS}.ops.loads where load_id in (select unnest(?))", [orphans])
    con.commit()
