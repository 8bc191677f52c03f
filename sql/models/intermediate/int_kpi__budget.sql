-- KPIs measured from the budget-revenue source (current version of each monthly figure), per
-- plan year Y and as-of month M of Y, for every (Y, M) with a figure for a month of Y up to M.
-- Million VND. At M = December they are the year's values:
--   IND_BUDGET_CONTRIB  Σ amounts of item var('budget_industry_item') ('Trong đó: Công
--                       nghiệp') for the months of Y up to M, billion VND (÷ 1000) (flow); 0
--                       when there are figures but none for industry
--   IND_BUDGET_SHARE    that sum ÷ Σ amounts of item var('budget_total_item') ('Thu ngoài quốc
--                       doanh') for the same months × 100 (a year-to-date ratio); NULL when
--                       there is no total (or a zero one)
-- Per scope (each area and its province, int_area_scopes): the province's sums add up its
-- areas' months, and its share is Σ industry ÷ Σ total, never an average of shares.

with

months as (

    select
        scopes.scope_code,
        area_months.period,
        area_months.year,
        sum(area_months.industry_mvnd) as industry_mvnd,
        sum(area_months.total_mvnd) as total_mvnd
    from {{ ref('int_budget_revenue__monthly') }} as area_months
    inner join {{ ref('int_area_scopes') }} as scopes
        on area_months.area_code = scopes.area_code
    group by scopes.scope_code, area_months.period, area_months.year

),

years as (

    select distinct
        scope_code,
        year
    from months

),

grid as (

    {{ year_months('years') }}

),

year_to_date as (

    select
        grid.scope_code,
        grid.year,
        grid.month,
        count(months.period) over ytd as months_with_figures,
        sum(months.industry_mvnd) over ytd as industry_mvnd,
        sum(months.total_mvnd) over ytd as total_mvnd
    from grid
    left join months
        on
            grid.scope_code = months.scope_code
            and grid.year = months.year
            and grid.month = month(months.period)
    window ytd as ({{ ytd_window('grid') }})

),

measured as (

    select
        scope_code,
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
