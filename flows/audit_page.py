"""The audit's result (``AuditResult``) and its one self-contained page
(``docs/audit/index.html``).

great-expectations' own Data Docs fill their tables with JavaScript and stylesheets from CDNs
(jQuery, bootstrap-table, vega, Font Awesome), so they show nothing on the office's network,
which has no internet. This page shows the same results without them: every checkpoint (one
per audited mart), every expectation with its arguments, its outcome, the observed value and,
for a failure, some failing values. Inline CSS, no script, no remote load; every text escaped.
The values come from the marts, which hold no personal data (the culprit rows name a personal
value only by its mask).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flows.config import VIETNAM
from flows.report.fmt import esc

UNBLOCK = (
    "to unblock: ask the sender to send a corrected file: it replaces the old one "
    "(for monthly reports, with the same or a later report date); the next run then "
    "builds without the bad rows"
)


@dataclass
class AuditResult:
    success: bool
    checks: list[dict] = field(default_factory=list)  # table, expectation, column, ok, detail, …
    culprits: list[str] = field(default_factory=list)  # loaded rows behind KPIs out of bounds

    @property
    def failures(self) -> list[dict]:
        return [c for c in self.checks if not c["ok"]]

    def summary(self) -> str:
        if self.success:
            return f"audit passed: {len(self.checks)} expectations"
        lines = [f"audit FAILED: {len(self.failures)} of {len(self.checks)} expectations"]
        lines += [
            f"  - {c['table']}: {c['expectation']} {c['column'] or ''} {c['detail']}"
            for c in self.failures
        ]
        if self.culprits:
            lines += ["  rows most likely responsible (file, row, column = value):"]
            lines += [f"    - {c}" for c in self.culprits]
            lines += [f"  {UNBLOCK}"]
        return "\n".join(lines)


STYLE = """
body{font-family:system-ui,"Segoe UI",Arial,sans-serif;margin:1.5rem auto;max-width:72rem;
 padding:0 1rem;line-height:1.45;color:#1b1b1b}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin:1.6rem 0 .4rem}
small{color:#555;font-weight:normal}
.verdict{display:inline-block;padding:.25rem .7rem;border-radius:4px;font-weight:600}
.pass{background:#e3f4e6;color:#14532d}.fail{background:#fde2e1;color:#7f1d1d}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #d0d0d0;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.outcome{white-space:nowrap;font-weight:600}
tr.check[data-ok="false"] td{background:#fff4f3}
code{font-size:.85rem;overflow-wrap:anywhere}ul.culprits li{margin:.2rem 0}
"""

OUTCOME = {True: ("✓ Đạt / Passed", "pass"), False: ("✗ Không đạt / Failed", "fail")}


def _row(check: dict) -> str:
    label, css = OUTCOME[bool(check["ok"])]
    examples = "<br>".join(f"<code>{esc(v)}</code>" for v in check.get("examples") or [])
    return (
        f'<tr class="check" data-ok="{str(bool(check["ok"])).lower()}">'
        f'<td><code class="expectation">{esc(check["expectation"])}</code></td>'
        f"<td><code>{esc(check['column'])}</code></td>"
        f"<td><code>{esc(check.get('arguments'))}</code></td>"
        f'<td class="outcome {css}">{label}</td>'
        f"<td>{esc(check.get('observed'))}</td><td>{examples}</td></tr>"
    )


def _suite(table: str, checks: list[dict]) -> str:
    failed = sum(1 for c in checks if not c["ok"])
    verdict = OUTCOME[not failed]
    rows = "\n".join(_row(c) for c in checks)
    return (
        f'<section class="suite" data-suite="{esc(table)}">\n'
        f"<h2>marts.{esc(table)} <small>checkpoint <code>audit_{esc(table)}</code> · "
        f"{len(checks)} kỳ vọng / expectations</small> "
        f'<span class="verdict {verdict[1]}">{verdict[0]}</span></h2>\n'
        "<table><thead><tr><th>Kỳ vọng / Expectation</th><th>Cột / Column</th>"
        "<th>Tham số / Arguments</th><th>Kết quả / Outcome</th>"
        "<th>Giá trị quan sát / Observed</th><th>Giá trị lỗi (ví dụ) / Failing values</th>"
        f"</tr></thead>\n<tbody>\n{rows}\n</tbody></table>\n</section>"
    )


def render(result: AuditResult, built_at: datetime | None = None) -> str:
    """The page's HTML: a summary, then one table per checkpoint."""
    built_at = (built_at or datetime.now(UTC)).astimezone(VIETNAM)
    suites: dict[str, list[dict]] = {}
    for check in result.checks:
        suites.setdefault(check["table"], []).append(check)
    failed = len(result.failures)
    verdict = OUTCOME[result.success]
    culprits = ""
    if result.culprits:
        items = "".join(f"<li><code>{esc(c)}</code></li>" for c in result.culprits)
        culprits = (
            "<h2>Dòng dữ liệu nghi gây lỗi / Rows most likely responsible</h2>"
            f'<ul class="culprits">{items}</ul>'
        )
    body = "\n".join(_suite(t, c) for t, c in suites.items())
    return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kết quả kiểm định / Audit results</title><style>{STYLE}</style></head><body>
<h1>Kết quả kiểm định dữ liệu <small>/ Audit results (great-expectations)</small></h1>
<p><span class="verdict {verdict[1]}" id="verdict">{verdict[0]}</span>
 <span id="counts" data-expectations="{len(result.checks)}" data-failed="{failed}">
 {len(result.checks)} kỳ vọng / expectations, {failed} không đạt / failed,
 {len(suites)} checkpoint</span></p>
<p><small>Lập lúc / built {esc(built_at.strftime("%d/%m/%Y %H:%M"))}
 (giờ Việt Nam / Vietnam time, UTC+7). Một bản dựng chỉ được công bố khi mọi kỳ vọng đạt /
 a build is published only when every expectation passes.</small></p>
{culprits}
{body}
</body></html>
"""


def write(result: AuditResult, out_dir: Path) -> Path:
    """Write ``index.html`` of the audit page into ``out_dir``; returns its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    page = out_dir / "index.html"
    page.write_text(render(result), encoding="utf-8")
    return page
