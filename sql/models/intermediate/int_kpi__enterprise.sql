-- KPIs measured from enterprise reports, for every year with at least one (current) report:
--   IND_GO_CONST2010, IND_GO_CURRENT  Σ gross output of industrial units, billion VND
--   IND_GO_GROWTH                     (Σ const-2010 output Y ÷ same Y-1 − 1) × 100; NULL when
--                                     Y-1 has no reports or a zero total
--   CAPITAL_OWN                       Σ own-capital investment of all reporting units, billion VND
--   TECH_ADVANCED_SHARE               among industrial units, in each unit's report for its last
--                                     period of Y: % flagged advanced_machinery
--   SUPPORT_IND_ATTRACTED             distinct industrial units flagged supporting_industry in
--                                     zone var('support_ind_zone_code') in a report of Y, whose
--                                     first period ever (all years loaded) is in Y
-- Only the current submission of each (tax_code, period) counts. Money: million VND → ÷ 1000.

with

reports as (

    select * from {{ ref('int_enterprise_reports__current') }}

),

first_periods as (

    -- a unit's first report: its earliest period across all years loaded
    select tax_code, first_period from {{ ref('int_units') }}

),

yearly as (

    select
        year,
        coalesce(sum(gross_output_const2010_mvnd) filter (where is_industrial), 0)
            as go_const2010_mvnd,
        coalesce(sum(gross_output_current_mvnd) filter (where is_industrial), 0)
            as go_current_mvnd,
        coalesce(sum(own_capital_invested_mvnd), 0) as own_capital_mvnd
    from reports
    group by year

),

tech as (

    select
        year,
        count(*) filter (where is_industrial) as industrial_units,
        count(*) filter (where is_industrial and advanced_machinery) as advanced_units
    from reports
    where is_last_period_of_year
    group by year

),

attracted as (

    select
        reports.year,
        count(distinct reports.tax_code) as units
    from reports
    inner join first_periods
        on reports.tax_code = first_periods.tax_code
    where reports.is_industrial
        and reports.supporting_industry
        and reports.zone_code = '{{ var("support_ind_zone_code") }}'
        and year(first_periods.first_period) = reports.year
    group by reports.year

),

measured as (

    select
        yearly.year,
        (yearly.go_const2010_mvnd / nullif(previous.go_const2010_mvnd, 0) - 1) * 100
            as ind_go_growth,
        yearly.go_const2010_mvnd / 1000 as ind_go_const2010,
        yearly.go_current_mvnd / 1000 as ind_go_current,
        tech.advanced_units * 100.0 / nullif(tech.industrial_units, 0) as tech_advanced_share,
        coalesce(attracted.units, 0) as support_ind_attracted,
        yearly.own_capital_mvnd / 1000 as capital_own

    from yearly
    left join yearly as previous
        on previous.year = yearly.year - 1
    left join tech
        on yearly.year = tech.year
    left join attracted
        on yearly.year = attracted.year

)

{{ unpivot_kpis('measured', {
    'IND_GO_GROWTH': 'ind_go_growth',
    'IND_GO_CONST2010': 'ind_go_const2010',
    'IND_GO_CURRENT': 'ind_go_current',
    'TECH_ADVANCED_SHARE': 'tech_advanced_share',
    'SUPPORT_IND_ATTRACTED': 'support_ind_attracted',
    'CAPITAL_OWN': 'capital_own',
}) }}
