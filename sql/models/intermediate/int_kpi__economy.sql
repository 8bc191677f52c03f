-- KPI measured from the economic accounts (current version of each figure), for every year
-- the source has figures for:
--   IND_SHARE_ECONOMY  value added of sector var('economy_industry_sector') ('Công nghiệp')
--                      ÷ the district's gross product (the sum over every sector row, product
--                      taxes 'Thuế sản phẩm' included) × 100, current prices, year Y.
--                      Per (year, sector): the yearly row if there is one, else the sum of its
--                      quarters, never both (int_economic_accounts__yearly).
--                      0 when Y has figures but none for industry; NULL when Y has no figures
--                      (no row) or a zero gross product.

with

sectors as (

    select * from {{ ref('int_economic_accounts__yearly') }}

),

measured as (

    select
        year,
        coalesce(
            sum(value_added_current_mvnd)
                filter (where sector = '{{ var("economy_industry_sector") }}'),
            0
        ) * 100 / nullif(sum(value_added_current_mvnd), 0) as ind_share_economy
    from sectors
    group by year

)

{{ unpivot_kpis('measured', {
    'IND_SHARE_ECONOMY': 'ind_share_economy',
}) }}
