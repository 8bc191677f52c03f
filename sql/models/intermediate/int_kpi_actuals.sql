{{ config(materialized='table') }}

-- Actual value of every measured KPI for every year its source has data for:
-- one row per (year, kpi_code). Adding a KPI family is one more int_kpi__<family> model
-- returning (year, kpi_code, actual) added to this list (and its codes to seeds/kpi_catalog.csv).

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
    select year, kpi_code, actual, '{{ family }}' as computed_by
    from {{ ref(family) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

)

select
    cast(year as integer) as year,
    kpi_code,
    cast(actual as double) as actual,
    -- share of expected inputs received; not measured yet
    cast(null as double) as input_completeness,
    computed_by
from unioned
