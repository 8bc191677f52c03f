-- One row per month of the calendar (dim_periods): gross output of industrial units at current
-- and constant 2010 prices (billion VND) in the month and year to date, units reporting, and
-- khuyến công money disbursed in the month and year to date.
-- A month without any report has NULL output (the month is missing, not zero); khuyến công is
-- 0 in a month without payments of a year the source has records for, NULL otherwise.
-- Year-to-date sums skip NULL months, so December's YTD equals IND_GO_* / KC_FUNDS_TOTAL.

with

periods as (

    select * from {{ ref('int_periods') }}

),

reports as (

    select * from {{ ref('int_enterprise_reports__current') }}

),

schemes as (

    select * from {{ ref('int_khuyen_cong__current') }}

),

monthly_reports as (

    select
        period,
        count(distinct tax_code) as reporting_units,
        count(distinct tax_code) filter (where is_industrial) as industrial_reporting_units,
        coalesce(sum(gross_output_current_mvnd) filter (where is_industrial), 0)
            as gross_output_current_mvnd,
        coalesce(sum(gross_output_const2010_mvnd) filter (where is_industrial), 0)
            as gross_output_const2010_mvnd
    from reports
    group by period

),

kc_years as (

    select year from {{ ref('int_source_years') }} where source = 'khuyen_cong'

),

monthly_kc as (

    select
        cast(date_trunc('month', disbursement_date) as date) as period,
        sum(disbursed_amount_vnd) as kc_disbursed_vnd
    from schemes
    where disbursement_date is not null
    group by 1

),

monthly as (

    select
        periods.period,
        periods.year,
        periods.month,
        coalesce(monthly_reports.reporting_units, 0) as reporting_units,
        coalesce(monthly_reports.industrial_reporting_units, 0) as industrial_reporting_units,
        monthly_reports.gross_output_current_mvnd,
        monthly_reports.gross_output_const2010_mvnd,
        case
            when kc_years.year is not null then coalesce(monthly_kc.kc_disbursed_vnd, 0)
        end as kc_disbursed_vnd

    from periods
    left join monthly_reports
        on periods.period = monthly_reports.period
    left join monthly_kc
        on periods.period = monthly_kc.period
    left join kc_years
        on periods.year = kc_years.year

)

select
    period,
    year,
    month,
    reporting_units,
    industrial_reporting_units,
    gross_output_current_mvnd / 1000 as gross_output_current_bn_vnd,
    sum(gross_output_current_mvnd) over year_to_date / 1000 as gross_output_current_ytd_bn_vnd,
    gross_output_const2010_mvnd / 1000 as gross_output_const2010_bn_vnd,
    sum(gross_output_const2010_mvnd) over year_to_date / 1000
        as gross_output_const2010_ytd_bn_vnd,
    kc_disbursed_vnd / 1e9 as kc_disbursed_bn_vnd,
    sum(kc_disbursed_vnd) over year_to_date / 1e9 as kc_disbursed_ytd_bn_vnd
from monthly
window year_to_date as (
    partition by year order by period rows between unbounded preceding and current row
)
