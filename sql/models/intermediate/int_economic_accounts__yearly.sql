-- Value added of each sector for each area and year (current prices, million VND), one row per
-- (area_code, year, sector) with any figure. A year is measured from its yearly row where there is
-- one, otherwise from the sum of its quarters, never both: decided per (area_code, year, sector).
-- Both figures are kept so that a yearly row disagreeing with its quarters can be seen.

with

accounts as (

    select * from {{ ref('int_economic_accounts__current') }}

),

by_sector as (

    select
        area_code,
        year,
        sector,
        -- at most one yearly row per (year, sector): the key is (area_code, year, quarter, sector)
        sum(value_added_current_mvnd) filter (where quarter is null) as yearly_row_mvnd,
        sum(value_added_current_mvnd) filter (where quarter is not null) as quarters_sum_mvnd,
        count(*) filter (where quarter is null) > 0 as has_yearly_row,
        count(*) filter (where quarter is not null) as quarters_reported
    from accounts
    group by area_code, year, sector

)

select
    area_code,
    year,
    sector,
    case when has_yearly_row then yearly_row_mvnd else quarters_sum_mvnd end
        as value_added_current_mvnd,
    case when has_yearly_row then 'yearly_row' else 'quarters' end as measured_from,
    yearly_row_mvnd,
    quarters_sum_mvnd,
    quarters_reported
from by_sector
