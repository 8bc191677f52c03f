"""The published data docs work offline (the office has no internet), opened in Chromium with
the network blocked, on the shared end-to-end run:

- the audit page (``docs/audit/index.html``) shows every expectation of the run's audit and
  its outcome, with no script;
- the dbt docs (``docs/dbt/index.html``) show a model in the analysts' database ``vinhlinh``
  (dbt builds in the private ``pipeline.duckdb``);
- no page asks for anything but local files: every request is a ``file://`` URL without a
  host (a ``//cdn…`` script on a file page would be ``file://cdn…``).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from flows.audit_page import AuditResult, render
from tests.support.browser import CHROMIUM_ARGS, need_chromium

SUITES = (
    "kpi_scorecard_history",
    "kpi_scorecard",
    "dim_units",
    "kpi_by_month",
    "kpi_by_commune",
    "kpi_by_zone",
)
REMOTE = re.compile(  # a script, stylesheet, image or frame from another machine
    r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE
)


@pytest.fixture(scope="module")
def docs(e2e) -> Path:
    return e2e["warehouse"] / "docs"


def _open(playwright, chromium: str, page_file: Path, requests: list[str], problems: list[str]):
    """Chromium showing page_file with every non-file request recorded and refused."""
    browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_offline(True)
    context.route(re.compile(r"^(?!file:)"), lambda route: route.abort())
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    # dbt's page asks for its icons' unrendered templates ({{ getIcon(…) }}): local misses
    page.on(
        "requestfailed",
        lambda r: None if r.url.startswith("file:") else problems.append(f"requestfailed: {r.url}"),
    )
    page.goto(page_file.as_uri(), wait_until="load")
    return browser, page


def _left_the_machine(requests: list[str]) -> list[str]:
    return [u for u in requests if urlparse(u).scheme != "file" or urlparse(u).netloc]


def test_docs_index_links_offline_pages(docs):
    index = (docs / "index.html").read_text("utf-8")
    assert 'href="dbt/index.html"' in index and 'href="audit/index.html"' in index
    assert 'href="gx/' not in index  # GX's Data Docs need internet: not published
    for page in (docs / "index.html", docs / "audit" / "index.html"):
        text = page.read_text("utf-8")
        assert "<script" not in text.lower(), page
        assert not REMOTE.search(text), page
    dbt = (docs / "dbt" / "index.html").read_text("utf-8")
    assert not REMOTE.search(dbt)
    assert '"send_anonymous_usage_stats": false' in dbt  # dbt's tracker script stays off


def test_audit_page_shows_every_expectation_offline(docs, e2e):
    chromium = need_chromium()
    from playwright.sync_api import sync_playwright

    audited = e2e["rebuilt"].audit
    requests: list[str] = []
    problems: list[str] = []
    with sync_playwright() as p:
        browser, page = _open(p, chromium, docs / "audit" / "index.html", requests, problems)
        try:
            assert page.locator("#verdict").inner_text().endswith("Passed")
            counts = page.locator("#counts")
            assert counts.get_attribute("data-expectations") == str(audited["expectations"])
            assert counts.get_attribute("data-failed") == "0"
            rows = page.locator("tr.check")
            assert rows.count() == audited["expectations"] > 0
            assert page.locator('tr.check[data-ok="true"]').count() == rows.count()
            for suite in SUITES:
                section = page.locator(f'section.suite[data-suite="{suite}"]')
                assert section.count() == 1, suite
                assert section.locator("tr.check").count() > 0, suite
                assert section.locator("h2").is_visible()
            history = page.locator('section.suite[data-suite="kpi_scorecard"]').inner_text()
            assert "expect_column_distinct_values_to_contain_set" in history
            assert "values unexpected" in history  # observed values are shown
        finally:
            browser.close()
    assert requests == [(docs / "audit" / "index.html").as_uri()]  # the page alone
    assert problems == []


def test_dbt_docs_name_the_analysts_database_offline(docs):
    chromium = need_chromium()
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    problems: list[str] = []
    model = "model.vlpipe.kpi_scorecard"
    with sync_playwright() as p:
        browser, page = _open(p, chromium, docs / "dbt" / "index.html", requests, problems)
        try:
            page.goto(f"{(docs / 'dbt' / 'index.html').as_uri()}#!/model/{model}")
            page.get_by_text("vinhlinh.marts.kpi_scorecard").first.wait_for(timeout=30_000)
            body = page.locator("body").inner_text()
            assert "kpi_scorecard" in body
            assert "pipeline.marts" not in body
        finally:
            browser.close()
    assert _left_the_machine(requests) == []
    assert problems == []


def test_dbt_docs_data_name_no_private_database(docs):
    """Every database the dbt page's inlined manifest and catalog name is the analysts'."""
    dbt = (docs / "dbt" / "index.html").read_text("utf-8")
    databases = set(re.findall(r'"database":\s*"([^"]*)"', dbt))
    assert databases == {"vinhlinh"}
    assert '\\"pipeline\\".' not in dbt  # relation names in the compiled SQL


def test_audit_page_shows_a_failure_as_text():
    """A failed expectation: its failing values and culprit rows shown escaped, never as markup."""
    hostile = '<script>alert(1)</script><img src="https://example.com/x.png">'
    result = AuditResult(success=False, culprits=[f"a.xlsx row 3 (units), column x = {hostile}"])
    result.checks = [
        {
            "table": "kpi_scorecard",
            "expectation": "expect_column_values_to_be_in_set",
            "column": "status",
            "ok": False,
            "detail": hostile,
            "arguments": "value_set=[…]",
            "observed": "1 / 38 giá trị không đạt / values unexpected",
            "examples": [hostile],
        },
        {
            "table": "kpi_scorecard",
            "expectation": "expect_column_values_to_not_be_null",
            "column": "year",
            "ok": True,
            "detail": "",
            "arguments": "",
            "observed": "0 / 38",
            "examples": [],
        },
    ]
    page = render(result)
    assert "<script" not in page and "<img" not in page and not REMOTE.search(page)
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    assert 'data-expectations="2" data-failed="1"' in page
    assert page.count('class="check" data-ok="false"') == 1 and "Không đạt / Failed" in page
