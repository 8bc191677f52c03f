"""Vectorised cell parsers: Vietnamese numbers, dates, months and yes/no, on whole columns.

Each parser takes a column of cleaned text (numeric, date and boolean cells of a workbook are
turned into unambiguous text by the reader) and returns a polars expression producing the
typed value, NULL where the text cannot be read. The caller compares NULL results with the
non-blank input to report which cells failed, and why.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from flows.ingest.text import apply_where, fold_expr

# Number text, after spaces are removed. "Ambiguous" = one separator followed by exactly three
# digits ("1.110", "1,110"): thousands or decimals cannot be told from the cell alone.
_INT = r"^-?\d+$"
_AMBIG_DOT = r"^-?\d{1,3}\.\d{3}$"
_AMBIG_COMMA = r"^-?\d{1,3},\d{3}$"
_VN_GROUPED = r"^-?\d{1,3}(\.\d{3})+(,\d+)?$"  # 1.250.000 / 1.385,5
_EN_GROUPED = r"^-?\d{1,3}(,\d{3})+(\.\d+)?$"  # 1,250,000 / 1,385.5
_DOT_DECIMAL = r"^-?\d+\.\d+$"  # 1385.5
_COMMA_DECIMAL = r"^-?\d+,\d+$"  # 99,1


def _strip_number(expr: pl.Expr) -> pl.Expr:
    """Drop spaces (also non-breaking), apostrophes and a trailing percent sign; an
    accountant's negative "(1.385,5)" becomes "-1.385,5". Literal operations only."""
    s = expr.str.replace_many(dict.fromkeys([" ", "\t", "\u00a0", "\u2007", "\u202f", "'"], ""))
    s = s.str.strip_suffix("%")
    bracketed = s.str.starts_with("(") & s.str.ends_with(")") & (s.str.len_chars() > 2)
    return (
        pl.when(bracketed)
        .then(pl.concat_str(pl.lit("-"), s.str.strip_prefix("(").str.strip_suffix(")")))
        .otherwise(s)
    )


_STYLES = {
    "int": _INT,
    "ambig_dot": _AMBIG_DOT,
    "ambig_comma": _AMBIG_COMMA,
    "vn": f"{_VN_GROUPED}|{_COMMA_DECIMAL}",
    "en": f"{_EN_GROUPED}|{_DOT_DECIMAL}",
}
_NEEDS_STRIPPING = r"[ \t\u00a0\u2007\u202f'%()]"


def strip_number(values: pl.Series) -> pl.Series:
    """:func:`_strip_number` applied to a column, only to the cells that hold what it
    removes (most number cells hold digits and separators only)."""
    return apply_where(
        values, values.str.contains(_NEEDS_STRIPPING).fill_null(False), _strip_number
    )


def number_style(stripped: pl.Expr, numeric_cell: pl.Expr) -> pl.Expr:
    """Classify number text (after :func:`strip_number`): 'cell' (a workbook's numeric
    cell), 'int', 'vn', 'en', 'ambig_dot', 'ambig_comma' or 'bad'. One match test per style
    (no captures: a match test is several times cheaper than extracting groups)."""
    chain: Any = pl.when(numeric_cell).then(pl.lit("cell"))  # Then, then ChainedThen
    for name, pattern in _STYLES.items():  # in order: the first style whose pattern matches
        chain = chain.when(stripped.str.contains(pattern)).then(pl.lit(name))
    return chain.otherwise(pl.lit("bad"))


def parse_number(stripped: pl.Expr, style: pl.Expr, ambiguous_as: pl.Expr) -> pl.Expr:
    """Parse number text (after :func:`strip_number`) given its style and how the column
    resolves ambiguous cells.

    ``ambiguous_as`` is 'vn' (dot = thousands, comma = decimal), 'en' (the reverse) or NULL
    (no evidence: the ambiguous cell is left NULL and reported).
    """
    s = stripped
    vn = s.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    en = s.str.replace_all(",", "", literal=True)
    ambiguous = style.is_in(["ambig_dot", "ambig_comma"])
    chosen = (
        pl.when(style.is_in(["int", "cell"]))
        .then(s)
        .when(style == "vn")
        .then(vn)
        .when(style == "en")
        .then(en)
        .when(ambiguous & (ambiguous_as == "vn"))
        .then(vn)
        .when(ambiguous & (ambiguous_as == "en"))
        .then(en)
        .otherwise(None)
    )
    return chosen.cast(pl.Float64, strict=False)


