"""Turn the text cells below a header into typed columns, recording every cell that fails.

Blank rows and rows holding only an STT number are skipped; a total row ("Tổng cộng",
"Cộng", "Tổng") is excluded and, where it carries sums, checked against the file's data rows;
subtotal rows ("Cộng khu công nghiệp …", with no key) and the header repeated below itself
are set aside. Every row is counted (:mod:`flows.ingest.accounting`). All work is on whole
columns; the only per-row Python is in rendering the (few) failures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import polars as pl
from polars._typing import PolarsDataType

from flows.ingest import cells
from flows.ingest.accounting import RowAccount
from flows.ingest.header import HeaderMatch, alias_index
from flows.ingest.readers import (
    CELL_ERROR_MARK,
    INVALID_BYTES_MARK,
    MAX_CELL_CHARS,
    NUMERIC_MARK,
    Merge,
)
from flows.ingest.text import apply_where, blank_as_null, clean_text, fold, fold_expr, on_distinct
from schemas.base import Field, Kind, Lookup, Pii, Source, pseudonym_column
from schemas.messages import file_message

MAX_NUMBER = 1e15  # beyond any amount a district reports, in any unit
POLARS_TYPES = {
    Kind.TEXT: pl.Utf8,
    Kind.CODE: pl.Utf8,
    Kind.CATEGORY: pl.Utf8,
    Kind.NUMBER: pl.Float64,
    Kind.INTEGER: pl.Int64,
    Kind.DATE: pl.Date,
    Kind.MONTH: pl.Date,
    Kind.BOOL: pl.Boolean,
}
CODE_WIDTHS = {Lookup.TAX_CODE: 10, Lookup.CITIZEN_ID: 12}  # digits, leading zeros included
SUBTOTAL_PATTERN = r"^\s*(cộng|tổng cộng|tổng số|tổng|trong đó|subtotal|total)(\W|$)"
TOTAL_CANDIDATE = r"(?i)^[^\p{L}\p{N}]*(?:[tc]\p{L}\p{M}*ng|total|subtotal|trong)"
TOTAL_LABELS = ["tong cong", "cong", "tong", "tong so", "total", "cong tong", "tong cong chung"]
ERROR_SCHEMA = {
    "_row": pl.Int32,
    "column": pl.Utf8,
    "value": pl.Utf8,
    "rule": pl.Utf8,
    "detail": pl.Utf8,
}


@dataclass
class Parsed:
    frame: pl.DataFrame  # typed field columns + _row (+ _extra JSON when kept)
    text: pl.DataFrame  # the same rows as written: _row + field columns as text
    errors: pl.DataFrame  # ERROR_SCHEMA: one row per broken cell or rule
    missing: list[str]  # headers of the optional columns the file lacks
    account: RowAccount  # rows seen and set aside (loaded and rejected: the caller's)
    total: pl.DataFrame | None = None  # the grand total row as written, if any
    ignored_cells: list[str] = field(default_factory=list)  # stray cells left out of the sheet

    @property
    def note(self) -> str | None:
        """A remark on the file (optional columns it lacks, subtotal rows set aside, stray
        cells far from the table left out)."""
        return file_note(self.missing, self.account.subtotals, self.ignored_cells)


def file_note(
    missing: list[str],
    subtotals: int,
    ignored_cells: list[str] | None = None,
) -> str | None:
    notes = [file_message("optional_columns_missing", ", ".join(missing))] if missing else []
    if subtotals:
        notes.append(file_message("subtotal_rows_skipped", str(subtotals)))
    if ignored_cells:
        notes.append(file_message("stray_cells_ignored", ", ".join(ignored_cells)))
    return " ".join(notes) or None


def empty_errors() -> pl.DataFrame:
    return pl.DataFrame(schema=ERROR_SCHEMA)


Resolutions = dict[str, str | None]  # number field → how its ambiguous cells are read


@dataclass
class DataRows:
    text: pl.DataFrame  # the data rows as cleaned text
    total: pl.DataFrame | None  # the grand total row, if any
    account: RowAccount  # rows seen, and those set aside


def data_rows(match: HeaderMatch, source: Source, last_row: int | None = None) -> DataRows:
    """The data rows below the header as cleaned text, with blank rows (or holding only an
    STT number), repeated headers, totals and subtotals set aside and counted.

    The rows the sender sees end at the sheet's last non-blank row (``last_row``: that
    row's number, for a batch of a file whose end is elsewhere)."""
    data_cols = list(match.fields) + list(match.extras)
    frame = _below_header(match)
    if last_row is None:
        frame = frame.head(_rows_to_last_filled(frame))
    else:
        frame = frame.filter(pl.col("_row") <= last_row)
    text = _cleaned(frame, match, source, data_cols)
    text = text.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in data_cols))
    blank = frame.height - text.height
    text, headers = _drop_repeated_headers(text, match, source)
    text, total, totals, subtotals = _split_total_row(text, match, source)
    return DataRows(
        text,
        total,
        RowAccount(
            match.grid.sheet,
            seen=frame.height,
            blank=blank,
            totals=totals,
            subtotals=subtotals,
            headers=headers,
        ),
    )


