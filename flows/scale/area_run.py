"""One area's ingestion in the scale-out mode: a Prefect flow a worker runs on any machine.

The area's new files go through the same generic path as in the single-file mode
(``ingest_source``), into a scratch DuckDB file of the worker's own, seeded from the lake
with what that path consults (the area's ledger, the reference lists, the area's earlier
rows for the plausibility history). At the end, the load claims its new files in the shared
ledger and appends everything to the lake in one insert-only transaction, every row tagged
with the load id (this flow run's id). A worker that dies leaves nothing behind but its
scratch file, which the system's temporary folder reclaims.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import duckdb
from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from flows import areas
from flows.config import connect
from flows.ingest import ledger
from flows.ingest.pipeline import ingest_source
from flows.ingest.references import load_references
from flows.scale import claims, lake
from flows.scale.lake import ALIAS, LOAD_ID
from flows.settings import Settings
from schemas.reference import AREAS
from schemas.registry import REFERENCE_SOURCES, SOURCES

ROOT = ""  # the area code that means "raw/ itself", whatever the list of areas says
# Scratch file ids start here, above every global id (the shared ledger numbers files from
# 1): tonight's files sort after the seeded ones, as in the single-file warehouse, and are
# renumbered with their global ids when appended.
LOCAL_IDS = 1 << 62
TAKEN = (
    "đã xử lý: cùng nội dung được một lượt khác nạp cùng lúc / already processed: the same "
    "content was loaded by another run at the same time"
)


def _run_name() -> str:
    code = flow_run.get_parameters().get("area_code")
    return f"area-{code or 'raw'}"


@flow(name="area-ingest", flow_run_name=_run_name, log_prints=True)
def area_ingest(raw_dir: str, area_code: str, run_id: str) -> dict:
    """Ingest one area's new files (``area_code`` ``""``: raw/ itself, with the list of
    areas) and append them to the lake as one load of the night ``run_id``."""
    settings = Settings.from_env()
    load_id = str(flow_run.get_id() or uuid.uuid4())
    with (
        tempfile.TemporaryDirectory(prefix="vlpipe-area-") as tmp,
        connect(Path(tmp) / "area.duckdb") as con,
    ):
        ledger.ensure_ops(con)
        con.execute("drop sequence ops.file_id_seq")
        con.execute(f"create sequence ops.file_id_seq start {LOCAL_IDS}")
        lake.attach(con, settings)
        committed = claims.committed_loads(str(settings.lake_catalog))
        con.execute("create temp table committed (load_id varchar)")
        con.execute("insert into committed select unnest(?::varchar[])", [committed])
        con.execute("create temp table night as select ?::varchar as run_id", [run_id])
        _seed_references(con)
        code = _ingest(con, Path(raw_dir).resolve(), area_code, run_id, settings)
        return _append(con, settings, code, run_id, load_id)


def _ingest(
    con: duckdb.DuckDBPyConnection, raw: Path, area_code: str, run_id: str, settings: Settings
) -> str:
    """Every source of the area, in load order; returns the area's code."""
    logger = get_run_logger()
    key = settings.pii_key()
    code = area_code or areas.root(areas.declared(con)).code
    _seed_area(con, code)
    for source in SOURCES:
        declared = areas.declared(con)
        if area_code == ROOT:
            code = areas.root(declared).code
            _seed_area(con, code)
        for bound in areas.bound(source, declared):
            if bound.area_code != code or (area_code == ROOT) != (bound.folder == source.folder):
                continue
            refs = load_references(con)
            ingest_source(con, bound, raw, run_id, refs, key if bound.has_pii else None, logger)
        if source.name == AREAS.name and area_code == ROOT:
            ledger.retag_area_list(con, areas.root(areas.declared(con)).code)
    return code


def _seed_references(con: duckdb.DuckDBPyConnection) -> None:
    """Every area's reference rows of committed loads (small lists), and the key check."""
    for source in REFERENCE_SOURCES:
        ledger.ensure_raw_table(con, source)
        _copy(con, "raw", source.table, "true")
    con.execute(
        f"insert into ops.pii_key select fingerprint, first_used_at from {ALIAS}.ops.pii_key "
        f"where {LOAD_ID} in (select load_id from committed) order by first_used_at limit 1"
    )


def _seed_area(con: duckdb.DuckDBPyConnection, code: str) -> None:
    """The area's ledger and its earlier rows of the sources with a plausibility history
    (once per area)."""
    con.execute("create temp table if not exists seeded (area_code varchar)")
    if con.execute("select count(*) from seeded where area_code = ?", [code]).fetchone() != (0,):
        return
    con.execute("insert into seeded values (?)", [code])
    _copy(
        con, "ops", "files", f"area_code = {lake.quote(code)} or source = {lake.quote(AREAS.name)}"
    )
    # What an earlier run of this night already recorded for the area: each file has one
    # outcome per night (the same night run again reads nothing twice)
    keep = ", ".join(lake.columns(con, "area", "ops", "file_events"))
    con.execute(
        f"insert into ops.file_events ({keep}) select {keep} from {ALIAS}.ops.file_events "
        f"where run_id = (select run_id from night) and area_code is not distinct from ? "
        f"and {LOAD_ID} in (select load_id from committed)",
        [code],
    )
    for source in SOURCES:
        if source.history_by and source not in REFERENCE_SOURCES:
            ledger.ensure_raw_table(con, source)
            _copy(con, "raw", source.table, f"_area_code = {lake.quote(code)}")


