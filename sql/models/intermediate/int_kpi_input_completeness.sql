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

    select distinct year from {{ ref('int_plan_targets__current') }}

),

grid as (

    {{ year_months('plan_years') }}

),

expected as (

    select
        year,
        cast(month(period) as integer) as month,
        count(*) filter (where is_industrial) as industrial_expected,
        count(*) filter (where is_industrial and is_received) as industrial_received,
        count(*) as all_expected,
        count(*) filter (where is_received) as all_received
    from {{ ref('int_expected_reports') }}
    group by all

),

budget as (

    select
        year,
        cast(month(period) as integer) as month,
        total_mvnd is not null and industry_mvnd is not null as has_both_items
    from {{ ref('int_budget_revenue__monthly') }}

),

economy as (

    select
        year,
        sector,
        count(*) filter (where quarter is null) > 0 as has_yearly_row,
        list(distinct quarter) filter (where quarter is not null) as quarters
    from {{ ref('int_economic_accounts__current') }}
    where
        sector in (
            '{{ sectors | join("', '") }}'
        )
    group by year, sector

),

economy_measured as (

    select
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
        on grid.year = economy.year
    group by grid.year, grid.month

),

year_to_date as (

    select
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
            grid.year = expected.year
            and grid.month = expected.month
    left join budget
        on
            grid.year = budget.year
            and grid.month = budget.month
    window ytd as ({{ ytd_window('grid') }})

),

shares as (

    select
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
            year_to_date.year = economy_measured.year
            and year_to_date.month = economy_measured.month

)

{%- set bases = ['industrial_reports', 'all_reports', 'budget_months', 'economy_sectors'] %}
{% for basis in bases %}
    select
        cast(year as integer) as year,
        cast(month as integer) as month,
        cast('{{ basis }}' as varchar) as completeness_basis,
        cast({{ basis }} as double) as input_completeness
    from shares
    {% if not loop.last %}union all{% endif %}
{%- endfor %}