def last_filled_row(frame: pl.DataFrame) -> int | None:
    """The row number (``_row``) of a grid's last row holding any non-blank cell."""
    filled = frame.filter(_filled(frame))
    return cast(int, filled["_row"].max()) if filled.height else None


def _filled(frame: pl.DataFrame) -> pl.Expr:
    columns = [c for c in frame.columns if c != "_row"]
    if not columns:
        return pl.lit(False)
    return pl.any_horizontal(
        pl.col(c).str.strip_chars().str.len_bytes() > 0 for c in columns
    ).fill_null(False)


_TAIL_ROWS = 64


def _rows_to_last_filled(frame: pl.DataFrame) -> int:
    """How many rows of ``frame`` come before and with its last non-blank row (its last
    rows looked at first: a sheet rarely ends with many blank rows)."""
    if frame.height > _TAIL_ROWS:
        start = frame.height - _TAIL_ROWS
        tail = frame.slice(start)
        positions = tail.select(pl.arg_where(_filled(tail)))
        if positions.height:
            return start + cast(int, positions.to_series().max()) + 1
        frame = frame.head(start)
    positions = frame.select(pl.arg_where(_filled(frame)))
    return cast(int, positions.to_series().max()) + 1 if positions.height else 0


def _drop_repeated_headers(
    text: pl.DataFrame, match: HeaderMatch, source: Source
) -> tuple[pl.DataFrame, int]:
    """The rows that repeat the header (as a printed page repeats it) taken out, counted.

    Only rows with a letter in a number column are examined (a cheap scan); a row is a
    header when as many of its cells name their own column's field as the header needed.
    """
    index = alias_index(source)
    numbers = [
        c
        for c, name in match.fields.items()
        if source.field(name).kind in (Kind.NUMBER, Kind.INTEGER)
    ]
    candidates = (
        text
        if not numbers
        else text.filter(
            pl.any_horizontal(pl.col(c).str.contains(r"\p{L}") for c in numbers).fill_null(False)
        )
    )
    if candidates.height == 0:
        return text, 0
    needed = min(3, len(source.fields))
    names_itself = [
        fold_expr(pl.col(c))
        .is_in([k for k, v in index.items() if v == name])
        .fill_null(False)
        .cast(pl.Int32)
        for c, name in match.fields.items()
    ]
    headers = candidates.filter(pl.sum_horizontal(names_itself) >= needed)["_row"]
    if headers.len() == 0:
        return text, 0
    return text.filter(~pl.col("_row").is_in(headers.implode())), headers.len()


def _below_header(match: HeaderMatch) -> pl.DataFrame:
    """The grid's rows below the header, merged data cells filled (Excel's meaning)."""
    return fill_merged_cells(match.grid.frame, match.grid.merges, match.data_start).slice(
        match.data_start
    )


def _cleaned(
    frame: pl.DataFrame, match: HeaderMatch, source: Source, columns: list[str]
) -> pl.DataFrame:
    """_row, the given grid columns as cleaned text, and the STT column if any."""
    # Dropped personal data and extra columns not kept are only checked for blanks.
    kept = {c for c, name in match.fields.items() if source.field(name).pii is not Pii.DROP}
    if source.keep_extra_columns:
        kept |= set(match.extras)
    return pl.DataFrame(
        [
            frame["_row"],
            *[clean_text(frame[c]) if c in kept else blank_as_null(frame[c]) for c in columns],
            *([frame[match.row_number_column]] if match.row_number_column else []),
        ]
    )


