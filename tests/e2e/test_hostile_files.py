"""Generated hostile office files against the invariants of the ingestion (hypothesis).

Each example writes a small batch of realistic but hostile files
(tests/support/hostile/strategies.py: xlsx or CSV of the enterprise reports and labour lists,
hostile names, encodings, layouts and cells) into a fresh raw/ dir, runs the real ingestion into
a real DuckDB file (tests.support.helpers.ingest), writes the response workbooks
(flows.feedback.write_feedback), ingests the same raw/ again, and checks:

- every file gets exactly one outcome in ops.file_events for the run; no exception escapes;
- nothing is read outside raw/: every loaded row's file (_file_id → ops.files) lies under
  raw/, and no row of the file a symlink points to outside raw/ is loaded;
- rows add up: for each file, rows loaded + rows rejected (distinct rejected rows, a total
  row's own mismatch aside) = the data rows its sender sees, and the rows loaded are exactly
  the rows the generator knows to be valid; (if ops.files has per-file row accounting,
  rows_seen = loaded + rejected + rows_set_aside); no row is loaded twice;
- no sender's text becomes a formula in a response workbook (no cell of type "f", no <f> in
  the sheet XML);
- a second ingestion of the same raw/ loads nothing and changes no row count (each file
  recorded in the ledger is skipped; a file rejected without being recorded, such as a
  symlink out of raw/, is rejected again).

``make test`` runs ``HOSTILE_EXAMPLES`` (20) batches of 1–2 files, derandomized (the same
files on every machine, in about 30 s), and reports a failing batch as drawn, without
shrinking it (shrinking takes minutes). On demand:

- ``VLPIPE_HOSTILE_EXAMPLES=500`` runs more batches (``--hypothesis-show-statistics`` lists
  the features of the files drawn);
- ``VLPIPE_HOSTILE_SHRINK=1`` shrinks each failure to a minimal file, printed as the
  falsifying example;
- ``VLPIPE_HOSTILE_FILES=3`` draws batches of up to 3 files.

The last test runs two real nightly Prefect flows: the committed sample raw/, then the same
with a few generated hostile files added.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, event, find, given, settings

from flows.config import Paths
from flows.feedback import write_feedback
from flows.names import display_name
from schemas.registry import get_source
from tests.support.helpers import ingest, write_reference
from tests.support.hostile.files import (
    OUTSIDE_MARKER,
    SYMLINK_NAME,
    Batch,
    HostileFile,
    write_batch,
)
from tests.support.hostile.minimal import MINIMAL
from tests.support.hostile.strategies import batches, hostile_files, unique_names
from tests.support.sample import PII_KEY

HOSTILE_EXAMPLES = 20
EXAMPLES = int(os.environ.get("VLPIPE_HOSTILE_EXAMPLES") or HOSTILE_EXAMPLES)
FILES = int(os.environ.get("VLPIPE_HOSTILE_FILES") or 2)
PHASES = [
    Phase.explicit,
    Phase.reuse,
    Phase.generate,
    *([Phase.shrink] if os.environ.get("VLPIPE_HOSTILE_SHRINK") == "1" else []),
]
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    phases=PHASES,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
)
FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")


# --- running ----------------------------------------------------------------------------------


def run_ingest(raw: Path, warehouse: Path, batch: Batch, run_id: str) -> None:
    """The real ingestion of the batch's sources, its connection closed afterwards."""
    result = ingest(raw, warehouse, batch.sources, run_id=run_id)
    result.con.close()


Con = duckdb.DuckDBPyConnection


