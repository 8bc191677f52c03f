"""Audit a new build with great-expectations before anyone sees it.

The marts people read are small (aggregates), so each is audited as a pandas frame read from
the private warehouse (GX's SQL datasource cannot hold DuckDB connections reliably). The
scorecard's status is recomputed here, independently of the SQL that produced it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from flows.audit_page import AuditResult
from flows.audit_page import write as write_page
from flows.config import connect
from flows.ingest.references import kpi_catalog
from flows.ingest.validate import PII_MASK
from schemas.registry import get_source

STATUSES = ["met", "not_met", "no_data", "on_track", "at_risk"]
PERCENT_BOUNDS = (-100.0, 1000.0)  # growth can be negative; shares stay within 0–100
# A money KPI (billion VND) above this is a unit error (đồng typed where triệu đồng is meant
# multiplies by a million), not an economy: ten times Vietnam's GDP. National-scale data fit.
MAX_MONEY_BN = 100_000_000
CULPRITS_PER_SOURCE = 3
EXAMPLES = 5  # failing values (and set members) shown per expectation


def _meets(value: pd.Series, frame: pd.DataFrame) -> np.ndarray:
    """Whether each value meets its row's target, at the two decimals a KPI is shown with."""
    value = value.astype(float).round(2)
    low = frame["target_low"].astype(float)
    return np.select(
        [
            frame["comparator"] == "gt",
            frame["comparator"] == "gte",
            frame["comparator"] == "between",
        ],
        [value > low, value >= low, value >= low],
        default=False,
    )


def expected_status(frame: pd.DataFrame) -> pd.Series:
    """Status recomputed from actual, projection, targets and comparator.

    A complete year is judged on its actual (met / not_met). A year in progress is judged on
    the year-end projection of a flow KPI (its year to date when last year gives no seasonal
    pattern) or on the latest value of a stock KPI (on_track / at_risk). No actual: no_data.
    """
    actual = frame["actual"].astype(float)
    complete = frame["is_year_complete"].fillna(True).astype(bool)
    judged = frame["projected"].astype(float).fillna(actual).where(~complete, actual)
    status = np.where(
        complete,
        np.where(_meets(actual, frame), "met", "not_met"),
        np.where(_meets(judged, frame), "on_track", "at_risk"),
    )
    return pd.Series(np.where(actual.isna(), "no_data", status), index=frame.index)


def _dates_as_datetimes(frame: pd.DataFrame) -> pd.DataFrame:
    """GX's pandas metrics fail on columns of datetime.date objects; give them datetimes."""
    for column in frame.columns:
        if (
            frame[column].dtype == object
            and frame[column].map(lambda v: isinstance(v, dt.date)).any()
        ):
            frame[column] = pd.to_datetime(frame[column])
    return frame


