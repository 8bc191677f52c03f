{{ config(materialized='table') }}

-- One row per (unit, month) — a unit being (area_code, tax_code) — in which the unit was expected
-- to send its monthly enterprise report, DHIS2-style: a unit is expected from its first reported
-- month on, until it is considered closed — silent for more than
-- var('unit_closed_after_silent_months') months after its last report — and never after the latest
-- month any unit of any area reported (the data's as-of month, one for the province: an area whose
-- files lag shows its gap). Received = any submission for the month; on time = its first submission
-- is dated no later than day var('report_due_day') of the following month (GSO deadline).

with

units as (

    select * from {{ ref('int_units') }}

),

submissions as (

    select
        area_code,
        tax_code,
        period,
        min(report_date) as first_report_date,
        count(*) as submissions
    from {{ ref('int_enterprise_reports__ranked') }}
    group by area_code, tax_code, period

),

as_of as (

    select max(period) as last_month from submissions

),

expected as (

    select
        units.area_code,
        units.tax_code,
        cast(unnest(generate_series(
            cast(units.first_period as timestamp),
            cast(least(
                as_of.last_month,
                units.last_period
                + to_months({{ var('unit_closed_after_silent_months') }})
            ) as timestamp),
            interval 1 month
        )) as date) as period
    from units
    cross join as_of

)

select
    expected.area_code,
    expected.tax_code,
    expected.period,
    cast(year(expected.period) as integer) as year,
    units.commune_code,
    units.commune_valid_from,
    units.zone_code,
    units.is_industrial,
    submissions.tax_code is not null as is_received,
    submissions.first_report_date,
    coalesce(submissions.submissions, 0) as submissions,
    cast(
        expected.period + interval 1 month
        + to_days({{ var('report_due_day') }} - 1) as date
    ) as due_date,
    coalesce(
        submissions.first_report_date
        <= cast(
            expected.period + interval 1 month
            + to_days({{ var('report_due_day') }} - 1) as date
        ),
        false
    ) as is_on_time
from expected
inner join units
    on
        expected.area_code = units.area_code
        and expected.tax_code = units.tax_code
left join submissions
    on
        expected.area_code = submissions.area_code
        and expected.tax_code = submissions.tax_code
        and expected.period = submissions.period