def fill_merged_cells(
    frame: pl.DataFrame,
    merges: list[Merge],
    first_row: int,
) -> pl.DataFrame:
    """Give every row of a range merged down a column the value of its first cell, as Excel
    shows it (a commune merged over three companies' rows). Only ranges that start at or
    below ``first_row`` (the first data row) are filled: the header's merged labels are read
    as written. A range over several columns holds one value, for its first column only."""
    by_column: dict[int, list[Merge]] = {}
    for merge in merges:
        if merge.first_row >= first_row and merge.last_row > merge.first_row:
            by_column.setdefault(merge.first_col, []).append(merge)
    filled = []
    for col, ranges in by_column.items():
        if f"c{col}" not in frame.columns:
            continue
        source_row = np.arange(frame.height)
        for merge in ranges:
            source_row[merge.first_row + 1 : merge.last_row + 1] = merge.first_row
        filled.append(frame[f"c{col}"].gather(source_row))
    return frame.with_columns(filled) if filled else frame


def number_styles(match: HeaderMatch, source: Source) -> dict[str, set[str]]:
    """The styles ("vn", "en", "ambig_dot", …) present in each number column of these rows:
    a first pass over a file read in batches, so that every batch resolves ambiguous cells
    ("1.110") from the evidence of the whole file, as a file read at once does."""
    numbers = [
        c
        for c, name in match.fields.items()
        if source.field(name).kind in (Kind.NUMBER, Kind.INTEGER)
    ]
    if not numbers:
        return {}
    # Only what finding the total rows needs besides: the label columns and the keys.
    data_cols = list(match.fields) + list(match.extras)
    keys = {
        c
        for c, name in match.fields.items()
        if name in source.key or pseudonym_column(name) in source.key
    }
    needed = set(data_cols[:3]) | keys | set(numbers)
    frame = _below_header(match)
    text = _split_total_row(
        _cleaned(frame, match, source, [c for c in data_cols if c in needed]), match, source
    )[0]
    found = {}
    for column, name in match.fields.items():
        f = source.field(name)
        if f.kind not in (Kind.NUMBER, Kind.INTEGER):
            continue
        raw = text[column]
        numeric = (
            raw.str.ends_with(NUMERIC_MARK).fill_null(False)
            if match.grid.typed_cells
            else _repeat(False, raw.len(), pl.Boolean)
        )
        found[name] = set(
            _styles(raw.str.strip_suffix(NUMERIC_MARK), numeric)[0].drop_nulls().unique().to_list()
        )
    return found


def resolve_styles(styles: dict[str, set[str]], source: Source) -> Resolutions:
    return {
        name: cells.resolve_ambiguity(
            pl.Series(sorted(found), dtype=pl.Utf8), source.field(name).kind is Kind.INTEGER
        )
        for name, found in styles.items()
    }


