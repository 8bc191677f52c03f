-- One row per (year, sector) of the economic accounts: the value added used for the year
-- (current prices, million VND), whether it comes from the yearly row or from the sum of the
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
    {{ money('value_added_current_mvnd') }} as value_added_current_mvnd,
    measured_from,
    {{ money('yearly_row_mvnd') }} as yearly_row_mvnd,
    {{ money('quarters_sum_mvnd') }} as quarters_sum_mvnd,
    {{ count_of('quarters_reported') }} as quarters_reported,
    value_added_current_mvnd * 100
    / nullif(sum(value_added_current_mvnd) over (partition by year), 0)
        as share_of_gross_product_pct
from sectors
