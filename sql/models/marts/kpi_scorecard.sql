-- One row per (plan_id, kpi_code) of the current plan targets (a plan is an area's or the
-- province's: area_code, area_name, area_level): the latest state, i.e. the
-- kpi_scorecard_history row as of the effective as-of date (int_as_of), or as of the plan
-- year's December when the as-of date is later (a complete year: met / not_met). A plan year
-- that starts after the as-of date has no history yet: actual NULL, status no_data.
-- Status compares the value rounded to 2 decimals (the precision KPIs are shown with).

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

history as (

    select * from {{ ref('kpi_scorecard_history') }}

),

areas as (

    select distinct
        area_code,
        area_name,
        area_level
    from {{ ref('stg_ops__areas') }}

),

latest as (

    select
        targets.*,
        cast(least(as_of.as_of_date, make_date(targets.year, 12, 31)) as date) as as_of_date
    from targets
    cross join as_of

)

select
    latest.plan_id,
    latest.area_code,
    areas.area_name,
    areas.area_level,
    latest.year,
    latest.kpi_code,
    latest.kpi_name_vi,
    latest.unit,
    latest.comparator,
    latest.target_low,
    latest.target_high,
    history.actual,
    coalesce(history.status, 'no_data') as status,
    coalesce(history.exceeded, false) as exceeded,
    latest.lead_unit,
    catalog.source,
    history.input_completeness,
    latest.as_of_date,
    coalesce(history.is_year_complete, false) as is_year_complete,
    history.projected,
    history.projection_note,
    history.previous_year_actual,
    catalog.kind,
    latest.note

from latest
left join history
    on
        latest.area_code = history.area_code
        and latest.plan_id = history.plan_id
        and latest.kpi_code = history.kpi_code
        and latest.as_of_date = history.as_of_date
left join catalog
    on latest.kpi_code = catalog.kpi_code
left join areas
    on latest.area_code = areas.area_code