def parse_grid(
    match: HeaderMatch,
    source: Source,
    resolutions: Resolutions | None = None,
    check_totals: bool = True,
    last_row: int | None = None,
) -> Parsed:
    """Typed columns and every failing cell of the rows below the header.

    ``resolutions`` fixes how ambiguous numbers are read (a batch of a larger file); by
    default each column's own cells decide. ``check_totals`` compares a grand total row with
    the sums of these rows (a file read in batches checks it once, at its end).
    """
    data_cols = list(match.fields) + list(match.extras)
    rows = data_rows(match, source, last_row)
    text, total = rows.text, rows.total
    # Which cells were a workbook's numeric cells (marked by the reader); then unmark.
    # A CSV has no marks: the passes are skipped.
    numeric = text.select(
        pl.col(c).str.ends_with(NUMERIC_MARK).fill_null(False).alias(n)
        if match.grid.typed_cells
        else pl.repeat(False, text.height).alias(n)
        for c, n in match.fields.items()
        if match.grid.typed_cells or source.field(n).kind not in _NUMBER_KINDS
    )
    valueless = empty_errors()
    if match.grid.typed_cells:
        text = text.with_columns(pl.col(c).str.strip_suffix(NUMERIC_MARK) for c in data_cols)
        valueless = _valueless_cell_errors(text, match)
        if valueless.height:
            text = text.with_columns(pl.col(c).str.strip_prefix(CELL_ERROR_MARK) for c in data_cols)
    too_long = _too_long_cell_errors(text, match, source)
    if _longest_cell(text, data_cols) >= MAX_CELL_CHARS:  # never carried further whole
        text = text.with_columns(pl.col(c).str.slice(0, MAX_CELL_CHARS - 1) for c in data_cols)
    invalid = empty_errors()
    if match.grid.invalid_bytes:
        invalid = _invalid_byte_errors(text, match, source)
        text = text.with_columns(
            pl.col(c).str.replace_all(INVALID_BYTES_MARK, "\ufffd", literal=True) for c in data_cols
        )
    valueless = pl.concat([valueless, too_long, invalid])
    named = text.select(
        pl.col("_row"),
        *[pl.col(c).alias(name) for c, name in match.fields.items()],
    )
    as_written = named
    if valueless.height:  # the cell is shown to the sender, never parsed as a value
        named = named.with_columns(
            pl.when(
                pl.col("_row").is_in(valueless.filter(pl.col("column") == name)["_row"].implode())
            )
            .then(None)
            .otherwise(pl.col(name))
            .alias(name)
            for name in valueless["column"].unique()
        )
    typed_cols: list[pl.Series] = [named["_row"]]
    errors: list[pl.DataFrame] = []
    missing = []
    number_fields = [
        f for f in source.fields if f.kind in _NUMBER_KINDS and f.name in named.columns
    ]
    numbers, number_errors = _parse_numbers(
        number_fields, named, numeric if match.grid.typed_cells else None, resolutions
    )
    errors.append(number_errors)
    for f in source.fields:
        if f.name not in named.columns:  # an optional column the file lacks: NULL, not 0
            missing.append(f.header)
            typed_cols.append(_repeat(None, named.height, POLARS_TYPES[f.kind]).alias(f.name))
            continue
        if f.name in numbers:
            typed_cols.append(numbers[f.name])
            continue
        values, bad = _parse_field(f, named[f.name], named["_row"], numeric[f.name])
        typed_cols.append(values.alias(f.name))
        if bad is not None and bad.height:
            errors.append(bad)
    typed = pl.DataFrame(typed_cols)
    if valueless.height:
        errors.append(valueless)
    if match.extras and source.keep_extra_columns:
        extra = text.select(
            pl.struct([pl.col(c).alias(h) for c, h in match.extras.items()])
            .struct.json_encode()
            .alias("_extra")
        )
        typed = typed.with_columns(extra["_extra"])
    if total is not None and check_totals:
        errors.append(check_total_row(total, column_sums(typed, source), match, source))
    all_errors = pl.concat(errors, how="vertical") if errors else empty_errors()
    return Parsed(
        typed, as_written, all_errors, missing, rows.account, total, match.grid.ignored_cells
    )


def column_sums(typed: pl.DataFrame, source: Source) -> dict[str, float]:
    """Sum of each number column of typed rows (what a total row is checked against)."""
    names = [f.name for f in source.fields if f.kind in (Kind.NUMBER, Kind.INTEGER)]
    if not names:
        return {}
    sums = typed.select(pl.col(n).cast(pl.Float64).sum() for n in names).row(0)
    return {n: float(v or 0) for n, v in zip(names, sums, strict=True)}


def _valueless_cell_errors(text: pl.DataFrame, match: HeaderMatch) -> pl.DataFrame:
    """An Excel error (#REF!) or an uncalculated formula in a field's cell rejects the row."""
    found = []
    for column, name in match.fields.items():
        marked = text.filter(pl.col(column).str.starts_with(CELL_ERROR_MARK))
        if marked.height == 0:
            continue
        value = marked[column].str.strip_prefix(CELL_ERROR_MARK)
        found.append(
            pl.DataFrame(
                {
                    "_row": marked["_row"],
                    "column": [name] * marked.height,
                    "value": value,
                    "rule": [
                        "formula_no_value" if v.startswith("=") else "excel_error"
                        for v in value.to_list()
                    ],  # few cells: errors are rare
                    "detail": [""] * marked.height,
                },
                schema=ERROR_SCHEMA,
            )
        )
    return pl.concat(found) if found else empty_errors()


