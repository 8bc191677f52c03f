-- The plan scorecard as of every month end of the plan year up to the effective as-of date
-- (int_as_of): one row per (plan_id, kpi_code, as_of_date), at most 12 per plan and KPI, so a
-- dashboard can draw each KPI's path to its target. The December row (is_year_complete) is
-- the year's final result.
--   actual     the value with data dated on or before as_of_date (int_kpi_actuals): year to
--              date for flow KPIs, latest value for stock KPIs and ratios
--   projected  flow KPIs during the year: actual × (full year Y-1) ÷ (same months of Y-1), the
--              previous year's seasonal pattern; NULL when Y-1 has no data for those months
--              (or a zero total). = actual for stock KPIs and for a complete year.
--   status     complete year: met / not_met from actual; during the year: on_track / at_risk
--              from projected, or, for a flow KPI that cannot be projected (no Y-1 pattern),
--              from its year to date (on_track only when that already meets the target: a
--              sum over the year only grows); no_data when actual is NULL. The value judged,
--              coalesce(projected, actual), is rounded to 2 decimals (the precision KPIs are
--              shown with) and compared with the target: gt > target_low, gte ≥ target_low,
--              between ≥ target_low (above target_high still met / on track, and exceeded).

with

as_of as (

    select as_of_date from {{ ref('int_as_of') }}

),

targets as (

    select * from {{ ref('int_plan_targets__current') }}

),

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

actuals as (

    select * from {{ ref('int_kpi_actuals') }}

),

completeness as (

    select * from {{ ref('int_kpi_input_completeness') }}

),

target_months as (

    select
        targets.*,
        months.month,
        cast(last_day(make_date(targets.year, months.month, 1)) as date) as as_of_date
    from targets
    cross join (select cast(unnest(range(1, 13)) as integer) as month) as months
    cross join as_of
    where last_day(make_date(targets.year, months.month, 1)) <= as_of.as_of_date

),

joined as (

    select
        target_months.plan_id,
        target_months.year,
        target_months.kpi_code,
        target_months.as_of_date,
        target_months.month = 12 as is_year_complete,
        target_months.kpi_name_vi,
        target_months.unit,
        target_months.comparator,
        target_months.target_low,
        target_months.target_high,
        catalog.kind,
        current_year.actual,
        case
            when target_months.month = 12 or coalesce(catalog.kind, 'stock') <> 'flow'
                then current_year.actual
            else current_year.actual * previous_full_year.actual
                / nullif(previous_same_months.actual, 0)
        end as projected,
        completeness.input_completeness,
        target_months.lead_unit,
        catalog.source

    from target_months
    left join catalog
        on target_months.kpi_code = catalog.kpi_code
    left join actuals as current_year
        on target_months.kpi_code = current_year.kpi_code
        and target_months.year = current_year.year
        and target_months.month = current_year.month
    left join actuals as previous_full_year
        on target_months.kpi_code = previous_full_year.kpi_code
        and target_months.year - 1 = previous_full_year.year
        and previous_full_year.month = 12
    left join actuals as previous_same_months
        on target_months.kpi_code = previous_same_months.kpi_code
        and target_months.year - 1 = previous_same_months.year
        and target_months.month = previous_same_months.month
    left join completeness
        on catalog.completeness_basis = completeness.completeness_basis
        and target_months.year = completeness.year
        and target_months.month = completeness.month

),

judged as (

    select
        *,
        -- the value judged against the target: projected (= actual for a stock KPI or a
        -- complete year); a flow KPI that cannot be projected is judged on its year to date
        round(coalesce(projected, actual), 2) as judged_rounded
    from joined

)

select
    plan_id,
    year,
    kpi_code,
    as_of_date,
    is_year_complete,
    kpi_name_vi,
    unit,
    comparator,
    target_low,
    target_high,
    actual,
    projected,
    case
        when judged_rounded is null then 'no_data'
        when (comparator = 'gt' and judged_rounded > target_low)
            or (comparator = 'gte' and judged_rounded >= target_low)
            or (comparator = 'between' and judged_rounded >= target_low)
            then case when is_year_complete then 'met' else 'on_track' end
        else case when is_year_complete then 'not_met' else 'at_risk' end
    end as status,
    coalesce(comparator = 'between' and judged_rounded > target_high, false) as exceeded,
    input_completeness,
    kind,
    lead_unit,
    source
from judged
