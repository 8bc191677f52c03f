-- Per area, year and industrial zone/cluster (zone_code NULL = outside any zone): enterprise-report
-- and khuyến công figures (macro kpi_breakdown).
--   gross output: industrial units only (as IND_GO_*); own capital: all units (as CAPITAL_OWN);
--   employees_year_end: Σ over units of the employees in each unit's last report of the year
--   (December, or its latest month so far), placed in the zone of that report;
--   khuyến công: money disbursed in the year, placed in the beneficiary's zone as of its latest
--   report in the same area (dim_units); beneficiaries that are not reporting units fall in
--   the NULL row.
-- A figure is 0 when its source has records for the year but none for this zone, and NULL
-- when the source has no records for the year.

with

reports as (

    select * from {{ ref('int_enterprise_reports__current') }}

),

units as (

    select
        area_code,
        tax_code,
        zone_code
    from {{ ref('int_units') }}

),

schemes as (

    -- each scheme placed in its beneficiary's zone
    select
        schemes.*,
        units.zone_code
    from {{ ref('int_khuyen_cong__current') }} as schemes
    left join units
        on
            schemes.area_code = units.area_code
            and schemes.beneficiary_tax_code = units.tax_code

),

zones as (

    select * from {{ ref('int_zones__current') }}

),

{{ kpi_breakdown(['zone_code']) }}

select
    breakdown.area_code,
    breakdown.year,
    breakdown.zone_code,
    zones.zone_name,
    zones.zone_type,
    breakdown.zone_code is not null as in_zone,
    breakdown.* exclude (area_code, year, zone_code)

from breakdown
left join zones
    on
        breakdown.area_code = zones.area_code
        and breakdown.zone_code = zones.zone_code
