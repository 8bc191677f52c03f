-- The commune breakdown of any year rolled up to the communes in force since 01/07/2025
-- (Nghị quyết 1680/NQ-UBTVQH15): each commune version maps to the unit it joined
-- (rollup_commune_code), so 2022 data keep their 2022 communes in kpi_by_commune and are
-- summed here under today's units, per area. Additive measures only.

with

by_commune as (

    select * from {{ ref('kpi_by_commune') }}

),

current_communes as (

    select
        area_code,
        commune_code,
        commune_name
    from {{ ref('dim_communes') }}
    where valid_to is null

)

select
    by_commune.area_code,
    by_commune.year,
    by_commune.rollup_commune_code as commune_code,
    any_value(current_communes.commune_name) as commune_name,
    -- a delimited string, not a list: most BI tools cannot show list columns
    string_agg(distinct by_commune.commune_name, '; ' order by by_commune.commune_name)
        as former_communes,
    {{ count_of('sum(by_commune.reporting_units)') }} as reporting_units,
    {{ count_of('sum(by_commune.industrial_reporting_units)') }}
        as industrial_reporting_units,
    {{ money('sum(by_commune.gross_output_current_mvnd)') }} as gross_output_current_mvnd,
    {{ money('sum(by_commune.gross_output_const2010_mvnd)') }}
        as gross_output_const2010_mvnd,
    {{ money('sum(by_commune.own_capital_mvnd)') }} as own_capital_mvnd,
    {{ count_of('sum(by_commune.employees_year_end)') }} as employees_year_end,
    {{ money('sum(by_commune.kc_disbursed_mvnd)') }} as kc_disbursed_mvnd
from by_commune
left join current_communes
    on
        by_commune.area_code = current_communes.area_code
        and by_commune.rollup_commune_code = current_communes.commune_code
group by by_commune.area_code, by_commune.year, by_commune.rollup_commune_code
