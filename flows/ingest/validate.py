"""Validate typed rows against the source's pandera contract, collecting every failure.

The contract is generated from the source declaration (types, required columns, ranges,
categories, lookups against reference data, dates not after the run date, cross-column
rules, plausibility against each unit's history) so it cannot drift from it. Validation is
lazy: every broken rule of every row is reported, not only the first.
"""

from __future__ import annotations

import functools
import math
import threading
from typing import TYPE_CHECKING

import polars as pl
from stdnum.vn import mst

from flows.ingest.parse import ERROR_SCHEMA, POLARS_TYPES, empty_errors
from flows.ingest.references import (
    HISTORY_SUFFIX,
    References,
    resolve_communes,
    zone_key_expr,
)
from flows.ingest.text import fold_expr, on_distinct
from schemas.base import (
    MONEY_UNITS,
    PLAUSIBLE_RATIO,
    Field,
    Kind,
    Lookup,
    Pii,
    Source,
    pseudonym_column,
)

if TYPE_CHECKING:  # pandera (and pandas under it) is imported when a file is validated
    import pandera.polars as pa

DECISION_NO = r"^\d+[A-Za-z]?/(QĐ|QD|qđ|qd)-[0-9A-Za-zĐđ\-]+$"
PII_MASK = "(ẩn – dữ liệu cá nhân / hidden – personal data)"


@functools.lru_cache(maxsize=2_000_000)
def _tax_code(text: str) -> str | None:
    """python-stdnum's canonical spelling of a valid tax code, else None. Cached: the same
    units appear in every monthly file."""
    return mst.format(text) if mst.is_valid(text) else None


def _canonical_tax_codes(values: pl.Series) -> pl.Series:
    """One spelling per tax code (3200001006001 = 3200001006-001), so keys match across files;
    invalid codes stay as written (they are rejected)."""
    distinct = values.drop_nulls().unique().to_list()
    mapping = {v: c for v in distinct if (c := _tax_code(v)) is not None}
    return values.replace(mapping)


def canonical_decision_no(expr: pl.Expr) -> pl.Expr:
    """'125/qd-ubnd' → '125/QĐ-UBND'."""
    return expr.str.to_uppercase().str.replace(r"/QD-", "/QĐ-", literal=True)


def resolve_lookups(frame: pl.DataFrame, source: Source, refs: References) -> pl.DataFrame:
    """Canonical spellings of keys; the columns lookups resolve to (commune_code, …)."""
    for f in source.fields:
        if f.lookup is Lookup.TAX_CODE:
            frame = frame.with_columns(_canonical_tax_codes(frame[f.name]).alias(f.name))
        elif f.lookup is Lookup.DECISION_NO:
            frame = frame.with_columns(canonical_decision_no(pl.col(f.name)))
    for f in source.fields:
        if not f.resolved_as:
            continue
        if f.lookup is Lookup.COMMUNE:
            at = (
                frame[f.reference_date]
                if f.reference_date
                else pl.Series([None] * frame.height, dtype=pl.Date)
            )
            codes = resolve_communes(pl.DataFrame({"text": frame[f.name], "at": at}), refs)
            frame = frame.with_columns(codes.alias(f.resolved_as))
        elif f.lookup is Lookup.ZONE:
            frame = frame.with_columns(
                on_distinct(
                    frame[f.name],
                    lambda t: zone_key_expr(t).replace_strict(
                        refs.zones, default=None, return_dtype=pl.Utf8
                    ),
                ).alias(f.resolved_as)
            )
        elif f.lookup is Lookup.LEAD_UNIT:
            frame = frame.with_columns(
                on_distinct(
                    frame[f.name],
                    lambda t: fold_expr(t).replace_strict(
                        refs.lead_units, default=None, return_dtype=pl.Utf8
                    ),
                ).alias(f.resolved_as)
            )
    return frame


