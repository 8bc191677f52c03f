"""The data documentation published with each run: dbt docs and great-expectations Data Docs.

Both are built into ``warehouse/private/docs/`` during the run and published with the data
(``warehouse/docs/`` → the version's ``docs/``):
- ``docs/dbt/index.html``: dbt's static docs site (one file: lineage graph, every model and
  column with its description and tests);
- ``docs/gx/index.html``: the Data Docs of this run's audit (suites and validation results);
- ``docs/index.html``: a page linking both.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

from flows.config import Paths
from flows.transform import run_dbt

INDEX = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Tài liệu dữ liệu / Data documentation</title>
<style>body{{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;line-height:1.5}}
li{{margin:.6rem 0}}</style></head><body>
<h1>Tài liệu dữ liệu <small>/ Data documentation</small></h1>
<p>Lần chạy / run <code>{run_id}</code></p>
<ul>
<li><a href="dbt/index.html">Mô hình dữ liệu (dbt docs)</a>: sơ đồ phụ thuộc, mô tả từng bảng
 và cột, các kiểm thử / lineage graph, every model and column described, tests.</li>
<li><a href="gx/index.html">Kết quả kiểm định (great-expectations Data Docs)</a>: các kỳ vọng
 và kết quả kiểm định của lần chạy / the audit's expectations and validation results.</li>
<li><a href="../reports/index.html">Báo cáo chỉ tiêu / KPI report</a> · <a
 href="../reports/phu-luc-chi-tiet.html">Phụ lục chi tiết / detailed annex</a></li>
</ul></body></html>
"""


def reset(paths: Paths) -> Path:
    """An empty staging folder for this run's docs."""
    shutil.rmtree(paths.docs_staging_dir, ignore_errors=True)
    paths.docs_staging_dir.mkdir(parents=True)
    return paths.docs_staging_dir


def build_dbt_docs(paths: Paths, variables: dict | None) -> str | None:
    """dbt's single-file static docs into docs/dbt/; returns an error text or None."""
    result = run_dbt("docs generate", paths, "--static", variables=variables)
    built = paths.private_dir / "dbt" / "target" / "static_index.html"
    if not result.success or not built.exists():
        return "; ".join(result.failures) or "dbt docs generate wrote no static_index.html"
    out = paths.docs_staging_dir / "dbt"
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built, out / "index.html")
    return None


def gx_docs_dir(paths: Paths) -> Path:
    return paths.docs_staging_dir / "gx"


def write_index(paths: Paths, run_id: str) -> None:
    (paths.docs_staging_dir / "index.html").write_text(
        INDEX.format(run_id=html.escape(run_id)), encoding="utf-8")
