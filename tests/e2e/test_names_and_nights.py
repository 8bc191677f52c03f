"""What used to make a whole night fail or corrupt it: file names (not UTF-8, control
characters, very long, looping links, glob characters), a retried ingest task, a warehouse
that cannot be written, silence about files no source reads, formulas written back to
senders, and a temporary Prefect server outliving a killed run. Real files, real DuckDB,
the real flow and the real CLI."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

from flows.cli import main
from flows.config import PROJECT_ROOT, Paths
from flows.feedback import write_feedback
from flows.names import display_name, path_name, safe_stem
from schemas.registry import SOURCES
from tests.support.helpers import (
    ENTERPRISE_HEADERS,
    enterprise_row,
    ingest,
    write_csv,
    write_reference,
)
from tests.support.processes import alive, cmdline, descendants

NOT_UTF8 = os.fsdecode(b"b\xe1o c\xe1o.csv")  # a zip made on Windows, extracted on Linux
FORGED = "x\n[9|9] ok.csv: loaded\x1b[31m.csv"  # a forged log line, a terminal colour
LONG = "보고서" * 26 + "표.csv"  # 241 bytes: "phieu_phan_hoi__" + its stem was 258
BAD_ROW = enterprise_row(9, {"Mã số thuế": "3200000000"})
FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"]


def _no_formula(path: Path) -> None:
    """No cell of the workbook is a formula, by openpyxl and by the XML itself."""
    book = openpyxl.load_workbook(path)
    assert [
        c.coordinate for s in book for row in s.iter_rows() for c in row if c.data_type == "f"
    ] == []
    with zipfile.ZipFile(path) as archive:
        sheets = [
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")
        ]
    assert sheets and not any("<f>" in s or "<f " in s for s in sheets)


def _texts(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [str(v) for s in book for row in s.iter_rows(values_only=True) for v in row if v]


# ----------------------------------------------------------------------- 1. names are data


@pytest.fixture(scope="module")
def named(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("names")
    raw = tmp / "raw"
    write_reference(raw)
    ent = raw / "enterprise_reports"
    write_csv(ent / NOT_UTF8, ENTERPRISE_HEADERS, [enterprise_row(1), BAD_ROW])
    write_csv(ent / FORGED, ENTERPRISE_HEADERS, [enterprise_row(2), BAD_ROW])
    write_csv(ent / LONG, ENTERPRISE_HEADERS, [enterprise_row(3), BAD_ROW])
    (ent / "loop.csv").symlink_to("loop.csv")  # a link to itself: ELOOP
    return tmp, raw


def test_any_name_gives_a_loaded_or_rejected_file(named, caplog):
    tmp, raw = named
    with caplog.at_level(logging.INFO, logger="vlpipe"):
        ingested = ingest(raw, tmp / "wh", ["enterprise_reports"])
    by_name = {o.file_name: o for o in ingested.outcomes if o.source == "enterprise_reports"}
    assert by_name["enterprise_reports/b\\xe1o c\\xe1o.csv"].status == "loaded"
    forged = "enterprise_reports/x\\x0a[9|9] ok.csv: loaded\\x1b[31m.csv"
    assert by_name[forged].status == "loaded"
    assert by_name[f"enterprise_reports/{LONG}"].status == "loaded"
    loop = by_name["enterprise_reports/loop.csv"]
    assert loop.status == "rejected" and "Không đọc được tệp" in loop.reason
    assert "looping symlink" in loop.reason and "Internal error" not in loop.reason
    stored = [
        r[0]
        for r in ingested.con.execute(
            "select file_name from ops.file_events union all select file_name from ops.files "
            "union all select file_name from ops.rejections"
        ).fetchall()
    ]
    assert stored and all(n.isprintable() for n in stored)
    assert {r["_run_id"] for r in ingested.rows("enterprise_reports")} == {"test-run"}
    logged = [r.getMessage() for r in caplog.records]
    assert any("b\\xe1o c\\xe1o.csv" in m for m in logged)
    assert not any("\n" in m or "\x1b" in m for m in logged)  # no forged line, no colour
    # the display name leads back to the file, byte for byte
    assert (raw / path_name("enterprise_reports/b\\xe1o c\\xe1o.csv")).read_bytes() == (
        raw / "enterprise_reports" / NOT_UTF8
    ).read_bytes()
    ingested.con.close()

    out = tmp / "out"
    paths = write_feedback(tmp / "wh/private/pipeline.duckdb", raw, out, "test-run")
    assert len(paths) == 4  # three files with a bad row, and the loop
    for path in paths:
        assert len(path.name.encode()) <= 160 and path.name.isprintable()
        assert not [p for p in out.iterdir() if p.suffix != ".xlsx"]
        assert not [t for t in _texts(path) if "\x1b" in t or "\udce1" in t]
    titles = {openpyxl.load_workbook(p)["Phản hồi"]["A2"].value: p for p in paths}
    assert "Tệp: b\\xe1o c\\xe1o.csv" in titles
    assert "Tệp: x\\x0a[9|9] ok.csv: loaded\\x1b[31m.csv" in titles
    # the original rows are read back through the name on disk
    assert "Dòng gốc" in openpyxl.load_workbook(titles["Tệp: b\\xe1o c\\xe1o.csv"]).sheetnames


def test_glob_characters_in_a_name_read_that_file_only(tmp_path):
    """ "a[1].csv" is that file, not the pattern that matches "a1.csv" (read with glob=False
    since 786cd09: before, a[1].csv was read as a1.csv's rows, a1's counted twice)."""
    raw = tmp_path / "raw"
    write_reference(raw)
    ent = raw / "enterprise_reports"
    write_csv(ent / "a[1].csv", ENTERPRISE_HEADERS, [enterprise_row(4), enterprise_row(5)])
    write_csv(ent / "a1.csv", ENTERPRISE_HEADERS, [enterprise_row(6)])
    ingested = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    rows = ingested.con.execute(
        "select f.file_name, count(*) from raw.enterprise_reports r join ops.files f "
        "on f.file_id = r._file_id where f.file_name like 'enterprise_reports/a%' "
        "group by all order by 1"
    ).fetchall()
    assert rows == [("enterprise_reports/a1.csv", 1), ("enterprise_reports/a[1].csv", 2)]
    ingested.con.close()


def test_display_names_are_safe_and_lead_back_to_the_file():
    assert 230 < len(LONG.encode()) <= 255
    assert display_name("Báo cáo tháng 3.csv") == "Báo cáo tháng 3.csv"
    assert display_name(NOT_UTF8) == "b\\xe1o c\\xe1o.csv"
    assert display_name("a\r\nb\x1b[0m\u202e.csv") == "a\\x0d\\x0ab\\x1b[0m\\u202e.csv"
    for name in (NOT_UTF8, FORGED, LONG, "a\u202ecod.exe"):
        assert path_name(display_name(name)) == name
    long_a, long_b = safe_stem(LONG), safe_stem("x" + LONG)
    assert len(long_a.encode()) <= 96 and long_a != long_b
    assert safe_stem("a/Tháng 3.xlsx") == "Tháng_3"  # a short name keeps its readable form


# ------------------------------------------------------------ 2. retries are idempotent


def test_a_retried_source_keeps_one_outcome_per_file(tmp_path):
    """Prefect retries a failed ingest task: the same source, the same run. The first
    attempt's outcomes stay (a file loaded is not "skipped" by the retry), nothing is
    recorded twice, and files the first attempt did not reach are processed."""
    raw = tmp_path / "raw"
    write_reference(raw)
    ent = raw / "enterprise_reports"
    write_csv(ent / "a.csv", ENTERPRISE_HEADERS, [enterprise_row(1)])
    write_csv(ent / "b.csv", ENTERPRISE_HEADERS, [enterprise_row(2), BAD_ROW])
    first = ingest(raw, tmp_path / "wh", ["enterprise_reports"], run_id="night")
    first.con.close()
    write_csv(ent / "c.csv", ENTERPRISE_HEADERS, [enterprise_row(3)])
    (ent / "gone.csv").symlink_to("removed-by-its-sender.csv")  # seen, then not readable
    retry = ingest(raw, tmp_path / "wh", ["enterprise_reports"], run_id="night")
    events = retry.con.execute(
        "select file_name, status, rows_loaded, rows_rejected from ops.file_events "
        "where source = 'enterprise_reports' order by file_name"
    ).fetchall()
    assert events == [
        ("enterprise_reports/a.csv", "loaded", 1, 0),
        ("enterprise_reports/b.csv", "loaded", 1, 1),
        ("enterprise_reports/c.csv", "loaded", 1, 0),
        ("enterprise_reports/gone.csv", "rejected", 0, 0),
    ]
    assert retry.con.execute("select count(*) from ops.rejections").fetchone() == (1,)
    mine = sorted(
        (o.file_name, o.status, o.rows_loaded)
        for o in retry.outcomes
        if o.source == "enterprise_reports"
    )
    assert mine == [(n, s, r) for n, s, r, _ in events]  # the summary tells the same story
    assert len(retry.rows("enterprise_reports")) == 3
    retry.con.close()


# ----------------------------------------------- 4. files no source reads are reported


def test_files_no_source_reads_are_reported(tmp_path):
    from flows.ingest.pipeline import UNASSIGNED, record_unassigned

    raw = tmp_path / "raw"
    write_reference(raw)
    write_csv(raw / "Enterprise_Reports/t3.csv", ENTERPRISE_HEADERS, [enterprise_row(1)])
    write_csv(raw / "t4.csv", ENTERPRISE_HEADERS, [enterprise_row(2)])
    (raw / "misc").mkdir()
    (raw / "misc/ghi chú.txt").write_text("x", encoding="utf-8")
    (raw / "reference/old_communes_list.csv").write_text("x", encoding="utf-8")
    write_csv(raw / "enterprise_reports/ok.csv", ENTERPRISE_HEADERS, [enterprise_row(3)])
    for ignored in (".DS_Store", "~$t3.xlsx", ".hidden/x.csv", "enterprise_reports/.x.csv"):
        (raw / ignored).parent.mkdir(parents=True, exist_ok=True)
        (raw / ignored).write_text("x", encoding="utf-8")
    ingested = ingest(raw, tmp_path / "wh", ["enterprise_reports"], run_id="night")
    outcomes = record_unassigned(ingested.con, raw, "night", list(SOURCES))
    assert sorted(o.file_name for o in outcomes) == [
        "Enterprise_Reports/t3.csv",
        "misc/ghi chú.txt",
        "reference/old_communes_list.csv",
        "t4.csv",
    ]
    reason = outcomes[0].reason
    assert "enterprise_reports/" in reason and "labour/" in reason and "communes*" in reason
    assert reason.startswith("Tệp không nằm trong thư mục") and "in no source's folder" in reason
    assert ingested.con.execute(
        "select count(*) from ops.file_events where source = ? and status = 'rejected'",
        [UNASSIGNED],
    ).fetchone() == (4,)
    ingested.con.close()
    paths = write_feedback(tmp_path / "wh/private/pipeline.duckdb", raw, tmp_path / "out", "night")
    titles = [openpyxl.load_workbook(p)["Phản hồi"]["A2"].value for p in paths]
    assert "Tệp: t3.csv" in titles and "Tệp: t4.csv" in titles


def test_a_raw_folder_that_does_not_exist_is_an_error(tmp_path, capsys):
    code = main(
        [
            "run",
            "--raw-dir",
            str(tmp_path / "DOES_NOT_EXIST"),
            "--warehouse-dir",
            str(tmp_path / "wh"),
        ]
    )
    err = capsys.readouterr().err
    assert code != 0
    assert "Không có thư mục dữ liệu" in err and "does not exist" in err
    assert not (tmp_path / "wh").exists()


def test_a_bad_month_is_refused_in_both_languages(tmp_path, capsys):
    with pytest.raises(SystemExit) as refused:
        main(["run", "--as-of", "2022-13", "--raw-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert refused.value.code != 0
    assert "Tháng không hợp lệ" in err and "expected YYYY-MM" in err


# -------------------------------------------------------------------- 5. formulas


def test_a_senders_header_and_cells_come_back_as_text(tmp_path):
    raw = tmp_path / "raw"
    write_reference(raw)
    headers = [*ENTERPRISE_HEADERS, *FORMULAS]  # extra columns, kept in "Dòng gốc"
    row = {**BAD_ROW, **{f: f for f in FORMULAS}, "Ghi chú": FORMULAS[1]}
    write_csv(raw / "enterprise_reports/t.csv", headers, [enterprise_row(1), row])
    ingest(raw, tmp_path / "wh", ["enterprise_reports"]).con.close()
    [path] = write_feedback(
        tmp_path / "wh/private/pipeline.duckdb", raw, tmp_path / "out", "test-run"
    )
    original = list(openpyxl.load_workbook(path)["Dòng gốc"].iter_rows(values_only=True))
    assert set(FORMULAS) <= set(original[0])  # the header, as written, as text
    _no_formula(path)


def test_templates_write_reference_values_as_text(tmp_path):
    from flows.templates import write_templates

    raw = tmp_path / "raw"
    shutil.copytree(PROJECT_ROOT / "raw/reference", raw / "reference")
    zones = raw / "reference/zones.csv"
    zones.write_text(
        zones.read_text(encoding="utf-8")
        + 'KCN_X,"=HYPERLINK(""http://x"",""y"")",KCN,=cmd|\' /C calc\'!A0\n',
        encoding="utf-8",
    )
    written = write_templates(tmp_path / "out", raw)
    assert written
    with_zone = [p for p in written if any(t.startswith("=HYPERLINK") for t in _texts(p))]
    assert with_zone  # the value is there, as text
    for path in written:
        _no_formula(path)


# ------------------------------------------------------ 3. a warehouse that cannot be written


def _can_unshare() -> bool:
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return shutil.which("unshare") is not None and probe.returncode == 0


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "flows.cli", *args]


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def warehouse_with_publication(tmp_path):
    raw = tmp_path / "raw"
    write_reference(raw)
    write_csv(raw / "enterprise_reports/t.csv", ENTERPRISE_HEADERS, [enterprise_row(1)])
    ingest(raw, tmp_path / "wh", ["enterprise_reports"]).con.close()
    analyst = Paths.of(raw, tmp_path / "wh").analyst_db
    with duckdb.connect(str(analyst)) as con:  # what analysts read
        con.execute("create table published as select 42 as answer")
    return raw, tmp_path / "wh"


@pytest.mark.skipif(not _can_unshare(), reason="needs mount namespaces (unshare -m)")
@pytest.mark.parametrize(
    "mount, words",
    [
        ("mount --bind {wh} {wh} && mount -o remount,ro,bind {wh}", ("chỉ đọc", "read-only")),
        ("mount -t tmpfs -o size=1m tmpfs {wh}/private", ("đã đầy", "is full")),
    ],
    ids=["read-only", "full"],
)
def test_a_warehouse_that_cannot_be_written_stops_in_one_line(
    warehouse_with_publication, mount, words
):
    raw, wh = warehouse_with_publication
    before = _tree(wh)
    command = " ".join(_cli("run", "--raw-dir", str(raw), "--warehouse-dir", str(wh)))
    shell = f"{mount.format(wh=wh)} && exec {command}"
    run = subprocess.run(
        ["unshare", "-m", "sh", "-c", shell],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    assert run.returncode != 0
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert all(w in lines[0] for w in words) and "Traceback" not in run.stderr
    assert _tree(wh) == before  # nothing half-written
    with duckdb.connect(str(Paths.of(raw, wh).analyst_db), read_only=True) as con:
        assert con.execute("select answer from published").fetchone() == (42,)


def test_a_warehouse_under_a_file_is_refused(tmp_path):
    from flows.preflight import PreflightError, check_warehouse

    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    with pytest.raises(PreflightError) as refused:
        check_warehouse(Paths.of(tmp_path, tmp_path / "a-file/wh"))
    assert "Không ghi được" in str(refused.value) and "Cannot write" in str(refused.value)
    assert "\n" not in str(refused.value)


# ------------------------------------------ 6. no temporary Prefect server left behind


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_killed_run_leaves_no_prefect_server(tmp_path, sig):
    raw = tmp_path / "raw"
    write_reference(raw)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PYTHONPATH=str(PROJECT_ROOT), PREFECT_HOME=str(tmp_path / "prefect"))
    run = subprocess.Popen(
        _cli("run", "--raw-dir", str(raw), "--warehouse-dir", str(tmp_path / "wh")),
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server: set[int] = set()
    try:
        deadline = time.monotonic() + 180
        while not server and time.monotonic() < deadline and run.poll() is None:
            server = {p for p in descendants(run.pid) if b"uvicorn" in cmdline(p)}
            time.sleep(0.2)
        assert server, "the temporary server never started"
        time.sleep(1)
        run.send_signal(sig)
        run.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(alive(p) for p in server) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [p for p in server if alive(p)]
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        for pid in server:  # whatever the outcome, nothing of ours keeps running
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


# ------------------------------------------------ 1, 2, 4 in the real flow: two nights


def test_two_nights_with_odd_names_a_vanished_file_and_a_poisoned_ledger(
    sample, prefect_harness, tmp_path, monkeypatch
):
    """Night 1: files named with bytes that are not UTF-8, a newline and a terminal escape,
    ~240 bytes of Korean; a link to itself; a file its sender removed (a dangling link); a
    file in a folder with other capitals. The night completes and publishes, each file has
    one outcome. (Before, the first name crashed the ingest task, its retry recorded every
    file again, the dbt uniqueness test failed and nothing was published.) Night 2: the
    ledger holds a duplicate event as such a retry left it; the night still completes."""
    from flows import summary
    from flows.nightly import nightly
    from tests.support.sample import PII_KEY

    monkeypatch.setenv("VLPIPE_PII_KEY", PII_KEY)
    raw = tmp_path / "raw"
    shutil.copytree(sample[0], raw)
    ent = raw / "enterprise_reports"
    files = sorted(p for p in ent.rglob("*") if p.is_file())
    for path, name in zip(files, (NOT_UTF8, FORGED, LONG), strict=False):
        path.rename(path.with_name(name).with_suffix(path.suffix))
    (ent / "loop.csv").symlink_to("loop.csv")
    (ent / "gone.csv").symlink_to("removed-by-its-sender.csv")
    (raw / "Enterprise_Reports").mkdir()
    shutil.copy(files[-1], raw / "Enterprise_Reports/t.csv")
    warehouse = tmp_path / "wh"

    state = nightly(raw_dir=str(raw), warehouse_dir=str(warehouse), return_state=True)
    result = state.result(raise_on_failure=False)
    assert not isinstance(result, BaseException), result
    assert state.is_completed() and result.status == "completed", result.message
    assert result.published.get("version")
    names = {o["file_name"]: o for o in result.outcomes}
    shown = files[0].parent.relative_to(raw).as_posix() + "/b\\xe1o c\\xe1o" + files[0].suffix
    assert names[shown]["status"] == "loaded"
    assert names["enterprise_reports/loop.csv"]["status"] == "rejected"
    assert names["enterprise_reports/gone.csv"]["status"] == "rejected"
    assert names["Enterprise_Reports/t.csv"]["source"] == "unassigned"  # UNASSIGNED
    text = summary.render_text(result)
    assert "\x1b" not in text and "\udce1" not in text
    assert not [line for line in text.splitlines() if line.startswith("[9|9]")]  # not forged
    private = Paths.of(raw, warehouse).private_db
    with duckdb.connect(str(private), read_only=True) as con:
        events = con.execute(
            "select count(*), count(distinct (source, file_name)) "
            "from ops.file_events where run_id = ?",
            [result.run_id],
        ).fetchone()
        outcomes = con.execute(
            "select count(*) from marts.file_outcomes where run_id = ?", [result.run_id]
        ).fetchone()[0]
    assert events[0] == events[1] == outcomes == len(result.outcomes)

    with duckdb.connect(str(private)) as con:  # what a retried task of the old code left
        con.execute(
            "insert into ops.file_events select * from ops.file_events where run_id = ? limit 3",
            [result.run_id],
        )
    for name in ("loop.csv", "gone.csv"):
        (ent / name).unlink()
    again = nightly(raw_dir=str(raw), warehouse_dir=str(warehouse), rebuild=True, return_state=True)
    second = again.result(raise_on_failure=False)
    assert not isinstance(second, BaseException), second
    assert again.is_completed() and second.status == "completed", second.message
    with duckdb.connect(str(private), read_only=True) as con:
        assert (
            con.execute(
                "select count(*) from marts.file_outcomes where run_id = ?", [result.run_id]
            ).fetchone()[0]
            == outcomes
        )
