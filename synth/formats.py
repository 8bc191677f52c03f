"""How values are written: Vietnamese number/date/period styles, yes/no, commune names."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from .reference import COMMUNE_BY_CODE, ZONES

AMBIGUOUS = re.compile(r"^-?\d{1,3}[.,]\d{3}$")


def fmt_number(x: float, style: str, decimals: int = 1, force_decimal: bool = False) -> str:
    """Write a number as text: style 'plain' (1385.5), 'vn' (1.385,5) or 'en' (1,385.5).

    Trailing zero decimals are dropped unless force_decimal (then at least one is kept).
    """
    text = f"{abs(x):.{decimals}f}" if decimals else str(round(abs(x)))
    int_part, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    if force_decimal and not frac:
        frac = "0"
    sign = "-" if x < 0 and (int_part != "0" or frac) else ""
    if style == "plain":
        return sign + int_part + ("." + frac if frac else "")
    grouped = f"{int(int_part):,}"
    if style == "vn":
        return sign + grouped.replace(",", ".") + ("," + frac if frac else "")
    return sign + grouped + ("." + frac if frac else "")


def resolve_column(
    cells: list[str],
    values: list[float | None],
    style: str,
    decimals: int,
    trusted: list[bool] | None = None,
    frozen: list[bool] | None = None,
) -> list[str]:
    """Make a text column of one file readable by the ambiguity rule.

    A cell such as "1.110" is ambiguous; it is resolved from an unambiguous cell of the same
    column. Only ``trusted`` rows (not deliberately bad) count as evidence. If there is none,
    the ambiguous cells (except ``frozen`` ones) are rewritten with a decimal part.
    """
    if style == "plain":
        return cells
    n = len(cells)
    trusted = trusted or [True] * n
    frozen = frozen or [False] * n
    dec = "," if style == "vn" else "."
    if any(c and dec in c and t for c, t in zip(cells, trusted, strict=True)):
        return cells
    return [
        fmt_number(v, style, decimals, force_decimal=True)
        if c and v is not None and not f and AMBIGUOUS.match(c)
        else c
        for c, v, f in zip(cells, values, frozen, strict=True)
    ]


DATE_STYLES = ("dmy", "d/m/y", "iso")


@lru_cache(maxsize=8192)
def fmt_date(d: date | None, style: str) -> str:
    """dd/mm/yyyy, d/m/yyyy or yyyy-mm-dd; blank for None."""
    if d is None:
        return ""
    if style == "dmy":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "d/m/y":
        return f"{d.day}/{d.month}/{d.year}"
    return d.isoformat()


PERIOD_STYLES = ("mm/yyyy", "m/yyyy", "yyyy-mm", "thang")


@lru_cache(maxsize=1024)
def fmt_period(p: date, style: str) -> str:
    """'03/2022', '3/2022', '2022-03' or 'Tháng 3/2022'."""
    if style == "mm/yyyy":
        return f"{p.month:02d}/{p.year}"
    if style == "m/yyyy":
        return f"{p.month}/{p.year}"
    if style == "yyyy-mm":
        return f"{p.year}-{p.month:02d}"
    return f"Tháng {p.month}/{p.year}"


YES_NO = (("Có", "Không"), ("x", ""), ("1", "0"))


def fmt_yes_no(value: bool, style: int) -> str:
    """Yes/no as 'Có'/'Không', 'x'/blank or '1'/'0'."""
    return YES_NO[style][0 if value else 1]


def fmt_commune(code: str, variant: str) -> str:
    """A commune as written: 'full', 'bare', 'abbr' (TT. Hồ Xá), 'abbr2' (TT Hồ Xá), 'code'."""
    _, name, kind, _ = COMMUNE_BY_CODE[code]
    if variant == "code":
        return code
    if variant == "bare":
        return name
    if kind == "Thị trấn" and variant == "abbr":
        return f"TT. {name}"
    if kind == "Thị trấn" and variant == "abbr2":
        return f"TT {name}"
    return f"{kind} {name}"


def fmt_zone(code: str | None, full: bool) -> str:
    """A zone as written: 'KCN Tây Bắc Hồ Xá' or 'Khu công nghiệp Tây Bắc Hồ Xá'."""
    if code is None:
        return ""
    short, _, long = ZONES[code]
    return long if full else short


def strip_diacritics(text: str) -> str:
    """'Mã số thuế' -> 'Ma so thue' (as typed on a keyboard without Vietnamese input)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    nfd = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in nfd if not unicodedata.combining(ch))


def nfc(text: str | None) -> str | None:
    """NFC-normalised text (None stays None)."""
    return None if text is None else unicodedata.normalize("NFC", text)
