"""The KPI report (flows/report): the leaders' brief and its annex, HTML pages in a real
browser, PDFs (brief ≤ 2 A4 pages per plan), chart text readable on paper, times in Vietnam
time and labelled, hostile text, empty marts.

The browser tests drive Debian's Chromium through Playwright; they are skipped (with the
reason) only when no Chromium can be found. Expected KPI values come from the generator's
records (tests/support/kpi_oracle.py), never from the pipeline's tables.
"""

from __future__ import annotations

import re
import shutil
import struct
import zlib
from pathlib import Path

import duckdb
import pytest

from flows.report import ANNEX_HTML_NAME, ANNEX_PDF_NAME, PDF_NAME, write_report
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, need_chromium
from tests.support.kpi_oracle import expected_kpis
from tests.support.published import query

PLAN = "VL-2022"
HOSTILE = "<script>alert(1)</script>"
PLAN_SECTIONS = {
    "kpis": "Chỉ tiêu",
    "kc-funds": "Kinh phí khuyến công theo nguồn",
    "communes": "Theo xã, thị trấn",
    "zones": "Theo khu, cụm công nghiệp",
    "completeness": "Tình hình nộp báo cáo",
}
BRIEF_SECTIONS = {"scorecard": "Kết quả các chỉ tiêu", "at-risk": "Chưa đạt, có nguy cơ"}
TIME_LABEL = "(giờ Việt Nam / Vietnam time, UTC+7)"
MIN_PRINT_PT = 8
FOLLOW_UP_SECTIONS = {
    "reconciliation": "Đối chiếu số liệu",
    "tasks": "Nhiệm vụ kế hoạch quá hạn",
    "rejected": "Tệp và dòng bị từ chối",
}


@pytest.fixture(scope="module")
def analyst_db(e2e) -> Path:
    return e2e["warehouse"] / "vinhlinh.duckdb"


@pytest.fixture(scope="module")
def report(analyst_db, tmp_path_factory):
    """The default report (every plan) of the shared end-to-end run, with its PDF."""
    return write_report(analyst_db, tmp_path_factory.mktemp("report"))


@pytest.fixture
def no_pdf(monkeypatch):
    """Tests about the HTML only: no Chromium run for the PDF."""
    monkeypatch.setenv("VLPIPE_CHROMIUM", "/nonexistent/chromium")


def _vn_number(text: str) -> float:
    """'1.388,72' → 1388.72 (the report writes numbers the Vietnamese way)."""
    return float(text.strip().replace(".", "").replace(",", "."))


