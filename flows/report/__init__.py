"""The KPI report for the district leadership: one self-contained HTML page and its A4 PDF.

    files = write_report(Path("warehouse/vinhlinh.duckdb"), Path("warehouse/reports"))

reads the analyst DuckDB file read-only (schema marts) and writes out_dir/index.html (inline
CSS and SVG charts, no scripts, nothing fetched) and out_dir/bao-cao-kpi.pdf (headless
Chromium; skipped with a reason, never an error, when Chromium is missing or fails).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flows.report.data import load
from flows.report.pdf import write_pdf
from flows.report.render import render

__all__ = ["HTML_NAME", "PDF_NAME", "ReportFiles", "write_report"]

HTML_NAME = "index.html"
PDF_NAME = "bao-cao-kpi.pdf"


@dataclass(frozen=True)
class ReportFiles:
    """What write_report wrote: the HTML page, the PDF (None when skipped) and why it was."""

    html: Path
    pdf: Path | None
    pdf_skipped_reason: str | None


def _now() -> datetime:
    try:
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    except Exception:  # noqa: BLE001 — no tz database: the offset is fixed (+07, no DST)
        return datetime.now(timezone(timedelta(hours=7), "ICT"))


def write_report(analyst_db: Path, out_dir: Path, *, plan_id: str | None = None) -> ReportFiles:
    """Write out_dir/index.html and out_dir/bao-cao-kpi.pdf from the analyst file.

    plan_id=None reports every plan of marts.kpi_scorecard (adopted plans first, the latest
    year first; sample-target plans last). Empty or missing tables give empty sections.
    """
    analyst_db, out_dir = Path(analyst_db), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    page = render(load(analyst_db, plan_id), _now())
    html = out_dir / HTML_NAME
    partial = out_dir / f".{HTML_NAME}.partial"
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, html)
    pdf = out_dir / PDF_NAME
    reason = write_pdf(html, pdf)
    return ReportFiles(html=html, pdf=None if reason else pdf, pdf_skipped_reason=reason)
