{{ config(materialized='table') }}

-- The effective as-of date of the scorecard (one row): data dated after it does not count.
--   1. dbt var as_of ('YYYY-MM-DD', passed by `vlpipe run --as-of YYYY-MM`), taken to the
--      last day of its month (the as-of month is the unit);
--   2. else the last day of the latest enterprise-report period loaded (docs/kpis.md, general
--      rules);
--   3. else (no enterprise report at all) 31 December of the latest plan year, so that every
--      plan year is judged as a complete year.

{%- set as_of = var('as_of', none) %}
{%- set as_of_text = (as_of | string | trim) if as_of is not none else '' %}
{%- if as_of_text in ('', 'None', 'none', 'null') %}
    {%- set as_of_text = '' %}
{%- elif not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', as_of_text) %}
    {{ exceptions.raise_compiler_error(
        "var as_of must be a date 'YYYY-MM-DD' (the last day of the as-of month), got '"
        ~ as_of_text ~ "'") }}
{%- endif %}

with

latest_period as (

    select max(period) as period
    from {{ ref('int_enterprise_reports__current') }}

),

latest_plan_year as (

    select max(year) as year
    from {{ ref('int_plan_targets__current') }}

)

select
    cast(coalesce(
        {% if as_of_text %}last_day(date '{{ as_of_text }}'){% else %}null{% endif %},
        last_day(latest_period.period),
        make_date(latest_plan_year.year, 12, 31)
    ) as date) as as_of_date,
    case
    {% if as_of_text %}when true then 'var'{% endif %}
        when latest_period.period is not null then 'latest_enterprise_period'
        when latest_plan_year.year is not null then 'latest_plan_year_end'
    end as as_of_basis
from latest_period
cross join latest_plan_year
