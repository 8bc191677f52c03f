-- One row per (year, sector) of the economic accounts: the value added used for the year
-- (current prices, billion VND), whether it comes from the yearly row or from the sum of the
-- quarters (never both), both figures, and the sector's share of the district's gross product
-- (all sectors, product taxes included). The share of var('economy_industry_sector') is
-- IND_SHARE_ECONOMY.

with

sectors as (

    select * from {{ ref('int_economic_accounts__yearly') }}

)

select
    year,
    sector,
    value_added_current_mvnd / 1000 as value_added_current_bn_vnd,
    measured_from,
    yearly_row_mvnd / 1000 as yearly_row_bn_vnd,
    quarters_sum_mvnd / 1000 as quarters_sum_bn_vnd,
    quarters_reported,
    value_added_current_mvnd * 100
        / nullif(sum(value_added_current_mvnd) over (partition by year), 0)
        as share_of_gross_product_pct
from sectors
