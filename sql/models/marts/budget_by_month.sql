-- One row per reporting area or province (area_code, area_level) and month of the calendar
-- (dim_periods): non-state-sector budget revenue (item var('budget_total_item')), the part of
-- it collected from industry (var('budget_industry_item')) and industry's share, in the month
-- and year to date. Million VND.
-- Months of a year the budget source has no figures for (in the area; in any of the
-- province's areas) are NULL throughout. In a year with figures, a month whose item was not
-- received is NULL (missing, not zero) and adds nothing to the year to date, which is 0 until
-- a figure arrives; so December's year to date equals IND_BUDGET_CONTRIB (industry) and
-- IND_BUDGET_SHARE (share). A province's row sums its areas' figures (int_area_scopes), its
-- shares are ratios of those sums.

with

periods as (

    select * from {{ ref('int_periods') }}

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

budget_years as (

    select distinct
        scopes.scope_code,
        source_years.year
    from {{ ref('int_source_years') }} as source_years
    inner join scopes
        on source_years.area_code = scopes.area_code
    where source_years.source = 'budget_revenue'

),

monthly_revenue as (

    select
        scopes.scope_code,
        revenue.period,
        sum(revenue.total_mvnd) as total_mvnd,
        sum(revenue.industry_mvnd) as industry_mvnd
    from {{ ref('int_budget_revenue__monthly') }} as revenue
    inner join scopes
        on revenue.area_code = scopes.area_code
    group by scopes.scope_code, revenue.period

),

monthly as (

    select
        scope_levels.scope_code,
        scope_levels.scope_level,
        periods.period,
        periods.year,
        periods.month,
        budget_years.year is not null as has_budget_data,
        monthly_revenue.total_mvnd,
        monthly_revenue.industry_mvnd

    from periods
    cross join scope_levels
    left join monthly_revenue
        on
            scope_levels.scope_code = monthly_revenue.scope_code
            and periods.period = monthly_revenue.period
    left join budget_years
        on
            scope_levels.scope_code = budget_years.scope_code
            and periods.year = budget_years.year

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
        partition by scope_code, year
        order by period rows between unbounded preceding and current row
    )

)

select
    scope_code as area_code,
    scope_level as area_level,
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