def _scorecard_frame(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    frame = con.execute(f"select * from marts.{table}").df()
    frame["status_consistent"] = frame["status"] == expected_status(frame)
    frame["plan_kpi"] = frame["area_code"] + "/" + frame["plan_id"] + "/" + frame["kpi_code"]
    percent = frame["unit"].astype(str).str.strip() == "%"
    frame["percent_actual"] = frame["actual"].where(percent)
    money = frame["unit"].astype(str).str.contains("VND")
    frame["money_actual"] = frame["actual"].where(money)
    return frame


def out_of_bounds(frame: pd.DataFrame) -> set[str]:
    """KPI codes of a scorecard frame whose actual breaks the money or percent bound."""
    money = frame["money_actual"].astype(float)
    percent = frame["percent_actual"].astype(float)
    bad = (
        (money < 0)
        | (money > MAX_MONEY_BN)
        | (percent < PERCENT_BOUNDS[0])
        | (percent > PERCENT_BOUNDS[1])
    )
    return set(frame.loc[bad, "kpi_code"])


def culprits(con: duckdb.DuckDBPyConnection, kpi_codes: set[str]) -> list[str]:
    """The loaded rows most likely behind KPIs out of their bounds, with their file and row:
    for each KPI's source (the KPI catalogue), the values of its plausible fields (declared
    in schemas/) farthest outside their range; negative values first. One query a source."""
    catalogue = kpi_catalog()
    names = sorted(
        set(catalogue.filter(catalogue["kpi_code"].is_in(sorted(kpi_codes)))["source"].to_list())
    )
    found = []
    for source in map(get_source, names):
        fields = [(f.name, *f.plausible) for f in source.fields if f.plausible is not None]
        if not fields:
            continue
        scored = " union all ".join(
            f"select _file_id, _source_row, '{name}' as column_name, {name}::double as v, "
            f"case when {name} < 0 then 1e300 else greatest({name} / {high}, "
            f"{low} / nullif({name}, 0)) end as score from raw.{source.table}"
            for name, low, high in fields
        )
        rows = con.execute(
            f"select files.file_name, scored._source_row, scored.column_name, scored.v "
            f"from ({scored}) as scored join ops.files as files "
            f"on files.file_id = scored._file_id where scored.score is not null "
            f"order by scored.score desc limit {CULPRITS_PER_SOURCE}"
        ).fetchall()
        for file_name, row, column, value in rows:
            shown = PII_MASK if source.has_pii else f"{value:g}"
            found.append(f"{file_name} row {row} ({source.name}), column {column} = {shown}")
    return found


def _arguments(kwargs: dict) -> str:
    """An expectation's arguments besides its column(s), as short text (sets cut)."""
    shown = []
    for name, value in kwargs.items():
        if name in ("column", "column_list", "batch_id") or value is None:
            continue
        if isinstance(value, list | tuple | set) and len(value) > EXAMPLES:
            value = f"[{', '.join(map(str, list(value)[:EXAMPLES]))}, … ({len(value)})]"
        shown.append(f"{name}={value}")
    return ", ".join(shown)


def _observed(outcome: dict) -> str:
    """What GX measured: the observed value, or how many values broke the expectation."""
    if "observed_value" in outcome:
        return str(outcome["observed_value"])[:300]
    if "element_count" in outcome:
        unexpected = outcome.get("unexpected_count") or 0
        return (
            f"{unexpected} / {outcome['element_count']} giá trị không đạt / "
            "values unexpected"
            + (f" ({outcome.get('missing_count')} null)" if outcome.get("missing_count") else "")
        )
    return ""


def _suites(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[pd.DataFrame, list]]:
    import great_expectations as gx

    e = gx.expectations
    # The plan's KPIs as the models read them (the latest targets file of the reference).
    plan_kpis = [
        f"{a}/{p}/{k}"
        for a, p, k in con.execute(
            "select distinct area_code, plan_id, kpi_code "
            "from intermediate.int_plan_targets__current"
        ).fetchall()
    ]
    scorecard = _scorecard_frame(con, "kpi_scorecard")
    history = _scorecard_frame(con, "kpi_scorecard_history")
    suites = {
        "kpi_scorecard_history": (
            _dates_as_datetimes(history),
            [
                e.ExpectCompoundColumnsToBeUnique(
                    column_list=["area_code", "plan_id", "kpi_code", "as_of_date"]
                ),
                e.ExpectColumnValuesToBeInSet(column="status", value_set=STATUSES),
                e.ExpectColumnValuesToBeInSet(column="status_consistent", value_set=[True]),
                e.ExpectColumnValuesToBeBetween(
                    column="percent_actual",
                    min_value=PERCENT_BOUNDS[0],
                    max_value=PERCENT_BOUNDS[1],
                ),
            ],
        ),
        "kpi_scorecard": (
            scorecard,
            [
                e.ExpectCompoundColumnsToBeUnique(column_list=["area_code", "plan_id", "kpi_code"]),
                *[
                    e.ExpectColumnValuesToNotBeNull(column=c)
                    for c in (
                        "area_code",
                        "plan_id",
                        "year",
                        "kpi_code",
                        "comparator",
                        "target_low",
                        "status",
                    )
                ],
                e.ExpectColumnDistinctValuesToContainSet(column="plan_kpi", value_set=plan_kpis),
                e.ExpectColumnValuesToBeInSet(column="status", value_set=STATUSES),
                e.ExpectColumnValuesToBeInSet(column="status_consistent", value_set=[True]),
                e.ExpectColumnValuesToBeBetween(
                    column="percent_actual",
                    min_value=PERCENT_BOUNDS[0],
                    max_value=PERCENT_BOUNDS[1],
                ),
                e.ExpectColumnValuesToBeBetween(
                    column="money_actual", min_value=0, max_value=MAX_MONEY_BN
                ),
            ],
        ),
    }
    for table, key in (
        ("dim_units", ["area_code", "tax_code"]),
        ("kpi_by_month", ["area_code", "period"]),
        ("kpi_by_commune", ["area_code", "year", "commune_code", "commune_valid_from"]),
        ("kpi_by_zone", ["area_code", "year", "zone_code"]),
    ):
        frame = _dates_as_datetimes(con.execute(f"select * from marts.{table}").df())
        checks: list[Any] = (
            [e.ExpectCompoundColumnsToBeUnique(column_list=key)]
            if len(key) > 1
            else [e.ExpectColumnValuesToBeUnique(column=key[0])]
        )
        checks += [
            e.ExpectColumnValuesToNotBeNull(column=c)
            for c in key
            if c in ("area_code", "tax_code", "period", "year")
        ]  # commune/zone may be unknown
        suites[table] = (frame, checks)
    return suites


def run_audit(db_path: str, docs_dir: Path | None = None) -> AuditResult:
    """Run one GX checkpoint per audited mart; the build passes when every one passes.

    With ``docs_dir``, the audit's results are written there as one self-contained page
    (``index.html``, see flows/audit_page.py) rather than GX's Data Docs, which need internet.
    """
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("warehouse")
    result = AuditResult(success=True)
    with connect(db_path, read_only=True) as con:
        suites = _suites(con)
        offending = set().union(
            *(out_of_bounds(suites[t][0]) for t in ("kpi_scorecard", "kpi_scorecard_history"))
        )
        if offending:
            result.culprits = culprits(con, offending)
    for table, (frame, expectations) in suites.items():
        batch = source.add_dataframe_asset(table).add_batch_definition_whole_dataframe("build")
        suite = context.suites.add(gx.ExpectationSuite(name=table, expectations=expectations))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(data=batch, suite=suite, name=table)
        )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(name=f"audit_{table}", validation_definitions=[definition])
        )
        outcome = checkpoint.run(batch_parameters={"dataframe": frame})
        for run in outcome.run_results.values():
            for r in run.results:
                config = r.expectation_config
                assert config is not None  # a result of a suite's expectation
                kwargs = config.kwargs
                detail = ""
                if not r.success:
                    detail = str(
                        r.result.get("partial_unexpected_list")
                        or r.result.get("details")
                        or r.result.get("observed_value")
                    )
                result.checks.append(
                    {
                        "table": table,
                        "expectation": config.type,
                        "column": kwargs.get("column") or ",".join(kwargs.get("column_list") or []),
                        "ok": bool(r.success),
                        "detail": detail[:300],
                        "arguments": _arguments(kwargs),
                        "observed": _observed(r.result),
                        "examples": []
                        if r.success
                        else [
                            str(v)[:100]
                            for v in (r.result.get("partial_unexpected_list") or [])[:EXAMPLES]
                        ],
                    }
                )
        result.success &= bool(outcome.success)
    if docs_dir is not None:
        write_page(result, docs_dir)
    return result
