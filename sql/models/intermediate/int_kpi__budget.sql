-- KPIs measured from the budget-revenue source (current version of each monthly figure), for
-- every year the source has figures for (a month with period in the year). Million VND.
--   IND_BUDGET_CONTRIB  Σ amounts of item var('budget_industry_item') ('Trong đó: Công
--                       nghiệp') with period in Y, billion VND (÷ 1000); 0 when Y has figures
--                       but none for industry
--   IND_BUDGET_SHARE    that sum ÷ Σ amounts of item var('budget_total_item') ('Thu ngoài quốc
--                       doanh') with period in Y × 100; NULL when Y has no total (or a zero one)

with

months as (

    select * from {{ ref('int_budget_revenue__monthly') }}

),

measured as (

    select
        year,
        coalesce(sum(industry_mvnd), 0) / 1000 as ind_budget_contrib,
        coalesce(sum(industry_mvnd), 0) * 100 / nullif(sum(total_mvnd), 0) as ind_budget_share
    from months
    group by year

)

{{ unpivot_kpis('measured', {
    'IND_BUDGET_CONTRIB': 'ind_budget_contrib',
    'IND_BUDGET_SHARE': 'ind_budget_share',
}) }}
