-- How complete the inputs of the KPIs are, per plan year Y, as-of month M of Y and
-- completeness basis (kpi_catalog.completeness_basis), as a share 0–1 (not a percentage):
--   industrial_reports  monthly enterprise reports received ÷ expected, industrial units
--                       (int_expected_reports.is_industrial), periods of Y up to M
--   all_reports         the same over all reporting units (CAPITAL_OWN)
--                       (expected / received as int_expected_reports decides them: a unit is
--                       expected from its first reported month until taken as closed); NULL
--                       when no report is expected
--   budget_months       months of Y up to M with a figure for both items (var budget_total_item
--                       and var budget_industry_item) ÷ M's month number (the months elapsed)
--   economy_sectors     sectors of var('economy_sectors') measured ÷ their number (5): at M =
--                       December a sector is measured when it has its yearly row or all four
--                       quarters; before, when it has every quarter ended by M; NULL while no
--                       quarter has ended (January, February)
-- KPIs from labour spells, khuyến công, OCOP and plan tasks have no expected reporting to
-- measure against (events and registers, not periodic reports): no basis, NULL.
-- One row per (basis, year, month) for every plan year.

{%- set sectors = var('economy_sectors') %}

with

plan_years as (

    -- every scope (area and province) in every plan year
    select distinct
        scopes.scope_code,
        targets.year
    from {{ ref('int_plan_targets__current') }} as targets
    cross join {{ ref('int_area_scopes') }} as scopes

),

grid as (

    {{ year_months('plan_years') }}

),

expected as (

    select
        scopes.scope_code,
        expected_reports.year,
        cast(month(expected_reports.period) as integer) as month,
        count(*) filter (where expected_reports.is_industrial) as industrial_expected,
        count(*) filter (where expected_reports.is_industrial and expected_reports.is_received)
            as industrial_received,
        count(*) as all_expected,
        count(*) filter (where expected_reports.is_received) as all_received
    from {{ ref('int_expected_reports') }} as expected_reports
    inner join {{ ref('int_area_scopes') }} as scopes
        on expected_reports.area_code = scopes.area_code
    group by all

),

budget as (

    -- a month is complete for a province when every area with figures has both items
    select
        scopes.scope_code,
        area_months.year,
        cast(month(area_months.period) as integer) as month,
        bool_and(area_months.total_mvnd is not null and area_months.industry_mvnd is not null)
            as has_both_items
    from {{ ref('int_budget_revenue__monthly') }} as area_months
    inner join {{ ref('int_area_scopes') }} as scopes
        on area_months.area_code = scopes.area_code
    group by all

),

economy as (

    select
        scopes.scope_code,
        accounts.year,
        accounts.sector,
        count(*) filter (where accounts.quarter is null) > 0 as has_yearly_row,
        list(distinct accounts.quarter) filter (where accounts.quarter is not null) as quarters
    from {{ ref('int_economic_accounts__current') }} as accounts
    inner join {{ ref('int_area_scopes') }} as scopes
        on accounts.area_code = scopes.area_code
    where
        accounts.sector in (
            '{{ sectors | join("', '") }}'
        )
    group by scopes.scope_code, accounts.year, accounts.sector

),

economy_measured as (

    select
        grid.scope_code,
        grid.year,
        grid.month,
        count(economy.sector) filter (
            where (grid.month = 12 and economy.has_yearly_row)
            or len(list_filter(
                coalesce(economy.quarters, []), q -> q <= grid.month // 3
            )) = grid.month // 3
        ) as sectors_measured
    from grid
    left join economy
        on
            grid.scope_code = economy.scope_code
            and grid.year = economy.year
    group by grid.scope_code, grid.year, grid.month

),

year_to_date as (

    select
        grid.scope_code,
        grid.year,
        grid.month,
        sum(coalesce(expected.industrial_expected, 0)) over ytd as industrial_expected,
        sum(coalesce(expected.industrial_received, 0)) over ytd as industrial_received,
        sum(coalesce(expected.all_expected, 0)) over ytd as all_expected,
        sum(coalesce(expected.all_received, 0)) over ytd as all_received,
        sum(case when budget.has_both_items then 1 else 0 end) over ytd
            as budget_months_complete
    from grid
    left join expected
        on
            grid.scope_code = expected.scope_code
            and grid.year = expected.year
            and grid.month = expected.month
    left join budget
        on
            grid.scope_code = budget.scope_code
            and grid.year = budget.year
            and grid.month = budget.month
    window ytd as ({{ ytd_window('grid') }})

),

shares as (

    select
        year_to_date.scope_code,
        year_to_date.year,
        year_to_date.month,
        year_to_date.industrial_received / nullif(year_to_date.industrial_expected, 0)
            as industrial_reports,
        year_to_date.all_received / nullif(year_to_date.all_expected, 0) as all_reports,
        year_to_date.budget_months_complete / year_to_date.month as budget_months,
        case
            when year_to_date.month >= 3 then
                economy_measured.sectors_measured / {{ sectors | length }}
        end as economy_sectors
    from year_to_date
    left join economy_measured
        on
            year_to_date.scope_code = economy_measured.scope_code
            and year_to_date.year = economy_measured.year
            and year_to_date.month = economy_measured.month

)

{%- set bases = ['industrial_reports', 'all_reports', 'budget_months', 'economy_sectors'] %}
{% for basis in bases %}
    select
        cast(scope_code as varchar) as area_code,
        cast(year as integer) as year,
        cast(month as integer) as month,
        cast('{{ basis }}' as varchar) as completeness_basis,
        cast({{ basis }} as double) as input_completeness
    from shares
    {% if not loop.last %}union all{% endif %}
{%- endfor %}
