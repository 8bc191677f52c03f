-- One row per reporting area or province (area_code, area_level) and month of the calendar
-- (dim_periods): gross output of industrial units at current
-- and constant 2010 prices (million VND, DECIMAL(18, 6): docs/dashboards.md) in the month and
-- year to date, units reporting, and khuyến công money disbursed in the month and year to date.
-- Months after the as-of date (int_as_of) are flagged is_after_as_of, their measures NULL.
-- A month without any report has NULL output (the month is missing, not zero); khuyến công is
-- 0 in a month without payments of a year the source has records for, NULL otherwise.
-- Year-to-date sums skip NULL months, so December's YTD equals IND_GO_* / KC_FUNDS_TOTAL.
-- A province's row is computed over its areas' rows (int_area_scopes): sums add the areas up,
-- units count a tax code reporting to two areas once.

with

periods as (

    select * from {{ ref('int_periods') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of') }}

),

scopes as (

    select * from {{ ref('int_area_scopes') }}

),

scope_levels as (

    select distinct
        scope_code,
        scope_level
    from scopes

),

reports as (

    select
        scopes.scope_code,
        reports.*
    from {{ ref('int_enterprise_reports__current') }} as reports
    inner join scopes
        on reports.area_code = scopes.area_code

),

schemes as (

    select
        scopes.scope_code,
        schemes.*
    from {{ ref('int_khuyen_cong__current') }} as schemes
    inner join scopes
        on schemes.area_code = scopes.area_code

),

monthly_reports as (

    select
        scope_code,
        period,
        count(distinct tax_code) as reporting_units,
        count(distinct tax_code) filter (where is_industrial) as industrial_reporting_units,
        coalesce(sum(gross_output_current_mvnd) filter (where is_industrial), 0)
            as gross_output_current_mvnd,
        coalesce(sum(gross_output_const2010_mvnd) filter (where is_industrial), 0)
            as gross_output_const2010_mvnd
    from reports
    group by scope_code, period

),

kc_years as (

    select distinct
        scopes.scope_code,
        source_years.year
    from {{ ref('int_source_years') }} as source_years
    inner join scopes
        on source_years.area_code = scopes.area_code
    where source_years.source = 'khuyen_cong'

),

monthly_kc as (

    select
        scope_code,
        cast(date_trunc('month', disbursement_date) as date) as period,
        sum(disbursed_amount_vnd) as kc_disbursed_vnd
    from schemes
    where disbursement_date is not null
    group by all

),

monthly as (

    select
        scope_levels.scope_code,
        scope_levels.scope_level,
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
    cross join scope_levels
    left join monthly_reports
        on
            scope_levels.scope_code = monthly_reports.scope_code
            and periods.period = monthly_reports.period
    left join monthly_kc
        on
            scope_levels.scope_code = monthly_kc.scope_code
            and periods.period = monthly_kc.period
    left join kc_years
        on
            scope_levels.scope_code = kc_years.scope_code
            and periods.year = kc_years.year

),

year_to_date as (

    select
        monthly.*,
        sum(gross_output_current_mvnd) over ytd as gross_output_current_ytd_mvnd,
        sum(gross_output_const2010_mvnd) over ytd as gross_output_const2010_ytd_mvnd,
        sum(kc_disbursed_vnd) over ytd as kc_disbursed_ytd_vnd,
        monthly.period > as_of.as_of_date as is_after_as_of
    from monthly
    cross join as_of
    window ytd as (
        partition by scope_code, year
        order by period rows between unbounded preceding and current row
    )

)

-- A month after the as-of date has not happened yet (for this publication): it is kept so a
-- dashboard's calendar stays whole, flagged is_after_as_of, with every measure NULL (never 0).
select
    scope_code as area_code,
    scope_level as area_level,
    period,
    year,
    month,
    is_after_as_of,
    {{ count_of('case when not is_after_as_of then reporting_units end') }} as reporting_units,
    {{ count_of('case when not is_after_as_of then industrial_reporting_units end') }}
        as industrial_reporting_units,
    case when not is_after_as_of then {{ money('gross_output_current_mvnd') }} end
        as gross_output_current_mvnd,
    case when not is_after_as_of then {{ money('gross_output_current_ytd_mvnd') }} end
        as gross_output_current_ytd_mvnd,
    case when not is_after_as_of then {{ money('gross_output_const2010_mvnd') }} end
        as gross_output_const2010_mvnd,
    case when not is_after_as_of then {{ money('gross_output_const2010_ytd_mvnd') }} end
        as gross_output_const2010_ytd_mvnd,
    case when not is_after_as_of then {{ money('kc_disbursed_vnd / 1000000') }} end
        as kc_disbursed_mvnd,
    case when not is_after_as_of then {{ money('kc_disbursed_ytd_vnd / 1000000') }} end
        as kc_disbursed_ytd_mvnd
from year_to_date