def _valid_tax_codes(values: pl.Series) -> list[str]:
    """Tax codes that python-stdnum accepts, checked once per distinct value."""
    return [v for v in values.drop_nulls().unique().to_list() if _tax_code(v) is not None]


def _lookup_check(f: Field, refs: References) -> pa.Check | None:
    import pandera.polars as pa

    name = f.lookup.value if f.lookup else None
    match f.lookup:
        case Lookup.TAX_CODE:
            return pa.Check(
                lambda d: d.lazyframe.select(
                    pl.col(d.key).is_in(
                        _valid_tax_codes(d.lazyframe.select(d.key).collect()[d.key])
                    )
                ),
                name=name,
                error=name,
            )
        case Lookup.CITIZEN_ID:
            return pa.Check.str_matches(r"^\d{12}$", name=name, error=name)
        case Lookup.DECISION_NO:
            return pa.Check.str_matches(DECISION_NO, name=name, error=name)
        case Lookup.KPI_CODE:
            return pa.Check.isin(sorted(refs.kpi_codes), name=name, error=name)
        case Lookup.VSIC_INDUSTRY:
            divisions = sorted(refs.industry_divisions)
            return pa.Check(
                lambda d: d.lazyframe.select(
                    pl.col(d.key).str.contains(r"^\d{4,5}$")
                    & pl.col(d.key).str.slice(0, 2).is_in(divisions)
                ),
                name=name,
                error=name,
            )
    return None


def _resolution_check(f: Field) -> pa.Check:
    """A written commune/zone must resolve (a blank one is fine unless required)."""
    import pandera.polars as pa

    assert f.resolved_as is not None and f.lookup is not None  # a field with a lookup
    expr = pl.col(f.name).is_null() | pl.col(f.resolved_as).is_not_null()
    return pa.Check(
        lambda d: d.lazyframe.select(expr),
        name=f"{f.lookup.value}:{f.name}",
        error=f"{f.lookup.value}:{f.name}",
    )


def build_schema(source: Source, refs: References) -> pa.DataFrameSchema:
    """The pandera contract of a source, given this run's reference data."""
    import pandera.polars as pa

    columns = {}
    for f in source.fields:
        checks = []
        if f.ge is not None:
            checks.append(pa.Check.ge(f.ge, name="min", error="min"))
        if f.gt is not None:
            checks.append(pa.Check.gt(f.gt, name="min_exclusive", error="min_exclusive"))
        if f.le is not None:
            checks.append(pa.Check.le(f.le, name="max", error="max"))
        if f.choices:
            checks.append(pa.Check.isin(list(f.choices), name="category", error="category"))
        if f.kind in (Kind.DATE, Kind.MONTH) and not f.future:
            checks.append(pa.Check.le(refs.today, name="future_date", error="future_date"))
        if f.lookup and not f.resolved_as:
            check = _lookup_check(f, refs)
            if check is not None:
                checks.append(check)
        columns[f.name] = pa.Column(POLARS_TYPES[f.kind], checks, nullable=not f.required)
    frame_checks = [_resolution_check(f) for f in source.fields if f.resolved_as]
    frame_checks += [
        pa.Check(
            lambda d, e=r.expr: d.lazyframe.select(e.fill_null(True)),
            name=f"{r.rule}:{r.column}",
            error=f"{r.rule}:{r.column}",
        )
        for r in source.row_rules
    ]
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=False, coerce=False)


_SCHEMAS: dict[tuple, tuple[Source, References, pa.DataFrameSchema]] = {}
_SCHEMAS_KEPT = 8
_SCHEMAS_LOCK = threading.Lock()