def _copy(con: duckdb.DuckDBPyConnection, schema: str, table: str, where: str) -> None:
    """Rows of committed loads from the lake into the scratch table (not already there)."""
    keep = ", ".join(lake.columns(con, "area", schema, table)) or "*"
    key = "file_id" if schema == "ops" else "_file_id"
    con.execute(
        f"insert into {schema}.{table} ({keep}) select {keep} from {ALIAS}.{schema}.{table} "
        f"where ({where}) and {LOAD_ID} in (select load_id from committed) "
        f"and {key} not in (select {key} from {schema}.{table} where {key} is not null)"
    )


def _append(
    con: duckdb.DuckDBPyConnection, settings: Settings, code: str, run_id: str, load_id: str
) -> dict:
    """Claim the new files, then append the load to the lake in one transaction."""
    new = con.execute(
        "select file_id, area_code, source, sha256 from ops.files where file_id >= ? "
        "order by file_id",
        [LOCAL_IDS],
    ).fetchall()
    dsn = str(settings.lake_catalog)
    with claims.claiming(dsn) as pg:
        won = claims.claim(pg, load_id, [(r[1], r[2], r[3]) for r in new])
        con.execute("create temp table remap (local_id bigint, file_id bigint)")
        pairs = [(r[0], won[(r[2], r[3])]) for r in new if (r[2], r[3]) in won]
        con.execute(
            "insert into remap select unnest(?::bigint[]), unnest(?::bigint[])",
            [[p[0] for p in pairs], [p[1] for p in pairs]],
        )
        con.execute(
            "create temp table lost as select source, sha256 from ops.files "
            "where file_id in (select unnest(?::bigint[])) ",
            [[r[0] for r in new if (r[2], r[3]) not in won]],
        )
        rows = _write_load(con, code, run_id, load_id)
        claims.record_load(pg, load_id, code, run_id, len(won))
    get_run_logger().info(
        "Area %s: load %s committed, %d new file(s), %d row(s); %d already taken",
        code,
        load_id,
        len(won),
        rows,
        len(new) - len(won),
    )
    return {"area_code": code, "load_id": load_id, "files": len(won), "rows": rows}


def _write_load(con: duckdb.DuckDBPyConnection, code: str, run_id: str, load_id: str) -> int:
    """The insert-only lake transaction of one load."""
    tag = f"{lake.quote(load_id)} as {LOAD_ID}"
    con.begin()
    try:
        rows = 0
        for source in SOURCES:
            exists = lake.columns(con, "area", "raw", source.table)
            if not exists:
                continue
            rows += _insert(
                con,
                f"raw.{source.table}",
                f"select t.* replace (m.file_id as _file_id, m.file_id as _file_seq), {tag} "
                f"from raw.{source.table} t join remap m on t._file_id = m.local_id",
            )
        _insert(
            con,
            "ops.files",
            f"select t.* replace (m.file_id as file_id, m.file_id as file_seq), {tag} "
            "from ops.files t join remap m on t.file_id = m.local_id",
        )
        for table in ("file_sheets", "rejections"):
            _insert(
                con,
                f"ops.{table}",
                f"select t.* replace (m.file_id as file_id), {tag} "
                f"from ops.{table} t join remap m on t.file_id = m.local_id",
            )
        _insert(
            con,
            "ops.file_events",
            "select e.* replace ("
            "  case when l.sha256 is null then e.status else 'skipped' end as status,"
            "  case when l.sha256 is null then e.rows_loaded else 0 end as rows_loaded,"
            "  case when l.sha256 is null then e.rows_rejected else 0 end as rows_rejected,"
            f"  case when l.sha256 is null then e.reason else {lake.quote(TAKEN)} end as reason"
            f"), {tag} from ops.file_events e left join lost l "
            "on l.source = e.source and l.sha256 = e.sha256 where e.run_id = ? and not exists ("
            f"select 1 from {ALIAS}.ops.file_events x where x.run_id = e.run_id and "
            "x.source = e.source and x.file_name = e.file_name and "
            f"x.{LOAD_ID} in (select load_id from committed))",
            [run_id],
        )
        _insert(
            con,
            "ops.pii_key",
            f"select *, {tag} from ops.pii_key where not exists "
            f"(select 1 from {ALIAS}.ops.pii_key where {LOAD_ID} in "
            "(select load_id from committed))",
        )
        files = con.execute("select count(*) from remap").fetchone()
        con.execute(
            f"insert into {ALIAS}.ops.loads values (?, ?, ?, ?, ?, current_timestamp)",
            [load_id, code, run_id, files[0] if files else 0, rows],
        )
        con.commit()
    except Exception:
        con.rollback()
        raise
    return rows


def _insert(
    con: duckdb.DuckDBPyConnection, table: str, select: str, params: list | None = None
) -> int:
    found = con.execute(f"insert into {ALIAS}.{table} by name {select}", params or []).fetchone()
    return int(found[0]) if found else 0
