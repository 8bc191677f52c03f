-- Per area, year and commune (the commune version in force at the data's date: codes were reused
-- from 2025-07-01): enterprise-report and khuyến công figures (macro kpi_breakdown).
--   gross output: industrial units only (as IND_GO_*); own capital: all units (as CAPITAL_OWN);
--   employees_year_end: Σ over units of the employees in each unit's last report of the year
--   (December, or its latest month so far), placed in the commune of that report;
--   khuyến công: money disbursed in the year, commune of the scheme (as of its decision date).
-- A figure is 0 when its source has records for the year but none for this commune, and NULL
-- when the source has no records for the year.

with

reports as (

    select * from {{ ref('int_enterprise_reports__current') }}

),

schemes as (

    select * from {{ ref('int_khuyen_cong__current') }}

),

communes as (

    select * from {{ ref('int_communes__current') }}

),

{{ kpi_breakdown(['commune_code', 'commune_valid_from']) }}

select
    breakdown.area_code,
    breakdown.year,
    breakdown.commune_code,
    breakdown.commune_valid_from,
    communes.commune_name,
    communes.commune_type,
    case
        when communes.valid_to is not null and communes.successor_code is not null
            then communes.successor_code
        else breakdown.commune_code
    end as rollup_commune_code,
    breakdown.* exclude (area_code, year, commune_code, commune_valid_from)

from breakdown
left join communes
    on
        breakdown.area_code = communes.area_code
        and breakdown.commune_code = communes.commune_code
        and breakdown.commune_valid_from = communes.valid_from
