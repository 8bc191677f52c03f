-- Reporting completeness and timeliness of the monthly enterprise reports (DHIS2-style),
-- for the whole district, by commune and by zone: expected reports, received, on time.

with

expected as (

    select * from {{ ref('int_expected_reports') }}

),

grouped as (

    select
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
    group by grouping sets ((period), (period, commune_code), (period, zone_code))  -- noqa: PRS

)

select
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