def schema_for(source: Source, refs: References) -> pa.DataFrameSchema:
    """:func:`build_schema`, built once per source and run's references rather than once per
    file (pandera copies a schema's columns as it builds it: milliseconds a file)."""
    key = (
        id(source),
        id(refs),
        refs.today,
        len(refs.industry_divisions),
        len(refs.kpi_codes),
    )
    hit = _SCHEMAS.get(key)
    if hit is not None and hit[0] is source and hit[1] is refs:
        return hit[2]
    schema = build_schema(source, refs)
    with _SCHEMAS_LOCK:
        while len(_SCHEMAS) >= _SCHEMAS_KEPT:
            _SCHEMAS.pop(next(iter(_SCHEMAS)))
        _SCHEMAS[key] = (source, refs, schema)  # kept alive: their ids stay theirs
    return schema


def _detail(source: Source, rule: str, column: str, refs: References) -> str:
    if rule == "future_date":
        return refs.today.strftime("%d/%m/%Y")
    if rule in ("min", "min_exclusive", "max"):
        f = source.field(column)
        return f"{f.ge if rule == 'min' else f.gt if rule == 'min_exclusive' else f.le:g}"
    if rule == "category":
        return ", ".join(source.field(column).choices)
    return ""


def validate(
    frame: pl.DataFrame,
    text: pl.DataFrame,
    source: Source,
    refs: References,
    parse_errors: pl.DataFrame | None = None,
    check_duplicates: bool = True,
) -> pl.DataFrame:
    """Every rule broken by every row, as ERROR_SCHEMA rows (empty when all is well).

    ``check_duplicates=False``: the caller checks keys across a file read in batches
    (:func:`key_columns` of each batch, then :func:`duplicate_keys` of them all).
    """
    from pandera.errors import SchemaErrors

    schema = schema_for(source, refs)
    try:
        schema.validate(frame, lazy=True)
        failures = None
    except SchemaErrors as exc:
        failures = exc.failure_cases
    errors = [
        duplicate_keys(key_columns(frame, source, parse_errors), source)
        if check_duplicates
        else empty_errors(),
        implausible(frame, text, source, refs),
    ]
    if failures is not None and failures.height:
        errors.append(_to_errors(failures, frame, text, source, refs))
    return pl.concat(errors, how="vertical")


def _en_number(x: float) -> str:
    return f"{x:,.10g}"


def _vi_number(text: str) -> str:
    """1,000.5 → 1.000,5"""
    return text.translate(str.maketrans(",.", ".,"))


def _unit_mistakes(unit: str) -> list[tuple[str, float]]:
    """(a money unit typed by mistake, how many times it makes the value too large) for a
    field written in ``unit`` ("triệu đồng/người/tháng" is in triệu đồng); none for units
    that are not money."""
    base = unit.split("/")[0].strip()
    if base not in MONEY_UNITS:
        return []
    return [(w, MONEY_UNITS[base] / size) for w, size in MONEY_UNITS.items() if w != base]


def _factor_text(factor: float) -> str:
    return f"×{_en_number(factor)}" if factor > 1 else f"÷{_en_number(1 / factor)}"


def implausible(
    frame: pl.DataFrame, text: pl.DataFrame, source: Source, refs: References
) -> pl.DataFrame:
    """Positive values of the plausible fields far from their unit's own history (the
    median of its earlier rows, ``refs.history``) or, for a unit with no history, outside the
    area's range: rejected as ``unit_error`` where a money unit typed by mistake explains
    the gap, else as ``implausible``. Whole columns; nothing per row."""
    fields = [f for f in source.fields if f.plausible and f.name in frame.columns]
    if not fields or frame.height == 0:
        return empty_errors()
    by = source.history_by
    probe = frame.select("_row", *([by] if by else []), *[f.name for f in fields])
    if refs.history is not None and by:
        probe = probe.join(refs.history, on=by, how="left")
    found = [_implausible_field(probe, text, f, source.has_pii) for f in fields]
    return pl.concat(found, how="vertical")