def _too_long_cell_errors(text: pl.DataFrame, match: HeaderMatch, source: Source) -> pl.DataFrame:
    """A field's cell as long as Excel allows (MAX_CELL_CHARS) or longer rejects the row;
    its start is shown. (calamine cuts a workbook's longer cells to that length.)"""
    found = [empty_errors()]
    for column, name in match.fields.items():
        if _longest_cell(text, [column]) >= MAX_CELL_CHARS:
            raw = text[column]
            found.append(
                _errors_where(
                    (raw.str.len_chars() >= MAX_CELL_CHARS).fill_null(False),
                    raw.str.slice(0, 100) + "…",
                    text["_row"],
                    source.field(name),
                    "cell_too_long",
                    f"{MAX_CELL_CHARS:,}",
                )
            )
    return pl.concat(found)


def _longest_cell(text: pl.DataFrame, columns: list[str]) -> int:
    """Bytes of the longest cell of these columns (no fewer than its characters): cheap."""
    return max((cast(int, text[c].str.len_bytes().max() or 0) for c in columns), default=0)


def _invalid_byte_errors(text: pl.DataFrame, match: HeaderMatch, source: Source) -> pl.DataFrame:
    """A field's cell holding bytes that are not UTF-8 (a UTF-8 file's few stray bytes,
    marked by the reader) rejects the row; the bytes are shown as "\ufffd"."""
    found = [empty_errors()]
    for column, name in match.fields.items():
        raw = text[column]
        found.append(
            _errors_where(
                raw.str.contains(INVALID_BYTES_MARK, literal=True).fill_null(False),
                raw.str.replace_all(INVALID_BYTES_MARK, "\ufffd", literal=True),
                text["_row"],
                source.field(name),
                "invalid_bytes",
            )
        )
    return pl.concat(found)


def _split_total_row(
    text: pl.DataFrame, match: HeaderMatch, source: Source
) -> tuple[pl.DataFrame, pl.DataFrame | None, int, int]:
    """(data rows, the grand total row or None, how many total and subtotal rows were set
    aside).

    The grand total is a row labelled exactly "Tổng cộng", "Cộng", … A subtotal ("Cộng khu
    công nghiệp", "Tổng số xã Vĩnh Long", "Trong đó: …") starts with those words, written
    with their diacritics so that "Công ty …" never matches, and has no key (no tax code):
    it is not data and is left out.
    """
    label_cols = [c for c in text.columns if c != "_row"][:3]
    if match.row_number_column:
        label_cols = [match.row_number_column, *label_cols]
    # Every total or subtotal label starts like "Tổng", "Cộng", "Trong", "Total" or
    # "Subtotal" (in any case, after punctuation): only those rows are folded and examined,
    # so a large file costs one cheap scan.
    candidates = text.filter(
        pl.any_horizontal(pl.col(c).str.contains(TOTAL_CANDIDATE) for c in label_cols).fill_null(
            False
        )
    )
    if candidates.height == 0:
        return text, None, 0, 0
    is_total = pl.any_horizontal(fold_expr(pl.col(c)).is_in(TOTAL_LABELS) for c in label_cols)
    by_name = {n: c for c, n in match.fields.items()}
    keys = [
        by_name[f.name]
        for f in source.fields
        if f.name in by_name and (f.name in source.key or pseudonym_column(f.name) in source.key)
    ]
    # NFC first: a column of dropped personal data (names) is not cleaned, and Windows-1258
    # text keeps its tone marks apart.
    starts_like_total = pl.any_horizontal(
        pl.col(c).str.normalize("NFC").str.to_lowercase().str.contains(SUBTOTAL_PATTERN)
        for c in label_cols
    )
    no_key = pl.all_horizontal(pl.col(c).is_null() for c in keys) if keys else pl.lit(False)
    flagged = candidates.with_columns(
        _is_total=is_total.fill_null(False),
        _is_subtotal=(~is_total.fill_null(False) & starts_like_total.fill_null(False) & no_key),
    ).filter(pl.col("_is_total") | pl.col("_is_subtotal"))
    if flagged.height == 0:
        return text, None, 0, 0
    subtotals = int(flagged["_is_subtotal"].sum())
    rest = text.filter(~pl.col("_row").is_in(flagged["_row"].implode()))
    totals = flagged.filter(pl.col("_is_total")).drop("_is_total", "_is_subtotal")
    if totals.height == 0:
        return rest, None, 0, subtotals
    # Rows after the total row are still data (reported if broken), only the totals go;
    # the first is checked against the data rows.
    return rest, totals.head(1), totals.height, subtotals