def rows(con: Con, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def spellings(rel: str) -> set[str]:
    """How a file name whose bytes are not UTF-8 may be recorded (as is, or with its bytes
    replaced or escaped)."""
    raw = rel.encode("utf-8", "surrogateescape")
    return {
        rel,
        raw.decode("utf-8", "replace"),
        raw.decode("utf-8", "backslashreplace"),
        raw.decode("latin-1"),
        display_name(rel),
    }


def expected_files(batch: Batch) -> list[tuple[str, str, HostileFile | None]]:
    """(source, name below raw/, file) of every file of the batch; None for the symlink."""
    found: list[tuple[str, str, HostileFile | None]] = [(f.source, f.rel, f) for f in batch.files]
    if batch.symlink_outside:
        found.append(("enterprise_reports", f"enterprise_reports/{SYMLINK_NAME}", None))
    return found


# --- invariants -------------------------------------------------------------------------------


def check_one_outcome_each(con: Con, batch: Batch, run_id: str) -> dict[str, tuple]:
    """Every file has exactly one outcome in the run; returns name → (status, reason)."""
    events = rows(
        con,
        "select source, file_name, status, reason from ops.file_events where run_id = ?",
        [run_id],
    )
    outcomes = {}
    for source in batch.sources:
        mine = [e for e in events if e[0] == source]
        files = [rel for s, rel, _ in expected_files(batch) if s == source]
        assert len(mine) == len(files), (source, files, mine)
        for rel in files:
            found = [e for e in mine if e[1] in spellings(rel)]
            assert len(found) == 1, (rel, mine)
            outcomes[rel] = (found[0][2], found[0][3])
    return outcomes


def check_nothing_outside_raw(con: Con, raw: Path, batch: Batch) -> None:
    root = raw.resolve()
    for source in batch.sources:
        table = get_source(source).table
        lineage = rows(
            con,
            f"select distinct t._file_id, f.file_name from raw.{table} t "
            "left join ops.files f on f.file_id = t._file_id",
        )
        for file_id, name in lineage:
            assert name is not None, f"rows of file {file_id} have no ledger entry"
            assert (raw / name).resolve().is_relative_to(root), f"{name} lies outside raw/"
    if batch.symlink_outside:
        leaked = rows(
            con,
            "select count(*) from raw.enterprise_reports where unit_name like ?",
            [f"%{OUTSIDE_MARKER}%"],
        )[0][0]
        assert leaked == 0, f"{leaked} rows read through a symlink out of raw/"


def file_accounting(con: Con, f: HostileFile) -> tuple[dict | None, int, int]:
    """(the file's ops.files row, rows in its raw table, distinct rejected rows)."""
    cur_rows = rows(con, "select * from ops.files where source = ?", [f.source])
    names = [
        r[0]
        for r in rows(
            con,
            "select column_name from information_schema.columns "
            "where table_schema = 'ops' and table_name = 'files' "
            "order by ordinal_position",
        )
    ]
    entries = [dict(zip(names, r, strict=True)) for r in cur_rows]
    entry = next((e for e in entries if e["file_name"] in spellings(f.rel)), None)
    if entry is None:
        return None, 0, 0
    table = get_source(f.source).table
    loaded = rows(con, f"select count(*) from raw.{table} where _file_id = ?", [entry["file_id"]])[
        0
    ][0]
    rejected = rows(
        con,
        "select count(distinct (coalesce(sheet, ''), row_number)) "
        "from ops.rejections where file_id = ? and rule <> 'total_mismatch'",
        [entry["file_id"]],
    )[0][0]
    return entry, loaded, rejected


def check_rows_add_up(con: Con, batch: Batch, outcomes: dict[str, tuple]) -> None:
    for f in batch.files:
        entry, loaded, rejected = file_accounting(con, f)
        where = f"{f.rel!r} ({outcomes[f.rel]})"
        # A lone 8-bit byte after a UTF-8 file's last line is a line of its own: rejected
        # (its cell is not UTF-8), or blank when it falls in the STT column.
        junk = {0, 1} if f.trailing_junk_line else {0}
        if entry is not None:
            assert loaded == entry["rows_loaded"], where
            if entry.get("rows_seen") is not None:  # the file was read (else: rejected whole)
                assert entry["rows_seen"] == (
                    entry["rows_loaded"] + entry["rows_rejected"] + entry["rows_set_aside"]
                ), (where, entry)
                assert entry["rows_seen"] - entry["rows_set_aside"] - f.sender_rows in junk, where
        assert loaded + rejected - f.sender_rows in junk, (
            f"{where}: {loaded} loaded + {rejected} rejected != {f.sender_rows} data rows sent"
        )
        assert loaded == f.clean_rows, (
            f"{where}: {loaded} rows loaded, {f.clean_rows} valid rows sent"
        )
    for source in batch.sources:
        table = get_source(source).table
        twice = rows(
            con,
            f"select _file_id, _source_row, _sheet, count(*) from raw.{table} "
            "group by all having count(*) > 1",
        )
        assert not twice, f"rows loaded twice: {twice}"


def check_no_formula(workbooks: list[Path]) -> None:
    for path in workbooks:
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                    assert not FORMULA_ELEMENT.search(archive.read(member)), (path, member)
        book = openpyxl.load_workbook(path)
        for ws in book.worksheets:
            for line in ws.iter_rows():
                for cell in line:
                    assert cell.data_type != "f", (path.name, ws.title, cell.coordinate, cell.value)


def counts(con: Con, batch: Batch) -> dict[str, int]:
    tables = [f"raw.{get_source(s).table}" for s in batch.sources]
    return {
        t: rows(con, f"select count(*) from {t}")[0][0]
        for t in [*tables, "ops.rejections", "ops.files"]
    }


def check_second_run(
    con: Con, batch: Batch, before: dict[str, int], first: dict[str, tuple]
) -> None:
    again = check_one_outcome_each(con, batch, "run-2")
    recorded = {r[0] for r in rows(con, "select file_name from ops.files")}
    for rel, (status, reason) in again.items():
        assert status != "loaded", (rel, reason)
        if recorded & spellings(rel):
            assert status == "skipped", (rel, status, reason)
        else:
            assert status == first[rel][0], (rel, first[rel], status, reason)
    assert counts(con, batch) == before


# --- the property -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def references(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """raw/reference and a warehouse that has loaded it: each batch starts from a copy."""
    base = tmp_path_factory.mktemp("hostile-references")
    write_reference(base / "raw")
    ingest(base / "raw", base / "warehouse", []).con.close()
    return base


@SETTINGS
@given(batch=batches(max_files=FILES))
def test_hostile_files_keep_the_invariants(references: Path, batch: Batch) -> None:
    for f in batch.files:
        for feature in sorted(f.features):
            event(feature)
    check_batch(references, batch)


@pytest.mark.parametrize("kind", sorted(MINIMAL))
def test_minimal_hostile_file(references: Path, kind: str) -> None:
    """The smallest file of each kind the generator found breaking an invariant."""
    check_batch(references, MINIMAL[kind])


def check_batch(references: Path, batch: Batch) -> None:
    """Write the batch next to the reference tables, ingest it twice, check every invariant."""
    with tempfile.TemporaryDirectory(prefix="vlpipe-hostile-") as tmp:
        root = Path(tmp)
        shutil.copytree(references, root, dirs_exist_ok=True)
        raw = write_batch(batch, root)
        warehouse = root / "warehouse"
        db = Paths.of(raw, warehouse).private_db
        run_ingest(raw, warehouse, batch, "run-1")
        with duckdb.connect(str(db), read_only=True) as con:
            first = check_one_outcome_each(con, batch, "run-1")
            check_nothing_outside_raw(con, raw, batch)
            check_rows_add_up(con, batch, first)
            before = counts(con, batch)
        check_no_formula(write_feedback(db, raw, root / "feedback", "run-1"))
        run_ingest(raw, warehouse, batch, "run-2")
        with duckdb.connect(str(db), read_only=True) as con:
            check_second_run(con, batch, before, first)


# --- a real night -----------------------------------------------------------------------------

NIGHT_FEATURES = (
    "sheets:per_month",
    "merge:data",
    "row:total",
    "name:brackets",
    "eol:'\\r'",
    "cell:formula_text",
    "name:control",
    "name:non_utf8",
    "sheets:hidden_first",
)


def night_files() -> list[HostileFile]:
    """One file per feature: the first file hypothesis draws that has it (derandomized)."""
    found = []
    for i, feature in enumerate(NIGHT_FEATURES):
        f = find(
            hostile_files(index=i),
            lambda f, feature=feature: feature in f.features,
            settings=settings(
                derandomize=True,
                database=None,
                max_examples=2000,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            ),
        )
        found.append(f)
    return list(unique_names(found))


def published_tables(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse / "vinhlinh.duckdb"), read_only=True) as con:
        return sorted(
            r[0]
            for r in rows(
                con, "select table_schema || '.' || table_name from information_schema.tables"
            )
        )