def resolve_ambiguity(styles: pl.Series, integer_column: bool) -> str | None:
    """How ambiguous cells of one column of one file are read, from the other cells."""
    present = set(styles.drop_nulls().unique().to_list())
    if "vn" in present and "en" not in present:
        return "vn"
    if "en" in present and "vn" not in present:
        return "en"
    if integer_column:
        return "vn" if "ambig_dot" in present else "en"
    return None


def _padded_date(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
    iso = pl.concat_str([y, m.str.zfill(2), d.str.zfill(2)], separator="-")
    return iso.str.strptime(pl.Date, "%Y-%m-%d", strict=False)


def parse_date(text: pl.Expr) -> pl.Expr:
    """dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd[ hh:mm:ss], Excel serial."""
    s = text.str.strip_chars()
    dmy = s.str.extract_groups(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
    ymd = s.str.extract_groups(
        r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
    )
    serial = s.str.extract(r"^(\d{5})(?:\.0+)?$", 1).cast(pl.Int64, strict=False)
    return pl.coalesce(
        _padded_date(dmy.struct.field("3"), dmy.struct.field("2"), dmy.struct.field("1")),
        _padded_date(ymd.struct.field("1"), ymd.struct.field("2"), ymd.struct.field("3")),
        pl.when(serial.is_between(20000, 80000))
        .then(pl.date(1899, 12, 30) + pl.duration(days=serial))
        .otherwise(None),
    )


def parse_month(text: pl.Expr) -> pl.Expr:
    """03/2022, 3/2022, 3-2022, 2022-03, Tháng 3/2022, T3/2022, tháng 3 năm 2022, a date."""
    folded = fold_expr(text)  # "thang 3 2022", "3 2022", "2022 03", "2022 03 01 00 00 00"
    my = folded.str.extract_groups(r"^(?:thang |t)?(\d{1,2}) (?:nam )?(\d{4})$")
    ym = folded.str.extract_groups(r"^(\d{4}) (\d{1,2})(?: (\d{1,2}))?(?: 00 00(?: 00)?)?$")
    dmy = folded.str.extract_groups(r"^(\d{1,2}) (\d{1,2}) (\d{4})$")
    return pl.coalesce(
        _padded_date(my.struct.field("2"), my.struct.field("1"), pl.lit("1")),
        _padded_date(ym.struct.field("1"), ym.struct.field("2"), pl.lit("1")),
        _padded_date(dmy.struct.field("3"), dmy.struct.field("2"), pl.lit("1")),
    )


_YES = ["co", "x", "1", "yes", "y", "true", "c", "1 0"]
_NO = ["khong", "0", "no", "n", "false", "k", "0 0", ""]


def parse_bool(text: pl.Expr) -> pl.Expr:
    """Có / x / 1 / Yes → True; Không / blank / 0 / No → False; anything else NULL."""
    folded = fold_expr(text.fill_null(""))
    return (
        pl.when(folded.is_in(_YES)).then(True).when(folded.is_in(_NO)).then(False).otherwise(None)
    )


CODE_NEEDS_PARSING = r"[\s\u00a0]|\.0+$"  # the cells parse_code would change


def parse_code(text: pl.Expr) -> pl.Expr:
    """Identifiers typed in cells: spaces removed; a numeric cell's '.0' dropped."""
    return text.str.replace_all(r"[\s\u00a0]", "").str.replace(r"\.0+$", "")


def restore_leading_zeros(code: pl.Expr, numeric_cell: pl.Expr, width: int) -> pl.Expr:
    """A code Excel stored as a number has lost its leading zeros (045… → 45…): a numeric
    cell of digits shorter than the code's fixed width is zero-padded back. Typed text is
    left as written: there a short code is the sender's mistake, reported as such."""
    return (
        pl.when(numeric_cell & code.str.contains(r"^\d+$") & (code.str.len_chars() < width))
        .then(code.str.zfill(width))
        .otherwise(code)
    )
