-- KPI measured from the economic accounts (current version of each figure), per plan year Y
-- and as-of month end M of Y, for every (Y, M) with a figure dated on or before M: a quarter's
-- figure is dated at the end of the quarter, a whole-year row at 31 December.
--   IND_SHARE_ECONOMY  value added of sector var('economy_industry_sector') ('Công nghiệp')
--                      ÷ the district's gross product (the sum over every sector, product
--                      taxes 'Thuế sản phẩm' included) × 100, current prices, the quarters of
--                      Y ended by M (a year-to-date ratio). At M = December, per sector: the
--                      yearly row if there is one, else the sum of its quarters, never both
--                      (the rule of int_economic_accounts__yearly); during the year only
--                      quarters can be dated on or before M.
--                      0 when there are figures but none for industry; no row when no
--                      figure is dated on or before M; a NULL value when the gross product
--                      is zero.
-- The source is small (≤ 25 rows a year and area): every (area, year, sector) is crossed with
-- the 12 months. Per scope (each area and its province, int_area_scopes): each area's figures
-- follow the rule above, then the province's share is Σ industry ÷ Σ gross product.

with

accounts as (

    select * from {{ ref('int_economic_accounts__current') }}

),

months as (

    select cast(unnest(range(1, 13)) as integer) as month

),

sector_months as (

    select
        accounts.area_code,
        accounts.year,
        months.month,
        accounts.sector,
        case
            when months.month = 12 and count(*) filter (where accounts.quarter is null) > 0
                then sum(accounts.value_added_current_mvnd) filter (where accounts.quarter is null)
            else
                sum(accounts.value_added_current_mvnd)
                filter (where accounts.quarter <= months.month // 3)
        end as value_added_current_mvnd,
        count(*) filter (
            where accounts.quarter <= months.month // 3
            or (accounts.quarter is null and months.month = 12)
        ) as figures
    from accounts
    cross join months
    group by accounts.area_code, accounts.year, months.month, accounts.sector

),

measured as (

    select
        scopes.scope_code,
        sector_months.year,
        sector_months.month,
        coalesce(
            sum(sector_months.value_added_current_mvnd)
            filter (where sector_months.sector = '{{ var("economy_industry_sector") }}'),
            0
        ) * 100 / nullif(sum(sector_months.value_added_current_mvnd), 0) as ind_share_economy
    from sector_months
    inner join {{ ref('int_area_scopes') }} as scopes
        on sector_months.area_code = scopes.area_code
    where sector_months.figures > 0
    group by scopes.scope_code, sector_months.year, sector_months.month

)

{{ unpivot_kpis('measured', {
    'IND_SHARE_ECONOMY': 'ind_share_economy',
}) }}