def _repeat(value: Any, n: int, dtype: PolarsDataType) -> pl.Series:
    """A constant column, built by polars (a Python list of millions of items is slow)."""
    return pl.repeat(value, n, dtype=dtype, eager=True)


def _errors_where(
    mask: pl.Series, raw: pl.Series, rows: pl.Series, field: Field, rule: str, detail: str = ""
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "_row": rows.filter(mask),
            "column": [field.name] * int(mask.sum()),
            "value": raw.filter(mask),
            "rule": [rule] * int(mask.sum()),
            "detail": [detail] * int(mask.sum()),
        },
        schema=ERROR_SCHEMA,
    )


def _parse_field(
    f: Field,
    raw: pl.Series,
    rows: pl.Series,
    numeric: pl.Series,
) -> tuple[pl.Series, pl.DataFrame | None]:
    present = raw.is_not_null()
    assert f.kind not in _NUMBER_KINDS  # parsed together: _parse_numbers
    if f.kind is Kind.TEXT:
        return raw, None
    if f.kind is Kind.CODE:
        code = apply_where(
            raw, raw.str.contains(cells.CODE_NEEDS_PARSING).fill_null(False), cells.parse_code
        )
        if f.lookup in CODE_WIDTHS and numeric.any():
            code = pl.DataFrame({"t": code, "n": numeric}).select(
                cells.restore_leading_zeros(pl.col("t"), pl.col("n"), CODE_WIDTHS[f.lookup])
            )["t"]
        return code.alias(raw.name), None
    if f.kind is Kind.CATEGORY:
        lookup = {fold(c): c for c in f.choices}
        lookup.update({fold(a): c for a, c in f.choice_aliases.items()})
        values = on_distinct(
            raw, lambda t: fold_expr(t).replace_strict(lookup, default=None, return_dtype=pl.Utf8)
        )
        bad = present & values.is_null()
        return values, _errors_where(bad, raw, rows, f, "category", ", ".join(f.choices))
    parser, rule = {
        Kind.DATE: (cells.parse_date, "date_format"),
        Kind.MONTH: (cells.parse_month, "month_format"),
        Kind.BOOL: (cells.parse_bool, "yes_no"),
    }[f.kind]
    values = on_distinct(raw, parser)
    bad = present & values.is_null()
    if f.kind is Kind.BOOL:  # a blank yes/no cell means no
        values = values.zip_with(present, _repeat(False, raw.len(), pl.Boolean))
    return values, _errors_where(bad, raw, rows, f, rule)


def _styles(
    raw: pl.Series, numeric: pl.Series
) -> tuple[pl.Series, pl.Series, pl.Series, pl.Series]:
    """(style of each cell, plain-cell mask, positions of the other cells, their stripped
    text). A workbook's numeric cell or bare digits need no separator analysis."""
    present = raw.is_not_null()
    plain = present & (numeric | raw.str.contains(r"^-?\d{1,15}$").fill_null(False))
    styles = (
        pl.DataFrame({"n": numeric, "p": plain})
        .select(
            pl.when(pl.col("n"))
            .then(pl.lit("cell"))
            .when(pl.col("p"))
            .then(pl.lit("int"))
            .otherwise(pl.lit(None, dtype=pl.Utf8))
            .alias("s")
        )
        .to_series()
    )
    rest = (present & ~plain).arg_true()
    stripped = cells.strip_number(raw.gather(rest))
    if rest.len():  # separators, spaces, percent signs, parentheses: the full analysis
        sub_styles = pl.DataFrame({"t": stripped, "n": numeric.gather(rest)}).select(
            cells.number_style(pl.col("t"), pl.col("n")).alias("s")
        )["s"]
        styles = styles.scatter(rest, sub_styles)
    return styles, plain, rest, stripped