def _implausible_field(
    probe: pl.DataFrame, text: pl.DataFrame, f: Field, personal: bool
) -> pl.DataFrame:
    assert f.plausible is not None  # only fields with a plausible range are probed
    lo, hi = f.plausible
    value = pl.col(f.name).cast(pl.Float64)
    history = f.name + HISTORY_SUFFIX
    median = pl.col(history) if history in probe.columns else pl.lit(None, pl.Float64)
    known = median.is_not_null() & (median > 0)
    ratio = value / pl.when(known).then(median).otherwise(math.sqrt(lo * hi))
    flagged = (value > 0) & pl.when(known).then(
        (ratio > PLAUSIBLE_RATIO) | (ratio < 1 / PLAUSIBLE_RATIO)
    ).otherwise(~value.is_between(lo, hi))
    rows = probe.filter(flagged.fill_null(False))
    if rows.height == 0:
        return empty_errors()
    # The money unit typed by mistake: the one whose factor is nearest the gap and explains
    # it (within ~30× of the unit's median; back inside the area's range).
    mistakes = _unit_mistakes(f.unit)
    cause = pl.lit(None, pl.Utf8)
    if mistakes:
        distances = [
            pl.when(
                pl.when(known).then(d <= 1.5).otherwise((value / factor).is_between(lo, hi))
            ).then(d)
            for _, factor in mistakes
            for d in [(ratio.log10() - math.log10(factor)).abs()]
        ]
        nearest = pl.min_horizontal(distances)
        for (wrong, factor), d in zip(mistakes, distances, strict=True):
            shown = _factor_text(factor)
            cause = (
                pl.when(d == nearest)
                .then(pl.lit(f"{wrong}|{f.unit}|{_vi_number(shown)}|{shown}"))
                .otherwise(cause)
            )
    ratio_text = _en_number(PLAUSIBLE_RATIO)
    range_text = f"{_en_number(lo)}–{_en_number(hi)} {f.unit}"
    # The median of other people's wages is personal data: not shown for such a source.
    median_text = (
        pl.lit("")
        if personal
        else pl.concat_str(pl.lit(" ("), median.round(3).cast(pl.Utf8), pl.lit(f" {f.unit})"))
    )
    basis_vi = (
        pl.when(known)
        .then(
            pl.concat_str(
                pl.lit(
                    f"lệch hơn {_vi_number(ratio_text)} lần so với trung vị các dòng trước của "
                    "đơn vị này"
                ),
                median_text.str.replace(".", ",", literal=True),
            )
        )
        .otherwise(pl.lit(f"nằm ngoài khoảng hợp lý của địa bàn ({_vi_number(range_text)})"))
    )
    basis_en = (
        pl.when(known)
        .then(
            pl.concat_str(
                pl.lit(
                    f"more than {ratio_text} times away from this unit's median of earlier rows"
                ),
                median_text,
            )
        )
        .otherwise(pl.lit(f"outside the area's plausible range ({range_text})"))
    )
    written = (
        text.select("_row", pl.col(f.name).alias("value"))
        if f.name in text.columns
        else rows.select("_row", pl.col(f.name).cast(pl.Utf8).alias("value"))
    )
    return (
        rows.select(
            pl.col("_row").cast(pl.Int32),
            pl.lit(f.name).alias("column"),
            pl.when(cause.is_not_null())
            .then(pl.lit("unit_error"))
            .otherwise(pl.lit("implausible"))
            .alias("rule"),
            pl.concat_str(cause.fill_null(f"|{f.unit}||"), basis_vi, basis_en, separator="|").alias(
                "detail"
            ),
        )
        .join(written.with_columns(pl.col("_row").cast(pl.Int32)), on="_row", how="left")
        .select("_row", "column", "value", "rule", "detail")
    )


def _as_written(text: pl.DataFrame, column: str, index: int) -> str | None:
    return text[column][index] if column in text.columns else None


