"""The KPI report: the leaders' brief and its detailed annex, each an HTML page and an A4 PDF.

    files = write_report(Path("warehouse/vinhlinh.duckdb"), Path("warehouse/reports"))

reads the analyst DuckDB file read-only (schema marts) and writes
- out_dir/index.html and out_dir/bao-cao-kpi.pdf: the brief (flows/report/brief.py), at most
  two A4 pages per plan — scorecard in words and colour, what is at risk and why, the same
  point last year, a few follow-up counts pointing to the annex;
- out_dir/phu-luc-chi-tiet.html and .pdf: the annex (flows/report/render.py), every detail:
  KPI cards with charts, funds, communes, zones, reporting completeness, reconciliation,
  overdue tasks, rejected files and rows.
Inline CSS and SVG charts, no scripts, nothing fetched. A PDF is printed by headless Chromium
and skipped with a reason, never an error, when Chromium is missing or fails.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flows.report.brief import render_brief
from flows.report.data import load
from flows.report.pdf import write_pdf
from flows.report.render import render

__all__ = [
    "ANNEX_HTML_NAME",
    "ANNEX_PDF_NAME",
    "HTML_NAME",
    "PDF_NAME",
    "ReportFiles",
    "write_report",
]

HTML_NAME = "index.html"
PDF_NAME = "bao-cao-kpi.pdf"
ANNEX_HTML_NAME = "phu-luc-chi-tiet.html"
ANNEX_PDF_NAME = "phu-luc-chi-tiet.pdf"


@dataclass(frozen=True)
class ReportFiles:
    """What write_report wrote: the brief's HTML and PDF (None when skipped, and why), and the
    annex's."""

    html: Path
    pdf: Path | None
    pdf_skipped_reason: str | None
    annex_html: Path | None = None
    annex_pdf: Path | None = None
    annex_pdf_skipped_reason: str | None = None


def _write_html(path: Path, page: str) -> Path:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, path)
    return path


def write_report(analyst_db: Path, out_dir: Path, *, plan_id: str | None = None) -> ReportFiles:
    """Write the brief (index.html, bao-cao-kpi.pdf) and the annex (phu-luc-chi-tiet.html,
    .pdf) from the analyst file.

    plan_id=None reports every plan of marts.kpi_scorecard (adopted plans first, the latest
    year first; sample-target plans last). Empty or missing tables give empty sections.
    """
    analyst_db, out_dir = Path(analyst_db), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data, now = load(analyst_db, plan_id), datetime.now(UTC)
    annex = _write_html(out_dir / ANNEX_HTML_NAME, render(data, now, brief_href=HTML_NAME))
    html = _write_html(out_dir / HTML_NAME, render_brief(data, now, ANNEX_HTML_NAME))
    pdf, annex_pdf = out_dir / PDF_NAME, out_dir / ANNEX_PDF_NAME
    reason = write_pdf(html, pdf)
    annex_reason = write_pdf(annex, annex_pdf)
    return ReportFiles(
        html=html,
        pdf=None if reason else pdf,
        pdf_skipped_reason=reason,
        annex_html=annex,
        annex_pdf=None if annex_reason else annex_pdf,
        annex_pdf_skipped_reason=annex_reason,
    )