def check_total_row(
    total: pl.DataFrame, sums: dict[str, float], match: HeaderMatch, source: Source
) -> pl.DataFrame:
    """Compare each number in the total row with the sum of the file's rows (``sums``)."""
    found = []
    named = total.rename({c: n for c, n in match.fields.items()})
    fields = [
        f
        for f in source.fields
        if f.kind in _NUMBER_KINDS and f.name in named.columns and named[f.name][0] is not None
    ]
    if not fields:
        return empty_errors()
    cells_ = named.select("_row", *[pl.col(f.name).str.strip_suffix(NUMERIC_MARK) for f in fields])
    numeric = named.select(pl.col(f.name).str.ends_with(NUMERIC_MARK) for f in fields)
    parsed, _ = _parse_numbers(fields, cells_, numeric)
    for f in fields:
        stated = parsed[f.name][0]
        if stated is None:
            continue
        actual = sums.get(f.name, 0.0)
        if abs(float(stated) - actual) > max(0.5, 0.001 * abs(actual)):
            found.append(
                {
                    "_row": int(named["_row"][0]),
                    "column": f.name,
                    "value": named[f.name][0],
                    "rule": "total_mismatch",
                    "detail": f"{actual:,.2f}",
                }
            )
    return pl.DataFrame(found, schema=ERROR_SCHEMA)


_NUMBER_KINDS = (Kind.NUMBER, Kind.INTEGER)
_PLAIN_NUMBER = r"^-?\d{1,15}$"  # bare digits: read as they are, no separator analysis
_AMBIGUOUS_STYLES = ["ambig_dot", "ambig_comma"]


def _parse_numbers(
    fields: list[Field],
    named: pl.DataFrame,
    numeric: pl.DataFrame | None,
    resolutions: Resolutions | None = None,
) -> tuple[dict[str, pl.Series], pl.DataFrame]:
    """Every number column of ``named`` (``_row`` + field columns as text) parsed at once:
    a few passes over the whole frame whatever the number of columns (not a dozen per
    column), each cell read as :func:`cells.parse_number` reads it.

    ``numeric``: which cells were a workbook's numeric cells (None: a CSV, none). A plain
    cell (numeric, or bare digits) is cast; the others (separators, spaces, percent signs,
    parentheses) are classified by style, each column resolving its ambiguous cells
    ("1.110") from its other cells unless ``resolutions`` says how. Returns the typed
    columns and the failing cells (number_format, number_ambiguous, out_of_range,
    integer), column after column.
    """
    if not fields:
        return {}, empty_errors()
    names = [f.name for f in fields]
    frame = named.select("_row", *names)
    if numeric is not None:
        frame = pl.concat(
            [frame, numeric.select(pl.col(n).alias(_N + n) for n in names)], how="horizontal"
        )

    def is_numeric(name: str) -> pl.Expr:
        return pl.col(_N + name) if numeric is not None else pl.lit(False)

    plain = {
        n: pl.col(n).is_not_null()
        & (is_numeric(n) | pl.col(n).str.contains(_PLAIN_NUMBER).fill_null(False))
        for n in names
    }
    frame = frame.with_columns(
        *[
            pl.when(plain[n]).then(pl.col(n).cast(pl.Float64, strict=False)).alias(_V + n)
            for n in names
        ],
        *[(pl.col(n).is_not_null() & ~plain[n]).alias(_R + n) for n in names],
    )
    rest = _styled_rest(frame, names)
    frame = _scatter_rest(frame, rest, fields, resolutions)
    finals, errors = [], []
    for f in fields:
        value, masks = _number_checks(f)
        finals.append(value.alias(f.name))
        for rule, mask in masks:
            errors.append(
                frame.lazy()
                .filter(mask)
                .select(
                    pl.col("_row").cast(pl.Int32),
                    pl.lit(f.name, pl.Utf8).alias("column"),
                    pl.col(f.name).alias("value"),
                    pl.lit(rule, pl.Utf8).alias("rule"),
                    pl.lit("", pl.Utf8).alias("detail"),
                )
            )
    values, found = pl.collect_all([frame.lazy().select(finals), pl.concat(errors)])
    return {n: values[n] for n in names}, found


