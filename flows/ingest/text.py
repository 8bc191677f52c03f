"""Folding Vietnamese text for comparison: NFC, no case, no diacritics, no punctuation.

Headers, categories, communes and zones are matched on their folded form, so "Mã số thuế",
"MÃ SỐ THUẾ", "Ma so thue" and an NFD "Mã số thuế" all compare equal. Stored values keep
their NFC spelling; only comparisons fold.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

import polars as pl

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str | None) -> str:
    """Fold a header or label: 'Doanh thu (triệu đồng)' → 'doanh thu'."""
    if text is None:
        return ""
    return _fold(str(text))


@functools.lru_cache(maxsize=1 << 16)
def _fold(text: str) -> str:
    """:func:`fold` of a string, cached: the same headers and labels come in every file."""
    text = unicodedata.normalize("NFC", text)
    text = _BRACKETS.sub(" ", text)
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _NON_WORD.sub(" ", text).strip()


def fold_expr(expr: pl.Expr) -> pl.Expr:
    """The vectorised twin of :func:`fold` for a column of values."""
    return (
        expr.str.normalize("NFC")
        .str.replace_all(r"\([^)]*\)|\[[^\]]*\]", " ")
        .str.replace_all("đ", "d")
        .str.replace_all("Đ", "D")
        .str.normalize("NFD")
        .str.replace_all(r"\p{M}", "")
        .str.to_lowercase()
        .str.replace_all(r"[^0-9a-z]+", " ")
        .str.strip_chars()
    )


def clean_text_expr(expr: pl.Expr) -> pl.Expr:
    """NFC, control characters dropped, non-breaking spaces as spaces, runs of whitespace
    collapsed, blanks → NULL."""
    cleaned = (
        expr.str.normalize("NFC")
        .str.replace_all(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "")  # control characters
        .str.replace_all(r"[\u00a0\u2007\u202f\s]+", " ")
        .str.strip_chars()
    )
    return pl.when(cleaned == "").then(None).otherwise(cleaned)


# A cell needs cleaning only if it holds something other than printable ASCII and the
# precomposed Latin/Vietnamese letters, or stray spaces, or nothing. Text made only of those
# characters is already NFC and clean: most cells of a large file are passed as they are.
_NEEDS_CLEANING = r"[^\x20-\x7e\u00c0-\u01b0\u1ea0-\u1ef9]|  |^ | $|^$"
_NOT_BLANK = r"[^\s\x00-\x1f\x7f\u00a0\u2007\u202f]"


def clean_text(values: pl.Series) -> pl.Series:
    """:func:`clean_text_expr` applied to a column, only to the cells that need it."""
    return apply_where(
        values, values.str.contains(_NEEDS_CLEANING).fill_null(False), clean_text_expr
    )


def apply_where(
    values: pl.Series, mask: pl.Series, expr: Callable[[pl.Expr], pl.Expr]
) -> pl.Series:
    """``expr`` applied (once per distinct value) only to the cells where ``mask`` is true;
    the others are returned as they are."""
    where = mask.arg_true()
    if where.len() == 0:
        return values
    if where.len() * 4 > values.len():
        return on_distinct(values, expr)
    return values.clone().scatter(where, on_distinct(values.gather(where), expr))


def blank_as_null(values: pl.Series) -> pl.Series:
    """Only whether a cell is blank: for text read but never kept (a dropped personal
    column is checked for presence, nothing else)."""
    filled = values.str.contains(_NOT_BLANK).fill_null(False)
    return values.zip_with(filled, pl.repeat(None, values.len(), dtype=pl.Utf8, eager=True))


def on_distinct(values: pl.Series, expr: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
    """``expr`` applied to a column, computed once per distinct value when values repeat.

    Categories, communes, dates and yes/no repeat across millions of rows; their parsers
    (Unicode normalisation, regexes) then run on a few hundred values and a hash lookup maps
    them back. A column of mostly distinct values is computed directly.
    """
    distinct = values.unique()
    if distinct.len() * 4 > values.len():
        return values.to_frame("v").select(expr(pl.col("v")).alias(values.name)).to_series()
    mapped = distinct.to_frame("v").select(expr(pl.col("v")).alias("m")).to_series()
    keep = distinct.is_not_null()
    return values.replace_strict(
        distinct.filter(keep), mapped.filter(keep), default=None, return_dtype=mapped.dtype
    ).alias(values.name)
