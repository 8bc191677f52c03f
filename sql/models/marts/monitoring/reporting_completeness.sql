-- Reporting completeness and timeliness of the monthly enterprise reports (DHIS2-style), per
-- reporting area: for the whole area (breakdown 'district', the former district), by commune
-- and by zone; and for each province over its areas (breakdown 'province', area_level
-- 'province'): expected reports, received, on time. A unit registered in two areas is
-- expected by each, so the province counts both of its reports.

with

expected as (

    select * from {{ ref('int_expected_reports') }}

),

scopes as (

    select * from {{ ref('int_area_scopes') }}

),

area_levels as (

    -- an area's own level: 'area', or 'province' for the province's own files
    select
        area_code,
        scope_level as area_level
    from scopes
    where area_code = scope_code

),

by_area as (

    select
        area_code,
        period,
        case
            when grouping(commune_code) = 0 then 'commune'
            when grouping(zone_code) = 0 then 'zone'
            else 'district'
        end as breakdown,
        case when grouping(commune_code) = 0 then commune_code end as commune_code,
        case when grouping(zone_code) = 0 then zone_code end as zone_code,
        count(*) as expected_reports,
        count(*) filter (where is_received) as received_reports,
        count(*) filter (where is_on_time) as on_time_reports
    from expected
    group by grouping sets (  -- noqa: PRS
        (area_code, period), (area_code, period, commune_code), (area_code, period, zone_code)
    )

),

by_province as (

    select
        scopes.scope_code as area_code,
        expected.period,
        'province' as breakdown,
        cast(null as varchar) as commune_code,
        cast(null as varchar) as zone_code,
        count(*) as expected_reports,
        count(*) filter (where expected.is_received) as received_reports,
        count(*) filter (where expected.is_on_time) as on_time_reports
    from expected
    inner join scopes
        on expected.area_code = scopes.area_code
    where scopes.scope_level = 'province'
    group by scopes.scope_code, expected.period

),

grouped as (

    select
        by_area.*,
        area_levels.area_level
    from by_area
    left join area_levels
        on by_area.area_code = area_levels.area_code

    union all

    select
        *,
        'province' as area_level
    from by_province

)

select
    area_code,
    area_level,
    period,
    cast(year(period) as integer) as year,
    breakdown,
    commune_code,
    zone_code,
    breakdown || ':' || coalesce(commune_code, zone_code, '-') as breakdown_key,
    expected_reports,
    received_reports,
    on_time_reports,
    expected_reports - received_reports as missing_reports,
    round(100.0 * received_reports / expected_reports, 2) as completeness_pct,
    round(100.0 * on_time_reports / expected_reports, 2) as timeliness_pct
from grouped
