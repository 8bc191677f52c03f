-- KPIs measured from the budget-revenue source (current version of each monthly figure), per
-- plan year Y and as-of month M of Y, for every (Y, M) with a figure for a month of Y up to M.
-- Million VND. At M = December they are the year's values:
--   IND_BUDGET_CONTRIB  Σ amounts of item var('budget_industry_item') ('Trong đó: Công
--                       nghiệp') for the months of Y up to M, billion VND (÷ 1000) (flow); 0
--                       when there are figures but none for industry
--   IND_BUDGET_SHARE    that sum ÷ Σ amounts of item var('budget_total_item') ('Thu ngoài quốc
--                       doanh') for the same months × 100 (a year-to-date ratio); NULL when
--                       there is no total (or a zero one)

with

months as (

    select * from {{ ref('int_budget_revenue__monthly') }}

),

years as (

    select distinct year from months

),

grid as (

    {{ year_months('years') }}

),

year_to_date as (

    select
        grid.year,
        grid.month,
        count(months.period) over ytd as months_with_figures,
        sum(months.industry_mvnd) over ytd as industry_mvnd,
        sum(months.total_mvnd) over ytd as total_mvnd
    from grid
    left join months
        on
            grid.year = months.year
            and grid.month = month(months.period)
    window ytd as ({{ ytd_window('grid') }})

),

measured as (

    select
        year,
        month,
        coalesce(industry_mvnd, 0) / 1000 as ind_budget_contrib,
        coalesce(industry_mvnd, 0) * 100 / nullif(total_mvnd, 0) as ind_budget_share
    from year_to_date
    where months_with_figures > 0

)

{{ unpivot_kpis('measured', {
    'IND_BUDGET_CONTRIB': 'ind_budget_contrib',
    'IND_BUDGET_SHARE': 'ind_budget_share',
}) }}
