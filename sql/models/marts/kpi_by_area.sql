-- Every KPI of every area and of the province, whatever the plans: one row per (area_code,
-- year, month, kpi_code) up to the effective as-of date (int_as_of), the value as of that
-- month end (int_kpi_actuals). The province's values are rolled up from its areas' rows, not
-- from their values (docs/kpis.md, "Roll-up to the province"): flows summed, ratios of summed
-- numerators and denominators, distinct counts counting a unit in two areas once. December
-- (is_year_complete) is the year's value.

with

actuals as (

    select * from {{ ref('int_kpi_actuals') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of') }}

),

areas as (

    select distinct
        area_code,
        area_name,
        area_level,
        province_code
    from {{ ref('stg_ops__areas') }}

),

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

units as (

    -- the unit the plans state each KPI in
    select
        kpi_code,
        min(unit) as unit
    from {{ ref('int_plan_targets__current') }}
    group by kpi_code

)

select
    actuals.area_code,
    areas.area_name,
    areas.area_level,
    areas.province_code,
    actuals.year,
    actuals.month,
    actuals.as_of_date,
    actuals.month = 12 as is_year_complete,
    actuals.kpi_code,
    catalog.kind,
    actuals.actual,
    units.unit
from actuals
cross join as_of
inner join areas
    on actuals.area_code = areas.area_code
left join catalog
    on actuals.kpi_code = catalog.kpi_code
left join units
    on actuals.kpi_code = units.kpi_code
where actuals.as_of_date <= as_of.as_of_date
