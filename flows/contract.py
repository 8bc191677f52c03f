"""The dashboards' contract: what every published Parquet dataset holds, typed and described.

The rules (docs/dashboards.md): money is million VND (``_mvnd``) as DECIMAL(18, 6); counts are
BIGINT; percentages (``_pct``) and KPI values are DOUBLE in their own unit; dates are DATE;
timestamps are TIMESTAMP WITH TIME ZONE (UTC instants); no list, struct or map column; every
dataset is a folder ``parquet/<dataset>/`` of part files ``part-NNNNN.parquet`` (no
partitions: every column, with its type and description, is inside the file).

``SCHEMA_VERSION`` is bumped on any breaking change (a dataset or column removed or renamed,
a type changed). ``contract_snapshot.json`` is the last published contract; a test compares
each build's contract with it (see ``breaking_changes``).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

# 1: the exports before the contract (mixed units, 2 partitioned datasets); 2: the contract;
# 3: areas — area_code in every dataset and key, province rows (area_level) in kpi_by_month,
# budget_by_month, economy_by_year and reporting_completeness (a sum over all their rows would
# count each area twice), kpi_by_area new.
SCHEMA_VERSION = 3
SNAPSHOT = Path(__file__).with_name("contract_snapshot.json")

MONEY_TYPE = "DECIMAL(18,6)"
MONEY_UNIT = "million VND"
COUNT_TYPE = "BIGINT"
PERCENT_UNIT = "percent"
KPI_UNIT = "the KPI's own unit (column unit)"
PART_ROWS = 1_000_000  # rows per part file
BATCH_ROWS = 65_536  # rows per record batch read from DuckDB: memory holds one batch

KPI_VALUES = {"target_low", "target_high", "actual", "projected", "previous_year_actual"}
NOT_COUNTS = {
    "year",
    "month",
    "quarter",
    "due_year",
    "decision_year",
    "disbursement_year",
    "recognised_year",
    "birth_year",
    "score",
    "stars",
    "sheet_no",
    "row_number",
    "source_row",
    "file_id",
    "file_seq",
    "submission_rank",
}
INTEGER_TYPES = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
}
UNITS = {
    "days_late": "days",
    "input_completeness": "share (0 to 1)",
    "value_reported": "the check's unit: persons or million VND (by check_name)",
    "value_compared": "the check's unit: persons or million VND (by check_name)",
    "difference": "the check's unit: persons or million VND (by check_name)",
    "tolerance": "the check's unit: persons or million VND (by check_name)",
}


def unit_of(table: str, column: str, data_type: str) -> str | None:
    """The unit a column is stated in, from the naming rules; None for a non-measure."""
    if column.endswith("_mvnd"):
        return MONEY_UNIT
    if column.endswith("_pct") or column == "percent_done":
        return PERCENT_UNIT
    if column in KPI_VALUES and (table.startswith("kpi_scorecard") or table == "kpi_by_area"):
        return KPI_UNIT
    if column in UNITS:
        return UNITS[column]
    if data_type in INTEGER_TYPES and column not in NOT_COUNTS:
        return "count"
    return None


def violations(table: str, columns: list[dict]) -> list[str]:
    """Where a dataset's columns (name, type, unit as in ``dataset_columns``) break the rules."""
    found = []
    for c in columns:
        name, typ, unit = c["name"], c["type"], c["unit"]
        where = f"{table}.{name} ({typ})"
        if unit == MONEY_UNIT and typ != MONEY_TYPE:
            found.append(f"{where}: money must be {MONEY_TYPE}")
        if (name.endswith("_vnd") and not name.endswith("_mvnd")) or name.endswith("_bn_vnd"):
            found.append(f"{where}: money columns are million VND, suffix _mvnd")
        if typ.startswith("DECIMAL") and unit != MONEY_UNIT:
            found.append(f"{where}: DECIMAL is for money only")
        if unit == "count" and typ != COUNT_TYPE:
            found.append(f"{where}: counts must be {COUNT_TYPE}")
        if typ.endswith("[]") or typ.startswith(("STRUCT", "MAP", "UNION")) or "[" in typ:
            found.append(f"{where}: no list, struct or map columns")
        if typ == "TIMESTAMP" or typ.startswith("TIMESTAMP_"):
            found.append(f"{where}: timestamps must be TIMESTAMP WITH TIME ZONE")
        if not c.get("description"):
            found.append(f"{where}: no description")
    return found