def _png_stats(png: bytes) -> tuple[int, float]:
    """Distinct colours and share of non-white pixels of an 8-bit RGB(A) PNG (no PIL here)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, bytearray()
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        body = png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert depth == 8 and colour in (2, 6), (depth, colour)
    bpp = 4 if colour == 6 else 3
    raw, stride = zlib.decompress(bytes(idat)), width * bpp
    prev, colours, ink, i = bytearray(stride), set(), 0, 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1 : i + 1 + stride])
        i += 1 + stride
        for x in range(stride) if kind else ():
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], (prev[x - bpp] if x >= bpp else 0)
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp):
            pixel = bytes(line[x : x + 3])
            colours.add(pixel)
            ink += pixel != b"\xff\xff\xff"
        prev = line
    return len(colours), ink / (width * height)


def _open_in_browser(playwright, chromium: str, html: Path, problems: list[str]):
    """A page showing html, recording console errors, page errors and any network use."""
    browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"requestfailed: {r.url}"))
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(("file://", "data:"))
            else problems.append(f"network request: {r.url}")
        ),
    )
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.route(re.compile(r"^(https?|wss?|ftp)://"), lambda route: route.abort())
    page.goto(html.as_uri(), wait_until="load")
    return browser, page


def test_report_in_a_browser(report, analyst_db, e2e):
    chromium = need_chromium()
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as p:
        browser, page = _open_in_browser(p, chromium, report.annex_html, problems)
        try:
            shot = page.screenshot(clip={"x": 0, "y": 0, "width": 800, "height": 600})
            plan = page.locator(f'section.plan[data-plan="{PLAN}"]')
            assert plan.count() == 1
            for sid, title in PLAN_SECTIONS.items():
                heading = plan.locator(f'section[data-section="{sid}"] > h3')
                assert heading.count() == 1, sid
                assert title in heading.inner_text()
            for sid, title in FOLLOW_UP_SECTIONS.items():
                assert title in page.locator(f"section#{sid} > h3").inner_text()
            cards = page.locator(f'.kpi-card[data-plan="{PLAN}"]')
            rows = query(
                analyst_db, f"select kpi_code from marts.kpi_scorecard where plan_id = '{PLAN}'"
            )
            assert cards.count() == len(rows) > 0
            expected = expected_kpis(e2e["truth"], 2022)
            for code in ("LAB_NEW_JOBS", "IND_GO_CURRENT"):
                shown = page.locator(
                    f'.kpi-card[data-plan="{PLAN}"][data-kpi="{code}"] .actual .value'
                ).inner_text()
                assert _vn_number(shown) == pytest.approx(expected[code], abs=0.005), code
            assert page.locator(".section-error").count() == 0
        finally:
            browser.close()
    assert problems == []
    colours, ink = _png_stats(shot)
    assert colours > 20 and ink > 0.05, f"blank-looking screenshot: {colours} colours, {ink:.1%}"


def test_pdf_is_a4_and_has_pages(report):
    need_chromium()
    assert report.pdf_skipped_reason is None
    assert report.pdf is not None and report.pdf.name == PDF_NAME
    data = report.pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) >= 1
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert box and abs(float(box[1]) - 595) < 2 and abs(float(box[2]) - 842) < 2  # A4 points


def test_no_chromium_means_no_pdf_and_no_error(analyst_db, tmp_path, monkeypatch):
    for name in (PDF_NAME, ANNEX_PDF_NAME):
        (tmp_path / name).write_bytes(b"%PDF-stale")
    monkeypatch.setenv("VLPIPE_CHROMIUM", str(tmp_path / "no-such-chromium"))
    files = write_report(analyst_db, tmp_path)
    assert files.html.is_file() and files.pdf is None
    assert files.annex_html.is_file() and files.annex_pdf is None
    assert "chromium" in files.pdf_skipped_reason
    assert "chromium" in files.annex_pdf_skipped_reason
    for name in (PDF_NAME, ANNEX_PDF_NAME):
        assert not (tmp_path / name).exists(), "a stale PDF would disagree with the page"


def test_report_is_self_contained(report):
    for page in (report.html, report.annex_html):
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html.lower()
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
        assert "@import" not in html and "url(" not in html
        assert "@page { size: A4" in html


def test_hostile_text_is_escaped(analyst_db, tmp_path, no_pdf):
    db = tmp_path / "hostile.duckdb"
    shutil.copy(analyst_db, db)
    with duckdb.connect(str(db)) as con:
        con.execute(
            "insert into marts.rejected_rows by name select 'enterprise_reports' as source,"
            " ? as file_name, ? as sheet, 7 as row_number, ? as column_name, ? as value,"
            " ? as rule, ? as message_vi, ? as message_en, 'run-x' as run_id",
            [
                HOSTILE,
                HOSTILE,
                '"><img src=x onerror=alert(2)>',
                "=cmd|' /C calc'!A0",
                HOSTILE,
                '=HYPERLINK("http://x") ' + HOSTILE,
                HOSTILE,
            ],
        )
        con.execute(
            "insert into marts.file_outcomes by name select 'run-y' as run_id,"
            " 'enterprise_reports' as source, ? as file_name, 'rejected' as status,"
            " 0 as rows_loaded, 0 as rows_rejected, ? as reason,"
            " now()::timestamp + interval 1 day as recorded_at",
            [HOSTILE + ".xlsx", HOSTILE],
        )
        con.execute(
            "update marts.kpi_scorecard set kpi_name_vi = ?, projection_note = ?"
            " where kpi_code = 'KC_FUNDS_TOTAL'",
            [HOSTILE, HOSTILE],
        )
    files = write_report(db, tmp_path / "out")
    brief = files.html.read_text(encoding="utf-8")
    html = files.annex_html.read_text(encoding="utf-8")
    for page in (brief, html):
        assert "<script" not in page.lower() and "<img" not in page.lower()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "=HYPERLINK(&quot;http://x&quot;)" in html
    if CHROMIUM:  # and a browser runs nothing of it
        from playwright.sync_api import sync_playwright

        problems: list[str] = []
        with sync_playwright() as p:
            browser, page = _open_in_browser(p, CHROMIUM, files.annex_html, problems)
            text = page.locator("section#rejected").inner_text()
            page.goto(files.html.as_uri(), wait_until="load")
            brief_text = page.locator("table.scorecard").first.inner_text()
            browser.close()
        assert problems == [] and HOSTILE in text and HOSTILE in brief_text


def test_empty_marts_give_a_report(analyst_db, tmp_path, no_pdf):
    """A first run with no rows (tables present but empty), and a file with no tables."""
    empty, bare = tmp_path / "empty.duckdb", tmp_path / "bare.duckdb"
    with duckdb.connect(str(empty)) as con:
        con.execute(f"attach '{analyst_db}' as src (read_only)")
        con.execute("create schema marts")
        for (table,) in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'src' and table_schema = 'marts'"
        ).fetchall():
            con.execute(f"create table marts.{table} as select * from src.marts.{table} limit 0")
    with duckdb.connect(str(bare)) as con:
        con.execute("create schema marts")
    for db in (empty, bare):
        files = write_report(db, tmp_path / db.stem)
        for page in (files.html, files.annex_html):
            html = page.read_text(encoding="utf-8")
            assert "no plan KPIs" in html and 'class="section-error"' not in html
        for title in FOLLOW_UP_SECTIONS.values():
            assert title in files.annex_html.read_text(encoding="utf-8")
        assert "To follow up" in files.html.read_text(encoding="utf-8")
    for name in ("index.html", ANNEX_HTML_NAME):
        assert "could not read" not in (tmp_path / "empty" / name).read_text()
        assert "could not read" in (tmp_path / "bare" / name).read_text()


def test_one_plan_without_history(analyst_db, tmp_path, no_pdf):
    db = tmp_path / "nohistory.duckdb"
    shutil.copy(analyst_db, db)
    with duckdb.connect(str(db)) as con:
        con.execute("delete from marts.kpi_scorecard_history")
        con.execute("delete from marts.reporting_completeness")
        con.execute("delete from marts.fct_unit_month_submissions")
    files = write_report(db, tmp_path / "out", plan_id=PLAN)
    html = files.annex_html.read_text(encoding="utf-8")
    assert html.count('class="card kpi-card') == len(
        query(db, f"select 1 from marts.kpi_scorecard where plan_id = '{PLAN}'")
    )
    assert "no data yet" in html and 'class="section-error"' not in html
    assert 'data-plan="VL-2023"' not in html + files.html.read_text(encoding="utf-8")
    missing = write_report(db, tmp_path / "missing", plan_id="NO-SUCH-PLAN")
    assert "NO-SUCH-PLAN" in missing.html.read_text(encoding="utf-8")


def _pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))


def test_brief_in_a_browser(report, analyst_db, e2e):
    """The brief: each plan's scorecard in words (status word + symbol + colour), what is at
    risk and why, last year's value, the follow-up lines linking to the annex."""
    chromium = need_chromium()
    from playwright.sync_api import sync_playwright

    plans = [
        r["plan_id"] for r in query(analyst_db, "select distinct plan_id from marts.kpi_scorecard")
    ]
    problems: list[str] = []
    with sync_playwright() as p:
        browser, page = _open_in_browser(p, chromium, report.html, problems)
        try:
            for plan_id in plans:
                part = page.locator(f'section.plan.brief[data-plan="{plan_id}"]')
                assert part.count() == 1, plan_id
                for sid, title in BRIEF_SECTIONS.items():
                    assert title in part.locator(f'section[data-section="{sid}"] > h3').inner_text()
                table = part.locator("table.scorecard tbody tr")
                assert table.count() == len(
                    query(
                        analyst_db, f"select 1 from marts.kpi_scorecard where plan_id = '{plan_id}'"
                    )
                )
                badge = part.locator("table.scorecard .badge").first
                assert re.search(r"[✓✗↗⚠–] \S", badge.inner_text()), "symbol and words"
                colour = badge.evaluate("e => getComputedStyle(e).backgroundColor")
                assert colour not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
            year = page.locator(f'section.plan.brief[data-plan="{PLAN}"]').inner_text()
            assert "Cùng kỳ năm trước" in year and "Same point last year" in year
            links = page.locator(f'a[href^="{ANNEX_HTML_NAME}#"]')
            assert links.count() >= 4
            assert page.locator(".section-error").count() == 0
            assert page.locator(".kpi-card, table.grid, section#rejected").count() == 0, (
                "the office's detail belongs in the annex"
            )
        finally:
            browser.close()
    assert problems == []


