"""Formatting for the report: escaping, Vietnamese numbers and dates, status labels."""

from __future__ import annotations

import html
import math
import re
from datetime import UTC, date, datetime
from typing import Any

from flows.config import VIETNAM

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_TEXT = 300

# status → (Vietnamese, English, symbol); the colour is in the stylesheet, the text is always shown
STATUS = {
    "met": ("Đạt", "Met", "✓"),
    "not_met": ("Chưa đạt", "Not met", "✗"),
    "on_track": ("Đúng tiến độ", "On track", "↗"),
    "at_risk": ("Có nguy cơ", "At risk", "⚠"),
    "no_data": ("Không có dữ liệu", "No data", "–"),
}
COMPARATORS = {"gt": "> ", "gte": "≥ ", "lt": "< ", "lte": "≤ ", "eq": "= "}


def esc(value: object, limit: int = MAX_TEXT) -> str:
    """Any value as safe HTML text: control characters dropped, long text cut, escaped."""
    if value is None:
        return ""
    text = _CONTROL.sub("", str(value))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=True)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def num(value: Any, decimals: int = 2) -> str:
    """A number the Vietnamese way (1.388,72); integers without decimals; None → '—'."""
    if value is None:
        return "—"
    try:
        value = float(value)  # Decimal, numpy numbers
    except (TypeError, ValueError):
        return esc(value)
    if not math.isfinite(value):
        return "—"
    if abs(value - round(value)) < 1e-9:
        decimals = 0
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def target_num(value: Any) -> str:
    """A target as the plan writes it: 0,385 stays 0,385 and 1.110 stays 1.110."""
    if not _is_number(value):
        return "—"
    text = f"{float(value):,.3f}".rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def target_text(row: dict) -> str:
    """The target from its comparator and bounds, e.g. '> 1.110' or '7 – 8'."""
    comparator = row.get("comparator")
    low, high = row.get("target_low"), row.get("target_high")
    if comparator == "between":
        return f"{target_num(low)} – {target_num(high)}"
    if low is None and high is None:
        return "—"
    return COMPARATORS.get(str(comparator), f"{esc(comparator)} ") + target_num(low)


def pct(value: Any, decimals: int = 1) -> str:
    """A 0–1 share as a percentage, e.g. 0.9787 → '97,9 %'."""
    if not _is_number(value):
        return "—"
    return f"{num(float(value) * 100, decimals)} %"


TIME_LABEL = "giờ Việt Nam / Vietnam time, UTC+7"


def local_time(value: datetime) -> str:
    """A moment as dd/mm/yyyy HH:MM in Asia/Ho_Chi_Minh, labelled with the zone.

    A naive datetime is UTC: the pipeline's DuckDB `timestamp` columns hold UTC wall-clock
    times (flows.config.connect sets the session's TimeZone to UTC before current_timestamp
    is written to them). An aware one is converted."""
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    return f"{aware.astimezone(VIETNAM):%d/%m/%Y %H:%M} ({TIME_LABEL})"


def vn_date(value: object) -> str:
    """A date as dd/mm/yyyy; a datetime as local_time (text values are escaped as they are)."""
    if isinstance(value, datetime):
        return esc(local_time(value))
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return esc(value) if value is not None else "—"


def status_badge(status: object) -> str:
    """Status as a coloured badge that also says it in words (never colour alone)."""
    key = str(status) if status in STATUS else "unknown"
    vi, en, symbol = STATUS.get(key, (str(status or "?"), "", "?"))
    label = f"{esc(vi)} / {esc(en)}" if en else esc(vi)
    return (
        f'<span class="badge st-{key}" data-status="{esc(status)}">'
        f'<span aria-hidden="true">{symbol}</span> {label}</span>'
    )


def th(vi: str, en: str = "", cls: str = "") -> str:
    """A header cell: Vietnamese, then English below."""
    attr = f' class="{cls}"' if cls else ""
    return f"<th{attr}>{esc(vi)}" + (f'<span class="en">{esc(en)}</span>' if en else "") + "</th>"


def td(content: str, cls: str = "") -> str:
    """A cell from already-escaped HTML."""
    return f'<td class="{cls}">{content}</td>' if cls else f"<td>{content}</td>"


def table(
    head: list[str],
    rows: list[list[str]],
    *,
    cls: str = "",
    foot: list[str] | None = None,
    attrs: str = "",
) -> str:
    """A table from header cells (th()) and rows of cells (td()), all already escaped."""
    body = "".join(f"<tr>{''.join(r)}</tr>" for r in rows)
    total = f'<tr class="total">{"".join(foot)}</tr>' if foot else ""
    klass = f' class="{cls}"' if cls else ""
    return (
        f"<table{klass}{attrs}><thead><tr>{''.join(head)}</tr></thead>"
        f"<tbody>{body}{total}</tbody></table>"
    )


def empty(vi: str, en: str) -> str:
    """A 'nothing to show' line."""
    return f'<p class="empty">{esc(vi)} / {esc(en)}</p>'
