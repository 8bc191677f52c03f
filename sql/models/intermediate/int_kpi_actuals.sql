{{ config(materialized='table') }}

-- Value of every measured KPI for each area and province (`area_code`, int_area_scopes) and
-- plan year `year` as of the end of each month of that year: one row per (area_code, year,
-- month, kpi_code) the KPI's source has data for, with data dated on or
-- before as_of_date only (year to date for sums, latest value for levels and ratios; see each
-- int_kpi__<family> model; plan-task progress reports count when dated on or before the
-- effective as-of date, int_as_of). The December row is the year's value.
-- kpi_scorecard_history picks the months up to the effective as-of date.
-- Adding a KPI family is one more int_kpi__<family> model returning
-- (area_code, year, month, kpi_code, actual) added to this list (and its codes to
-- seeds/kpi_catalog.csv).

{%- set families = [
    'int_kpi__enterprise',
    'int_kpi__labour',
    'int_kpi__khuyen_cong',
    'int_kpi__economy',
    'int_kpi__budget',
    'int_kpi__ocop',
    'int_kpi__plan_tasks',
] %}

with

unioned as (

    {%- for family in families %}
        select
            area_code,
            year,
            month,
            kpi_code,
            actual,
            '{{ family }}' as computed_by
        from {{ ref(family) }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}

)

select
    cast(area_code as varchar) as area_code,
    cast(year as integer) as year,
    cast(month as integer) as month,
    cast(last_day(make_date(year, month, 1)) as date) as as_of_date,
    kpi_code,
    cast(actual as double) as actual,
    computed_by
from unioned