def _to_errors(
    failures: pl.DataFrame,
    frame: pl.DataFrame,
    text: pl.DataFrame,
    source: Source,
    refs: References,
) -> pl.DataFrame:
    """Pandera's failure cases as error rows, showing each value as the sender wrote it."""
    rows = []
    for case in failures.filter(pl.col("index").is_not_null()).iter_rows(named=True):
        check = str(case["check"])
        index = case["index"]
        if case["schema_context"] == "DataFrameSchema":
            rule, column = check.split(":", 1)
        else:
            column = case["column"]
            rule = "required" if check == "not_nullable" else check
        detail = _detail(source, rule, column, refs)
        reference_date = source.field(column).reference_date
        if rule == "commune" and reference_date is not None:
            at = frame[reference_date][index]
            detail = at.strftime("%d/%m/%Y") if at else ""
        rows.append(
            {
                "_row": int(frame["_row"][index]),
                "column": column,
                "value": _as_written(text, column, index),
                "rule": rule,
                "detail": detail,
            }
        )
    dtype_errors = failures.filter(pl.col("index").is_null())
    if dtype_errors.height:  # a schema-level failure (wrong dtype) is a bug, not bad input
        raise RuntimeError(f"contract mismatch for {source.name}: {dtype_errors.to_dicts()}")
    return pl.DataFrame(rows, schema=ERROR_SCHEMA)


def _key_fields(source: Source) -> tuple[list[str], dict[str, str]]:
    pii_key = {pseudonym_column(f.name): f.name for f in source.fields if f.pii is Pii.PSEUDONYMISE}
    return [pii_key.get(k, k) for k in source.key], pii_key


def key_columns(
    frame: pl.DataFrame, source: Source, parse_errors: pl.DataFrame | None
) -> pl.DataFrame:
    """_row and the natural key of the rows whose key could be read (a key cell that failed
    to parse is reported as such, not as a duplicate)."""
    key, _ = _key_fields(source)
    unparsed = (
        parse_errors.filter(pl.col("column").is_in(list(source.key)))["_row"]
        if parse_errors is not None
        else pl.Series([], dtype=pl.Int32)
    )
    present = [k for k in key if k in frame.columns]
    return frame.filter(~pl.col("_row").is_in(unparsed.implode())).select("_row", *present)


def duplicate_keys(frame: pl.DataFrame, source: Source) -> pl.DataFrame:
    """Rows of one file sharing a natural key: both are rejected (no silent choice)."""
    key, pii_key = _key_fields(source)
    if not all(k in frame.columns for k in key) or frame.height == 0:
        return empty_errors()
    required = [k for k in key if k in pii_key.values() or source.field(k).required]
    dup = frame.filter(
        pl.all_horizontal(pl.col(k).is_not_null() for k in required)
        & pl.struct(key).is_duplicated()
    )
    if dup.height == 0:
        return empty_errors()
    shown = [k for k in key if k not in pii_key.values()]
    return dup.select(
        pl.col("_row"),
        pl.lit(key[0]).alias("column"),
        pl.concat_str(
            [pl.col(k).cast(pl.Utf8) for k in shown], separator=" | ", ignore_nulls=True
        ).alias("value"),
        pl.lit("duplicate_in_file").alias("rule"),
        pl.lit(", ".join(source.field(k).header for k in key)).alias("detail"),
    )


def mask_personal_data(errors: pl.DataFrame, source: Source) -> pl.DataFrame:
    """Rejected values are never stored or logged in clear when they are personal data: the
    personal-data columns, and anything shaped like a citizen ID (since 2025 a household's
    tax code may be its owner's 12-digit CCCD)."""
    pii = [f.name for f in source.fields if f.pii]
    return errors.with_columns(
        pl.when(
            pl.col("column").is_in(pii)
            | pl.col("value").str.contains(r"(^|\D)\d{12}(\D|$)").fill_null(False)
        )
        .then(pl.lit(PII_MASK))
        .otherwise(pl.col("value"))
        .alias("value")
    )