def test_night_with_hostile_files_completes_and_publishes(e2e, monkeypatch):
    """The session's end-to-end warehouse (its nights done and published), then a night
    with hostile files added to its raw folder."""
    from flows.nightly import RunResult, nightly

    monkeypatch.setenv("VLPIPE_PII_KEY", PII_KEY)
    with tempfile.TemporaryDirectory(prefix="vlpipe-hostile-night-") as tmp:
        root = Path(tmp)
        raw, warehouse = root / "raw", root / "warehouse"
        shutil.copytree(e2e["raw"], raw)  # copy2: modification times (arrival order) kept
        shutil.copytree(e2e["warehouse"], warehouse, symlinks=True)
        first = e2e["rebuilt"]
        tables = published_tables(warehouse)
        files = night_files()
        write_batch(Batch(tuple(files), symlink_outside=True), root)
        try:
            second = nightly(raw_dir=str(raw), warehouse_dir=str(warehouse), plan_id="VL-2022")
        finally:  # whatever the night did, the previous publication stays readable
            assert published_tables(warehouse) == tables
        assert isinstance(second, RunResult) and second.status == "completed", second
        assert second.published["version"] != first.published["version"]
        names = {o["file_name"] for o in second.outcomes}
        for f in files:
            assert names & spellings(f.rel), f"{f.rel!r} has no outcome"
        check_no_markup(warehouse)


def check_no_markup(warehouse: Path) -> None:
    """No sender's <script> reaches a published HTML page unescaped."""
    for page in warehouse.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        assert "<script>alert(" not in text, page
