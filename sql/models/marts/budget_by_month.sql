-- One row per month of the calendar (dim_periods): non-state-sector budget revenue (item
-- var('budget_total_item')), the part of it collected from industry (var('budget_industry_item'))
-- and industry's share, in the month and year to date. Billion VND.
-- Months of a year the budget source has no figures for are NULL throughout. In a year with
-- figures, a month whose item was not received is NULL (missing, not zero) and adds nothing to
-- the year to date, which is 0 until a figure arrives; so December's year to date equals
-- IND_BUDGET_CONTRIB (industry) and IND_BUDGET_SHARE (share).

with

periods as (

    select * from {{ ref('int_periods') }}

),

budget_years as (

    select year from {{ ref('int_source_years') }}
    where source = 'budget_revenue'

),

monthly_revenue as (

    select * from {{ ref('int_budget_revenue__monthly') }}

),

monthly as (

    select
        periods.period,
        periods.year,
        periods.month,
        budget_years.year is not null as has_budget_data,
        monthly_revenue.total_mvnd,
        monthly_revenue.industry_mvnd

    from periods
    left join monthly_revenue
        on periods.period = monthly_revenue.period
    left join budget_years
        on periods.year = budget_years.year

),

year_to_date as (

    select
        *,
        case when has_budget_data then coalesce(sum(total_mvnd) over ytd, 0) end
            as total_ytd_mvnd,
        case when has_budget_data then coalesce(sum(industry_mvnd) over ytd, 0) end
            as industry_ytd_mvnd
    from monthly
    window ytd as (
        partition by year order by period rows between unbounded preceding and current row
    )

)

select
    period,
    year,
    month,
    {{ money('total_mvnd') }} as non_state_revenue_mvnd,
    {{ money('industry_mvnd') }} as industry_revenue_mvnd,
    industry_mvnd * 100 / nullif(total_mvnd, 0) as industry_share_pct,
    {{ money('total_ytd_mvnd') }} as non_state_revenue_ytd_mvnd,
    {{ money('industry_ytd_mvnd') }} as industry_revenue_ytd_mvnd,
    industry_ytd_mvnd * 100 / nullif(total_ytd_mvnd, 0) as industry_share_ytd_pct
from year_to_date
