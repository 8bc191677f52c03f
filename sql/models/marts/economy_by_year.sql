-- One row per reporting area or province (area_code, area_level), year and sector of the
-- economic accounts: the value added used for the year (current prices, million VND),
-- whether it comes from the yearly row or from the sum of the quarters (never both), both
-- figures, and the sector's share of the area's gross product (all sectors, product taxes
-- included). The share of var('economy_industry_sector') is IND_SHARE_ECONOMY.
-- A province's row sums its areas' figures (int_area_scopes): measured_from 'mixed' when its
-- areas measured the sector differently, quarters_reported the fewest any of them reported.

with

sectors as (

    select * from {{ ref('int_economic_accounts__yearly') }}

),

scopes as (

    select * from {{ ref('int_area_scopes') }}

),

scoped as (

    select
        scopes.scope_code,
        scopes.scope_level,
        sectors.year,
        sectors.sector,
        sum(sectors.value_added_current_mvnd) as value_added_current_mvnd,
        case
            when min(sectors.measured_from) = max(sectors.measured_from)
                then min(sectors.measured_from)
            else 'mixed'
        end as measured_from,
        sum(sectors.yearly_row_mvnd) as yearly_row_mvnd,
        sum(sectors.quarters_sum_mvnd) as quarters_sum_mvnd,
        min(sectors.quarters_reported) as quarters_reported
    from sectors
    inner join scopes
        on sectors.area_code = scopes.area_code
    group by scopes.scope_code, scopes.scope_level, sectors.year, sectors.sector

)

select
    scope_code as area_code,
    scope_level as area_level,
    year,
    sector,
    {{ money('value_added_current_mvnd') }} as value_added_current_mvnd,
    measured_from,
    {{ money('yearly_row_mvnd') }} as yearly_row_mvnd,
    {{ money('quarters_sum_mvnd') }} as quarters_sum_mvnd,
    {{ count_of('quarters_reported') }} as quarters_reported,
    value_added_current_mvnd * 100
    / nullif(sum(value_added_current_mvnd) over (partition by scope_code, year), 0)
        as share_of_gross_product_pct
from scoped