def test_brief_shows_no_projection_without_history(report, e2e):
    """VL-2023's khuyến công funds cannot be projected from 2022's thin first half: the brief
    says so instead of a number, and says why they are at risk."""
    html = report.html.read_text(encoding="utf-8")
    part = html[html.index('data-plan="VL-2023"') :]
    assert "chưa đủ số liệu để dự báo / not enough history to project" in part
    risks = part[part.index('class="risks"') :]
    assert 'data-kpi="KC_FUNDS_TOTAL"' in risks


def test_brief_pdf_has_at_most_two_pages_per_plan_and_an_annex(report, analyst_db):
    need_chromium()
    plans = query(analyst_db, "select count(distinct plan_id) as n from marts.kpi_scorecard")
    assert report.pdf is not None and report.pdf.name == PDF_NAME
    assert 1 <= _pages(report.pdf) <= 2 * plans[0]["n"], _pages(report.pdf)
    assert report.annex_pdf_skipped_reason is None
    assert report.annex_html is not None and report.annex_html.name == ANNEX_HTML_NAME
    assert report.annex_pdf is not None and report.annex_pdf.name == ANNEX_PDF_NAME
    assert _pages(report.annex_pdf) > _pages(report.pdf)
    box = re.search(
        rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", report.annex_pdf.read_bytes()
    )
    assert box and abs(float(box[1]) - 595) < 2 and abs(float(box[2]) - 842) < 2


