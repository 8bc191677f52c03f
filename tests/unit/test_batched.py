"""A large CSV file is read in batches of rows; its outcome is the one of a file read at once.

Batching is forced on small files (a tiny ``VLPIPE_BATCH_MB``: a few rows per batch) so that
every file-wide rule meets a batch boundary: ambiguous numbers resolved from another batch,
duplicate keys in two batches, the grand total row after the last batch, a file that turns
out not to be UTF-8 after its first 64 KB.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest

from flows.config import PROJECT_ROOT as ROOT
from flows.config import Paths
from flows.ingest.text import fold
from tests.support.helpers import (
    ENTERPRISE_HEADERS,
    enterprise_row,
    ingest,
    windows_1258_form,
    write_csv,
)

IGNORED = {"_run_id", "run_id", "first_run_id", "file_id", "file_seq", "_file_id", "_file_seq"}


def test_file_wide_rules_across_batch_boundaries(raw, tmp_path, batched):
    rows = [
        enterprise_row(1, {"Doanh thu": "2.385,5"}),  # evidence: Vietnamese style
        enterprise_row(2),
        enterprise_row(3, {"Doanh thu": "1.110"}),  # ambiguous, two batches later
        enterprise_row(1, {"Kỳ báo cáo": "03/2022"}),  # duplicate of row 4 (first batch)
        enterprise_row(5, {"Nộp ngân sách": "abc"}),
    ]
    total = {h: "" for h in ENTERPRISE_HEADERS}
    total.update(
        {
            "Mã số thuế": "Tổng cộng",
            "Giá trị sản xuất theo giá hiện hành": "9999",
            "Giá trị sản xuất theo giá so sánh 2010": "5000",
        }
    )
    write_csv(
        raw / "enterprise_reports/b.csv",
        ENTERPRISE_HEADERS,
        [*rows, total],
        delimiter=";",
        title=["BÁO CÁO THÁNG 3/2022", ""],
    )
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    # Title (1), blank (2), header (3): data rows 4–8, total row 9.
    assert result.rules() == {
        (4, "tax_code", "duplicate_in_file"),
        (7, "tax_code", "duplicate_in_file"),
        (8, "taxes_paid", "number_format"),
        (9, "gross_output_current", "total_mismatch"),
    }
    loaded = result.rows("enterprise_reports")
    assert [(r["_source_row"], r["revenue"]) for r in loaded] == [(5, 1300.0), (6, 1110.0)]
    outcome = result.outcomes[-1]
    assert (outcome.status, outcome.rows_loaded, outcome.rows_rejected) == ("loaded", 2, 3)


@pytest.mark.slow
def test_a_file_that_is_not_utf8_after_its_head_is_read_as_windows_1258(raw, tmp_path, batched):
    ascii_only = {
        "Tên doanh nghiệp / cơ sở": "Cong ty " + "x" * 80,
        "Loại hình": "Ngoai nha nuoc",
        "Xã, thị trấn": "Ho Xa",
        "Ứng dụng máy móc thiết bị tiên tiến": "Co",
        "Công nghiệp hỗ trợ": "Khong",
    }
    headers = [fold(h) for h in ENTERPRISE_HEADERS]
    rows = [
        {fold(k): v for k, v in enterprise_row(i, ascii_only).items()} for i in range(1, 400)
    ]  # over 64 KB of ASCII before the first legacy byte
    path = write_csv(raw / "enterprise_reports/late.csv", headers, rows)
    last = enterprise_row(400, {"Tên doanh nghiệp / cơ sở": "HTX Vĩnh Long"})
    line = io.StringIO()
    csv.writer(line).writerow([windows_1258_form(str(v)) for v in last.values()])
    with path.open("ab") as fh:
        fh.write(line.getvalue().encode("cp1258"))
    assert path.stat().st_size > 65536
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    assert result.outcomes[-1].status == "loaded", result.outcomes[-1].reason
    loaded = result.rows("enterprise_reports")
    assert len(loaded) == 400 and loaded[-1]["unit_name"] == "HTX Vĩnh Long"


def test_an_empty_or_headerless_large_file_is_rejected_whole(raw, tmp_path, batched):
    write_csv(raw / "enterprise_reports/empty.csv", ENTERPRISE_HEADERS, [])
    folder = raw / "enterprise_reports"
    (folder / "noise.csv").write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports"])
    by_name = {o.file_name: o for o in result.outcomes}
    assert by_name["enterprise_reports/empty.csv"].status == "rejected"
    assert by_name["enterprise_reports/noise.csv"].status == "rejected"
    assert result.rows("enterprise_reports") == []
    assert result.con.execute("select count(*) from ops.rejections").fetchone()[0] == 0


def _tables(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    names = [
        f"{s}.{t}"
        for s, t in con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name = 'raw' "
            "or (schema_name = 'ops' and table_name in ('rejections', 'files'))"
        ).fetchall()
    ]
    out = {}
    for name in names:
        cols = [
            c
            for (c,) in con.execute(
                "select column_name from duckdb_columns() where schema_name || '.' || table_name "
                "= ? order by column_index",
                [name],
            ).fetchall()
            if c not in IGNORED
        ]
        out[name] = sorted(
            con.execute(f"select {', '.join(cols)} from {name}").fetchall(), key=repr
        )
    con.close()
    return out


@pytest.mark.slow
def test_the_sample_read_in_batches_equals_the_sample_read_at_once(tmp_path, monkeypatch):
    """Every table of the private warehouse, for the whole committed sample (planted errors
    included), is the same whether each file is read at once or about 32 KB at a time."""
    whole = ingest(ROOT / "raw", tmp_path / "whole")
    whole.con.close()
    monkeypatch.setenv("VLPIPE_BATCH_MB", str(32 / 1024))  # 32 KB: about 300 rows a batch
    parts = ingest(ROOT / "raw", tmp_path / "parts")
    parts.con.close()
    a = _tables(Paths.of(ROOT / "raw", tmp_path / "whole").private_db)
    b = _tables(Paths.of(ROOT / "raw", tmp_path / "parts").private_db)
    assert a.keys() == b.keys() and len(a) >= 14
    for name in a:
        assert a[name] == b[name], name


def test_a_quoted_cell_with_line_breaks_is_never_cut(raw, tmp_path, monkeypatch):
    rows = [enterprise_row(i, {"Ghi chú": f'dòng một\ndòng hai "{i}"\nba'}) for i in range(1, 30)]
    write_csv(raw / "enterprise_reports/q.csv", ENTERPRISE_HEADERS, rows)
    whole = ingest(raw, tmp_path / "whole", ["enterprise_reports"])
    expected = [(r["_source_row"], r["note"]) for r in whole.rows("enterprise_reports")]
    monkeypatch.setenv("VLPIPE_BATCH_MB", str(100 / 1048576))
    parts = ingest(raw, tmp_path / "parts", ["enterprise_reports"])
    assert [(r["_source_row"], r["note"]) for r in parts.rows("enterprise_reports")] == expected
    assert [n for n, _ in expected] == list(range(2, 31))  # a record per row, breaks kept in
    assert expected[0][1] == 'dòng một dòng hai "1" ba'
