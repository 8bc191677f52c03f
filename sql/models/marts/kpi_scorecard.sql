-- One row per (plan_id, kpi_code) of the current plan targets: actual against target.
-- Status compares the actual rounded to 2 decimals (the precision KPIs are shown with).

with

targets as (

    select * from {{ ref('int_plan_targets__current') }}

),

actuals as (

    select * from {{ ref('int_kpi_actuals') }}

),

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

joined as (

    select
        targets.plan_id,
        targets.year,
        targets.kpi_code,
        targets.kpi_name_vi,
        targets.unit,
        targets.comparator,
        targets.target_low,
        targets.target_high,
        actuals.actual,
        round(actuals.actual, 2) as actual_rounded,
        targets.lead_unit,
        catalog.source,
        actuals.input_completeness

    from targets
    left join actuals
        on targets.year = actuals.year
        and targets.kpi_code = actuals.kpi_code
    left join catalog
        on targets.kpi_code = catalog.kpi_code

)

select
    plan_id,
    year,
    kpi_code,
    kpi_name_vi,
    unit,
    comparator,
    target_low,
    target_high,
    actual,
    case
        when actual is null then 'no_data'
        when comparator = 'gt' and actual_rounded > target_low then 'met'
        when comparator = 'gte' and actual_rounded >= target_low then 'met'
        when comparator = 'between' and actual_rounded >= target_low then 'met'
        else 'not_met'
    end as status,
    coalesce(
        comparator = 'between' and actual_rounded > target_high,
        false
    ) as exceeded,
    lead_unit,
    source,
    input_completeness
from joined