def test_chart_text_is_at_least_8_pt_on_paper(report):
    """Every SVG text, measured as printed: the page laid out for print at A4's text width
    (210 − 2 × 12 mm = 703 CSS px; 1 px = 0.75 pt), font-size × the SVG's scale."""
    chromium = need_chromium()
    from playwright.sync_api import sync_playwright

    html = report.annex_html.read_text(encoding="utf-8")
    sizes = [float(v) for v in re.findall(r'<text[^>]*font-size="([\d.]+)"', html)]
    assert sizes and min(sizes) >= 10, "SVG units; a chart is never printed smaller than 1:1.25"
    problems: list[str] = []
    with sync_playwright() as p:
        browser, page = _open_in_browser(p, chromium, report.annex_html, problems)
        try:
            page.set_viewport_size({"width": 703, "height": 1000})
            page.emulate_media(media="print")
            printed = page.evaluate("""() => [...document.querySelectorAll('svg text')].map(t =>
                parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a * 0.75)""")
        finally:
            browser.close()
    assert printed and min(printed) >= MIN_PRINT_PT, min(printed)


def test_times_are_vietnam_time_and_labelled(analyst_db, tmp_path, no_pdf):
    """A naive timestamp in the marts is UTC (flows.config.connect writes in UTC): a file
    rejected at 18:30 UTC on 5 January is shown at 01:30 on 6 January, Vietnam time."""
    db = tmp_path / "times.duckdb"
    shutil.copy(analyst_db, db)
    with duckdb.connect(str(db)) as con:
        con.execute(
            "insert into marts.file_outcomes by name select 'run-t' as run_id,"
            " 'enterprise_reports' as source, 'late.xlsx' as file_name, 'rejected' as status,"
            " 0 as rows_loaded, 0 as rows_rejected, 'bad header' as reason,"
            " timestamp '2023-01-05 18:30:00' as recorded_at"
        )
    files = write_report(db, tmp_path / "out")
    annex = files.annex_html.read_text(encoding="utf-8")
    assert f"06/01/2023 01:30 {TIME_LABEL}" in annex
    for page in (annex, files.html.read_text(encoding="utf-8")):
        times = re.findall(r"\d\d/\d\d/\d{4} \d\d:\d\d(.{0,50})", page)
        assert times and all(t.startswith(" " + TIME_LABEL) for t in times), times[:3]