def dataset_columns(
    con: duckdb.DuckDBPyConnection, database: str, table: str, doc: dict | None
) -> list[dict]:
    """The published columns of ``database.marts.table``: name, type, unit, description."""
    texts = (doc or {}).get("columns", {})
    rows = con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = ? "
        "and schema_name = 'marts' and table_name = ? order by column_index",
        [database, table],
    ).fetchall()
    return [
        {
            "name": name,
            "type": typ,
            "unit": unit_of(table, name, typ),
            "description": texts.get(name) or "",
        }
        for name, typ in rows
    ]


def _field_metadata(column: dict) -> dict[bytes, bytes]:
    meta = {
        b"description": column["description"].encode("utf-8"),
        b"duckdb_type": column["type"].encode("utf-8"),
    }
    if column["unit"]:
        meta[b"unit"] = column["unit"].encode("utf-8")
    return meta


def write_parquet(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    out_dir: Path,
    dataset: str,
    description: str,
    columns: list[dict],
) -> list[str]:
    """Write ``relation`` as ``out_dir/part-NNNNN.parquet`` files, each field carrying its
    description, unit and type in its Arrow metadata, the file its dataset's description
    and the schema version. Streams record batches: memory holds one batch, whatever the
    table's size. Returns the file names written."""
    out_dir.mkdir(parents=True)
    reader = con.execute(f"select * from {relation}").fetch_record_batch(BATCH_ROWS)
    by_name = {c["name"]: c for c in columns}
    schema = pa.schema(
        [f.with_metadata(_field_metadata(by_name[f.name])) for f in reader.schema],
        metadata={
            b"dataset": dataset.encode("utf-8"),
            b"description": (description or "").encode("utf-8"),
            b"schema_version": str(SCHEMA_VERSION).encode("utf-8"),
        },
    )
    files: list[str] = []
    writer: pq.ParquetWriter | None = None
    rows_in_part = 0

    def open_part() -> pq.ParquetWriter:
        files.append(f"part-{len(files):05d}.parquet")
        return pq.ParquetWriter(
            out_dir / files[-1], schema, compression="zstd", store_decimal_as_integer=True
        )

    try:
        for batch in reader:
            if writer is None or rows_in_part >= PART_ROWS:
                if writer is not None:
                    writer.close()
                writer, rows_in_part = open_part(), 0
            writer.write_batch(pa.RecordBatch.from_arrays(batch.columns, schema=schema))
            rows_in_part += batch.num_rows
        if writer is None:  # an empty mart is still a dataset, with its schema
            writer = open_part()
    finally:
        if writer is not None:
            writer.close()
    return files


def contract_of(datasets: dict[str, dict]) -> dict:
    """The part of a publication's record a breaking change is judged on."""
    return {
        "schema_version": SCHEMA_VERSION,
        "datasets": {
            name: {c["name"]: c["type"] for c in d["columns"]}
            for name, d in sorted(datasets.items())
        },
    }


def breaking_changes(old: dict, new: dict) -> list[str]:
    """What a reader of ``old`` would lose in ``new``: a dataset or column gone, a type
    changed. Added datasets and columns are not breaking."""
    found = []
    for name, columns in old["datasets"].items():
        if name not in new["datasets"]:
            found.append(f"dataset {name} removed")
            continue
        now = new["datasets"][name]
        for column, typ in columns.items():
            if column not in now:
                found.append(f"{name}.{column} removed")
            elif now[column] != typ:
                found.append(f"{name}.{column}: {typ} → {now[column]}")
    return found


def read_snapshot() -> dict:
    return json.loads(SNAPSHOT.read_text("utf-8"))


def write_snapshot(published: Path, snapshot: Path = SNAPSHOT) -> dict:
    """Refresh the committed snapshot from a publication's ``published.json``."""
    record = json.loads(published.read_text("utf-8"))
    contract = contract_of(record["datasets"])
    snapshot.write_text(json.dumps(contract, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return contract


if __name__ == "__main__":  # python -m flows.contract <warehouse>/published.json
    import sys

    write_snapshot(Path(sys.argv[1]))
