-- Month calendar covering the data: whole calendar years from the earliest to the latest
-- year among enterprise-report periods, khuyến công decision/disbursement dates, budget-revenue
-- periods and plan years.

with

bounds as (

    select
        min(period) as first_date,
        max(period) as last_date
    from {{ ref('int_enterprise_reports__current') }}

    union all

    select
        min(least(decision_date, coalesce(disbursement_date, decision_date))) as first_date,
        max(greatest(decision_date, coalesce(disbursement_date, decision_date))) as last_date
    from {{ ref('int_khuyen_cong__current') }}

    union all

    select
        min(period) as first_date,
        max(period) as last_date
    from {{ ref('int_budget_revenue__current') }}

    union all

    select
        make_date(min(year), 1, 1) as first_date,
        make_date(max(year), 12, 31) as last_date
    from {{ ref('int_plan_targets__current') }}

),

span as (

    select
        year(min(first_date)) as first_year,
        year(max(last_date)) as last_year
    from bounds

),

months as (

    select
        cast(unnest(generate_series(
            make_date(first_year, 1, 1), make_date(last_year, 12, 1), interval 1 month
        )) as date) as period
    from span

),

plan_years as (

    select distinct year from {{ ref('int_plan_targets__current') }}

)

select
    months.period,
    last_day(months.period) as period_end,
    cast(year(months.period) as integer) as year,
    cast(quarter(months.period) as integer) as quarter,
    cast(month(months.period) as integer) as month,
    strftime(months.period, '%Y-%m') as year_month,
    'Tháng ' || month(months.period) || '/' || year(months.period) as period_label_vi,
    month(months.period) = 12 as is_year_end_month,
    plan_years.year is not null as is_plan_year

from months
left join plan_years
    on year(months.period) = plan_years.year
