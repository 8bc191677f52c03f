"""The dashboards' contract (docs/dashboards.md), checked on the real publication of the e2e
fixture: every Parquet dataset read with pyarrow, against the rules and against
published.json; the committed contract snapshot and the schema version."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from flows.contract import (
    KPI_UNIT,
    MONEY_UNIT,
    PERCENT_UNIT,
    SCHEMA_VERSION,
    SNAPSHOT,
    breaking_changes,
    contract_of,
    read_snapshot,
)

PART = re.compile(r"^part-\d{5}\.parquet$")
# the only units a DOUBLE may carry: ratios and values in their own unit, never money or counts
DOUBLE_UNITS = {
    PERCENT_UNIT,
    KPI_UNIT,
    "share (0 to 1)",
    "the check's unit: persons or million VND (by check_name)",
}
ARROW_OF = {
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "VARCHAR": pa.string(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
    "DECIMAL(18,6)": pa.decimal128(18, 6),
    "TIMESTAMP WITH TIME ZONE": pa.timestamp("us", tz="UTC"),
}


def _record(e2e) -> dict:
    return json.loads((e2e["warehouse"] / "published.json").read_text("utf-8"))


def _datasets(e2e) -> dict[str, Path]:
    root = e2e["warehouse"] / "parquet"
    return {p.name: p for p in sorted(root.iterdir())}


def _table(folder: Path) -> pa.Table:
    return pa.concat_tables(pq.read_table(f) for f in sorted(folder.glob("*.parquet")))


def test_every_dataset_is_a_folder_of_part_files(e2e):
    record = _record(e2e)
    datasets = _datasets(e2e)
    assert set(datasets) == set(record["tables"]), "one dataset per published mart"
    for name, folder in datasets.items():
        entries = sorted(folder.iterdir())
        assert entries, name
        assert all(e.is_file() and PART.match(e.name) for e in entries), (
            f"{name}: {[e.name for e in entries]} — one layout: part-NNNNN.parquet files, "
            "no partition folders"
        )
        assert [e.name for e in entries] == record["datasets"][name]["files"]


def test_parquet_types_follow_the_contract(e2e):
    problems = []
    for name, folder in _datasets(e2e).items():
        for part in sorted(folder.glob("*.parquet")):
            for field in pq.read_schema(part):
                meta = field.metadata or {}
                unit = meta.get(b"unit", b"").decode()
                where = f"{name}.{field.name} ({field.type})"
                if pa.types.is_decimal(field.type) and field.type != pa.decimal128(18, 6):
                    problems.append(f"{where}: money is decimal(18, 6)")
                if pa.types.is_decimal(field.type) != field.name.endswith("_mvnd"):
                    problems.append(f"{where}: money, and only money, is decimal _mvnd")
                if field.name.endswith("_mvnd") and unit != MONEY_UNIT:
                    problems.append(f"{where}: money is in {MONEY_UNIT}")
                if field.name.endswith("_vnd") and not field.name.endswith("_mvnd"):
                    problems.append(f"{where}: one money unit, _mvnd")
                if pa.types.is_integer(field.type) and field.type not in (pa.int32(), pa.int64()):
                    problems.append(f"{where}: integers are int32 or int64")
                if unit == "count" and field.type != pa.int64():
                    problems.append(f"{where}: counts are int64 (BIGINT)")
                if pa.types.is_floating(field.type) and unit not in DOUBLE_UNITS:
                    problems.append(
                        f"{where}: a double that is not a ratio or a KPI value (unit {unit!r})"
                    )
                if pa.types.is_nested(field.type):
                    problems.append(f"{where}: no list, struct or map columns")
                if pa.types.is_timestamp(field.type) and field.type.tz != "UTC":
                    problems.append(f"{where}: timestamps carry their time zone (UTC)")
    assert not problems, "\n".join(problems)


def test_every_field_and_file_is_described(e2e):
    undescribed = []
    for name, folder in _datasets(e2e).items():
        for part in sorted(folder.glob("*.parquet")):
            schema = pq.read_schema(part)
            meta = schema.metadata or {}
            assert meta.get(b"dataset") == name.encode(), part
            assert meta.get(b"description"), f"{name}: no dataset description"
            assert meta.get(b"schema_version") == str(SCHEMA_VERSION).encode(), part
            undescribed += [
                f"{name}.{f.name}" for f in schema if not (f.metadata or {}).get(b"description")
            ]
    assert not undescribed, f"fields without a description: {undescribed}"


def test_published_json_states_the_contract_of_the_files(e2e):
    record = _record(e2e)
    for key in ("version", "run_id", "tables", "checksums", "published_at", "report", "build_key"):
        assert key in record, f"published.json keeps {key}"
    assert record["schema_version"] == SCHEMA_VERSION
    assert set(record["datasets"]) == set(record["tables"])
    for name, folder in _datasets(e2e).items():
        stated = record["datasets"][name]
        assert stated["path"] == f"parquet/{name}/"
        assert stated["rows"] == record["tables"][name]
        table = _table(folder)
        assert table.num_rows == stated["rows"], name
        assert [c["name"] for c in stated["columns"]] == table.schema.names, name
        for column, field in zip(stated["columns"], table.schema, strict=True):
            assert set(column) == {"name", "type", "unit", "description"}
            assert column["description"], f"{name}.{column['name']}"
            assert ARROW_OF.get(column["type"]) == field.type, (name, column, field.type)
            meta = field.metadata or {}
            assert meta[b"description"].decode() == column["description"]
            assert meta.get(b"unit", b"").decode() == (column["unit"] or "")


def test_contract_matches_the_committed_snapshot(e2e):
    """A published column or type changed: refresh the snapshot, and bump SCHEMA_VERSION if
    a reader loses something (docs/dashboards.md#schema-version)."""
    snapshot = read_snapshot()
    current = contract_of(_record(e2e)["datasets"])
    broken = breaking_changes(snapshot, current)
    assert not (broken and snapshot["schema_version"] == SCHEMA_VERSION), (
        f"breaking changes without a new SCHEMA_VERSION (flows/contract.py): {broken}"
    )
    assert snapshot["schema_version"] == SCHEMA_VERSION, (
        f"SCHEMA_VERSION {SCHEMA_VERSION}, snapshot {snapshot['schema_version']}: refresh "
        f"{SNAPSHOT.name} with `python -m flows.contract <warehouse>/published.json`"
    )
    assert current == snapshot, (
        f"the published contract differs from {SNAPSHOT.name}; refresh it with "
        "`python -m flows.contract <warehouse>/published.json` (and bump SCHEMA_VERSION "
        "if a dataset or column was removed, renamed or retyped)"
    )


def test_breaking_changes_are_told_from_additions():
    old = {"schema_version": 1, "datasets": {"a": {"x": "BIGINT", "y": "DOUBLE"}, "b": {}}}
    added = {
        "schema_version": 1,
        "datasets": {"a": {"x": "BIGINT", "y": "DOUBLE", "z": "DATE"}, "b": {}, "c": {}},
    }
    assert breaking_changes(old, added) == []
    changed = {"schema_version": 1, "datasets": {"a": {"x": "DOUBLE"}}}
    assert sorted(breaking_changes(old, changed)) == [
        "a.x: BIGINT → DOUBLE",
        "a.y removed",
        "dataset b removed",
    ]


def test_kpi_by_month_has_no_zeros_after_the_as_of_date(e2e):
    rows = _table(e2e["warehouse"] / "parquet" / "kpi_by_month").to_pylist()
    scorecard = _table(e2e["warehouse"] / "parquet" / "kpi_scorecard").to_pylist()
    as_of = max(r["as_of_date"] for r in scorecard)
    later = [r for r in rows if r["period"] > as_of]
    assert later, "the e2e sample must end before December for this test to mean anything"
    measures = [
        c
        for c in rows[0]
        if c not in ("area_code", "area_level", "period", "year", "month", "is_after_as_of")
    ]
    for r in rows:
        assert r["is_after_as_of"] == (r["period"] > as_of), r
    assert all(r[c] is None for r in later for c in measures), [
        {c: r[c] for c in measures} for r in later if any(r[c] is not None for c in measures)
    ]
    assert any(r["reporting_units"] for r in rows if not r["is_after_as_of"])


def test_reconciliation_findings_name_their_entity(e2e):
    parquet = e2e["warehouse"] / "parquet"
    findings = _table(parquet / "reconciliation_findings").to_pylist()
    with_entity = [f for f in findings if f["entity"] is not None]
    assert with_entity, "the e2e sample must have findings about a unit"
    known = {r["tax_code"]: r["unit_name"] for r in _table(parquet / "dim_units").to_pylist()}
    sources = {
        (r["beneficiary_tax_code"], r["beneficiary_name"])
        for r in _table(parquet / "fct_kc_disbursements").to_pylist()
    }
    sources |= {
        (r["producer_tax_code"], r["producer_name"])
        for r in _table(parquet / "ocop_products").to_pylist()
    }
    for f in with_entity:
        assert f["entity_name"], f
        if f["entity"] in known:
            assert f["entity_name"] == known[f["entity"]], f
        else:  # outside the register: the enterprise's name in its own (published) source
            assert (f["entity"], f["entity_name"]) in sources, f


def test_timestamps_are_utc_instants(e2e):
    record = _record(e2e)
    published_at = dt.datetime.fromisoformat(record["published_at"])
    outcomes = _table(e2e["warehouse"] / "parquet" / "file_outcomes").to_pylist()
    latest = [r["recorded_at"] for r in outcomes if r["run_id"] == record["run_id"]]
    assert latest and all(t.tzinfo is not None for t in latest)
    # the instant the file was recorded, not a local wall-clock time read as UTC
    assert all(published_at - dt.timedelta(minutes=30) <= t <= published_at for t in latest)


def test_no_list_column_former_communes_is_a_string(e2e):
    table = _table(e2e["warehouse"] / "parquet" / "kpi_by_commune_2025")
    assert table.schema.field("former_communes").type == pa.string()
    assert all(v for v in table.column("former_communes").to_pylist())
