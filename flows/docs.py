"""The data documentation published with each run: dbt docs and the audit's results.

Both are built into ``warehouse/private/docs/`` during the run and published with the data
(``warehouse/docs/`` → the version's ``docs/``). Every page works offline (the office has no
internet): no page loads a script, stylesheet, font or image from the network.
- ``docs/dbt/index.html``: dbt's static docs site (one file: lineage graph, every model and
  column with its description and tests). dbt builds in the private ``pipeline.duckdb``;
  the page names the database analysts open (``vinhlinh``), where the same tables are
  published;
- ``docs/audit/index.html``: the results of this run's great-expectations audit, one
  self-contained page (flows/audit_page.py). GX's own Data Docs are not built: their pages
  fill their tables with JavaScript from CDNs, and show nothing offline;
- ``docs/index.html``: a page linking both.
"""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path
from typing import cast

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
<li><a href="audit/index.html">Kết quả kiểm định (great-expectations)</a>: các kỳ vọng
 và kết quả kiểm định của lần chạy / the audit's expectations and their results.</li>
<li><a href="../reports/index.html">Báo cáo chỉ tiêu / KPI report</a> · <a
 href="../reports/phu-luc-chi-tiet.html">Phụ lục chi tiết / detailed annex</a></li>
</ul></body></html>
"""


def reset(paths: Paths) -> Path:
    """An empty staging folder for this run's docs."""
    shutil.rmtree(paths.docs_staging_dir, ignore_errors=True)
    paths.docs_staging_dir.mkdir(parents=True)
    return paths.docs_staging_dir


def build_dbt_docs(paths: Paths, variables: dict | None, code: str) -> str | None:
    """dbt's single-file static docs into docs/dbt/; returns an error text or None.

    The page is dbt's own (``target/index.html``) with its manifest and catalog inlined, as
    ``dbt docs generate --static`` does, after naming the analysts' database in them. It
    describes models, columns and tests, not data: it is generated again only when the code
    (or ``as_of``, shown in the compiled SQL) changed; otherwise the last page is reused.
    """
    out = paths.docs_staging_dir / "dbt"
    cached = paths.private_dir / "dbt" / "docs_page.html"
    stamp = paths.private_dir / "dbt" / "docs_page.key"
    key = json.dumps({"code": code, "vars": variables, "db": paths.analyst_db.stem})
    if cached.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == key:
        out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, out / "index.html")
        return None
    stamp.unlink(missing_ok=True)
    error = _generate_dbt_docs(paths, variables, out / "index.html")
    if error is None:
        shutil.copyfile(out / "index.html", cached)
        stamp.write_text(key, encoding="utf-8")
    return error


def _generate_dbt_docs(paths: Paths, variables: dict | None, page_file: Path) -> str | None:
    # the build's own manifest (compiled SQL included): only the catalog is queried
    result = run_dbt("docs generate", paths, "--no-compile", variables=variables)
    target = paths.private_dir / "dbt" / "target"
    parts = [target / name for name in ("index.html", "manifest.json", "catalog.json")]
    if not result.success or not all(p.exists() for p in parts):
        return "; ".join(result.failures) or "dbt docs generate wrote no index.html or catalog"
    rename = {paths.private_db.stem: paths.analyst_db.stem}
    manifest, catalog = (
        cast(dict, _published_names(json.loads(p.read_text(encoding="utf-8")), rename))
        for p in parts[1:]
    )
    manifest.setdefault("metadata", {})["send_anonymous_usage_stats"] = False  # no tracker
    page = parts[0].read_text(encoding="utf-8")
    for placeholder, data in (
        ('"MANIFEST.JSON INLINE DATA"', manifest),
        ('"CATALOG.JSON INLINE DATA"', catalog),
    ):
        if placeholder not in page:
            return f"dbt's docs page has no {placeholder} to fill"
        inline = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")  # in <script>
        page = page.replace(placeholder, inline, 1)
    page_file.parent.mkdir(parents=True, exist_ok=True)
    page_file.write_text(page, encoding="utf-8")
    return None


def _published_names(value: object, rename: dict[str, str]) -> object:
    """dbt's manifest or catalog with the private database named as published: ``database``
    fields, and the ``"pipeline".`` prefix of relation names and compiled SQL."""
    if isinstance(value, dict):
        return {
            k: rename.get(v, v)
            if k == "database" and isinstance(v, str)
            else _published_names(v, rename)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_published_names(v, rename) for v in value]
    if isinstance(value, str):
        for old, new in rename.items():
            value = value.replace(f'"{old}".', f'"{new}".')
    return value


def gx_docs_dir(paths: Paths) -> Path:
    """Where the audit writes its results page (flows/audit_page.py)."""
    return paths.docs_staging_dir / "audit"


def write_index(paths: Paths, run_id: str) -> None:
    (paths.docs_staging_dir / "index.html").write_text(
        INDEX.format(run_id=html.escape(run_id)), encoding="utf-8"
    )
