-- KPIs measured from enterprise reports, per scope (each area, and its province:
-- int_area_scopes), plan year Y and as-of month M of Y (the value
-- with the reports whose period is in Y and not after M), for every (Y, M) with at least one
-- (current) report of Y up to M. At M = December they are the year's values:
--   IND_GO_CONST2010, IND_GO_CURRENT  Σ gross output of industrial units, billion VND (flow)
--   IND_GO_GROWTH                     (Σ const-2010 output Y up to M ÷ same for the same
--                                     months of Y-1 − 1) × 100; NULL when Y-1 has no reports
--                                     in those months or a zero total
--   CAPITAL_OWN                       Σ own-capital investment of all reporting units, billion
--                                     VND (flow)
--   TECH_ADVANCED_SHARE               among industrial units, in each unit's report for its
--                                     last period of Y up to M: % flagged advanced_machinery
--   SUPPORT_IND_ATTRACTED             distinct industrial units flagged supporting_industry in
--                                     zone var('support_ind_zone_code') in a report of Y up to
--                                     M, whose first period ever (all years loaded) is in Y
-- Only the current submission of each (tax_code, period) counts (a resubmission dated after M
-- still replaces the figure of its period: periods, not report dates, are what is "up to M").
-- Money: million VND → ÷ 1000.
-- Province: sums add up the areas' reports (a unit registered in two areas reports its branch
-- in each); a unit counts once in TECH_ADVANCED_SHARE and SUPPORT_IND_ATTRACTED: in a period,
-- industrial / advanced if any of its areas' reports says so; attracted from its first period
-- in any of the province's areas.
--
-- Scales with the number of reports, never with reports × months: figures are summed per
-- (year, month), then running sums over the twelve months give every month's year to date.
-- "Each unit's latest report up to M" is the same kind of running sum: a report enters the
-- count in its month and takes its unit's previous report of the year out (lag over the unit's
-- periods). A unit's first period ever is not after any of its reports, so taking it over all
-- years loaded is the same as taking it over the periods up to M.

with

reports as (

    select
        scopes.scope_code,
        current_reports.*
    from {{ ref('int_enterprise_reports__current') }} as current_reports
    inner join {{ ref('int_area_scopes') }} as scopes
        on current_reports.area_code = scopes.area_code

),

first_periods as (

    select
        scope_code,
        tax_code,
        min(period) as first_period
    from reports
    group by scope_code, tax_code

),

monthly as (

    select
        scope_code,
        year,
        cast(month(period) as integer) as month,
        count(*) as reports,
        coalesce(sum(gross_output_const2010_mvnd) filter (where is_industrial), 0)
            as go_const2010_mvnd,
        coalesce(sum(gross_output_current_mvnd) filter (where is_industrial), 0)
            as go_current_mvnd,
        coalesce(sum(own_capital_invested_mvnd), 0) as own_capital_mvnd
    from reports
    group by all

),

latest_report_changes as (

    -- +1 when a unit's report becomes its latest of the year, −1 for the one it replaces
    select
        scope_code,
        year,
        cast(month(period) as integer) as month,
        sum(industrial - coalesce(previous_industrial, 0)) as industrial_units_delta,
        sum(advanced - coalesce(previous_advanced, 0)) as advanced_units_delta
    from (
        select
            scope_code,
            year,
            period,
            industrial,
            advanced,
            lag(industrial) over unit_year as previous_industrial,
            lag(advanced) over unit_year as previous_advanced
        from (
            -- one row per unit and period (a unit in two areas: any of its reports)
            select
                scope_code,
                tax_code,
                year,
                period,
                max(case when is_industrial then 1 else 0 end) as industrial,
                max(case when is_industrial and advanced_machinery then 1 else 0 end)
                    as advanced
            from reports
            group by scope_code, tax_code, year, period
        ) as flags
        window unit_year as (partition by scope_code, tax_code, year order by period)
    ) as changes
    group by all

),

attracted as (

    -- each attracted unit counts from the first month of Y it qualifies in
    select
        scope_code,
        year,
        month,
        count(*) as units
    from (
        select
            reports.scope_code,
            reports.year,
            reports.tax_code,
            cast(min(month(reports.period)) as integer) as month
        from reports
        inner join first_periods
            on
                reports.scope_code = first_periods.scope_code
                and reports.tax_code = first_periods.tax_code
        where
            reports.is_industrial
            and reports.supporting_industry
            and reports.zone_code = '{{ var("support_ind_zone_code") }}'
            and year(first_periods.first_period) = reports.year
        group by reports.scope_code, reports.year, reports.tax_code
    ) as first_months
    group by all

),

years as (

    select distinct
        scope_code,
        year
    from monthly

),

grid as (

    {{ year_months('years') }}

),

year_to_date as (

    select
        grid.scope_code,
        grid.year,
        grid.month,
        sum(coalesce(monthly.reports, 0)) over ytd as reports,
        sum(coalesce(monthly.go_const2010_mvnd, 0)) over ytd as go_const2010_mvnd,
        sum(coalesce(monthly.go_current_mvnd, 0)) over ytd as go_current_mvnd,
        sum(coalesce(monthly.own_capital_mvnd, 0)) over ytd as own_capital_mvnd,
        sum(coalesce(latest_report_changes.industrial_units_delta, 0)) over ytd
            as industrial_units,
        sum(coalesce(latest_report_changes.advanced_units_delta, 0)) over ytd
            as advanced_units,
        sum(coalesce(attracted.units, 0)) over ytd as attracted_units

    from grid
    left join monthly
        on
            grid.scope_code = monthly.scope_code
            and grid.year = monthly.year
            and grid.month = monthly.month
    left join latest_report_changes
        on
            grid.scope_code = latest_report_changes.scope_code
            and grid.year = latest_report_changes.year
            and grid.month = latest_report_changes.month
    left join attracted
        on
            grid.scope_code = attracted.scope_code
            and grid.year = attracted.year
            and grid.month = attracted.month
    window ytd as ({{ ytd_window('grid') }})

),

measured as (

    select
        current_year.scope_code,
        current_year.year,
        current_year.month,
        (current_year.go_const2010_mvnd / nullif(previous_year.go_const2010_mvnd, 0) - 1) * 100
            as ind_go_growth,
        current_year.go_const2010_mvnd / 1000 as ind_go_const2010,
        current_year.go_current_mvnd / 1000 as ind_go_current,
        current_year.advanced_units * 100.0 / nullif(current_year.industrial_units, 0)
            as tech_advanced_share,
        current_year.attracted_units as support_ind_attracted,
        current_year.own_capital_mvnd / 1000 as capital_own

    from year_to_date as current_year
    left join year_to_date as previous_year
        on
            current_year.scope_code = previous_year.scope_code
            and previous_year.year = current_year.year - 1
            and current_year.month = previous_year.month
            and previous_year.reports > 0
    where current_year.reports > 0

)

{{ unpivot_kpis('measured', {
    'IND_GO_GROWTH': 'ind_go_growth',
    'IND_GO_CONST2010': 'ind_go_const2010',
    'IND_GO_CURRENT': 'ind_go_current',
    'TECH_ADVANCED_SHARE': 'tech_advanced_share',
    'SUPPORT_IND_ATTRACTED': 'support_ind_attracted',
    'CAPITAL_OWN': 'capital_own',
}) }}