_N, _V, _R, _A = "\x00n:", "\x00v:", "\x00r:", "\x00a:"  # helper columns of one field


def _styled_rest(frame: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """The cells that are not plain, all columns stacked (field, position, stripped text,
    style): usually few, so the full analysis runs on them only."""
    lf = frame.lazy().with_row_index("_pos")
    rest = pl.concat(
        [
            lf.filter(pl.col(_R + n)).select(
                pl.lit(n, pl.Utf8).alias("f"), "_pos", pl.col(n).alias("t")
            )
            for n in names
        ]
    )
    stripped = (
        pl.when(pl.col("t").str.contains(cells._NEEDS_STRIPPING))
        .then(cells._strip_number(pl.col("t")))
        .otherwise(pl.col("t"))
    )
    # A rest cell is never a workbook's numeric cell (those are plain).
    return (
        rest.collect()
        .rechunk()  # a chunk per column stacked otherwise: every later pass pays per chunk
        .with_columns(stripped.alias("t"))
        .with_columns(cells.number_style(pl.col("t"), pl.lit(False)).alias("s"))
    )


def _scatter_rest(
    frame: pl.DataFrame, rest: pl.DataFrame, fields: list[Field], resolutions: Resolutions | None
) -> pl.DataFrame:
    """The rest cells parsed (with each column's resolution of ambiguous cells) and put
    back in their columns; which cells were ambiguous, per column."""
    if rest.height == 0:
        return frame.with_columns(pl.lit(False).alias(_A + f.name) for f in fields)
    found = dict(rest.group_by("f").agg(pl.col("s").unique()).iter_rows())
    chosen: dict[str, str | None] = {}
    for f in fields:
        if resolutions is not None and f.name in resolutions:
            chosen[f.name] = resolutions[f.name]
        elif f.name in found:
            chosen[f.name] = cells.resolve_ambiguity(
                pl.Series(sorted(found[f.name]), dtype=pl.Utf8), f.kind is Kind.INTEGER
            )
    resolution: Any = pl.lit(None, pl.Utf8)
    for name, how in chosen.items():
        if how is not None:
            resolution = pl.when(pl.col("f") == name).then(pl.lit(how)).otherwise(resolution)
    parsed = rest.select(
        "f",
        "_pos",
        cells.parse_number(pl.col("t"), pl.col("s"), resolution).alias("v"),
        pl.col("s").is_in(_AMBIGUOUS_STYLES).alias("a"),
    ).partition_by("f", as_dict=True, include_key=False)
    columns: list[pl.Expr | pl.Series] = []
    for f in fields:
        part = parsed.get((f.name,))
        if part is None:
            columns.append(pl.lit(False).alias(_A + f.name))
            continue
        columns.append(frame[_V + f.name].scatter(part["_pos"], part["v"]))
        ambiguous = _repeat(False, frame.height, pl.Boolean).scatter(part["_pos"], part["a"])
        columns.append(ambiguous.alias(_A + f.name))
    return frame.with_columns(columns)


def _number_checks(f: Field) -> tuple[pl.Expr, list[tuple[str, pl.Expr]]]:
    """A number column's final value and the masks of its failing cells, by rule."""
    raw, value = pl.col(f.name), pl.col(_V + f.name)
    present = raw.is_not_null()
    ambiguous = present & value.is_null() & pl.col(_A + f.name)
    bad = present & value.is_null() & ~ambiguous
    huge = value.is_not_null() & (~value.is_finite() | (value.abs() > MAX_NUMBER))
    value = pl.when(huge).then(None).otherwise(value)
    masks = [("number_format", bad), ("number_ambiguous", ambiguous), ("out_of_range", huge)]
    dtype: PolarsDataType = pl.Float64
    if f.kind is Kind.INTEGER:
        fractional = value.is_not_null() & (value != value.round(0))
        masks.append(("integer", fractional))
        value = pl.when(fractional).then(None).otherwise(value).cast(pl.Int64, strict=False)
        dtype = pl.Int64
    if f.blank_as_zero:
        value = pl.when(present).then(value).otherwise(pl.lit(0, dtype))
    return value, masks
