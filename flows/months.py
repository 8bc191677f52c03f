"""Reporting months as people type them on the command line."""

from __future__ import annotations

import calendar
import datetime as dt


def month_end(month: str) -> dt.date:
    """'2022-06' (or '06/2022') → 2022-06-30."""
    text = month.strip()
    if "-" in text:
        year, mon = text.split("-")
    else:
        mon, year = text.split("/")
    return dt.date(int(year), int(mon), calendar.monthrange(int(year), int(mon))[1])
