-- KPIs measured from the labour source (current version of each spell), for every year the
-- source has records for: at least one spell overlaps the year, and the year is not after the
-- latest date (start or end) the source holds, so open spells are not carried into years no
-- file has spoken about yet.
--   LAB_TRAINED_RATIO  among spells at industrial employers active on 31/12/Y, % trained
--   LAB_NEW_JOBS       headcount at industrial employers on 31/12/Y − same on 31/12/Y-1
--                      (NULL when Y-1 has no records)
--   LAB_AVG_INCOME     Σ monthly wage over worker-months of Y ÷ worker-months × 12 ÷ 10^6,
--                      all spells; a worker-month = a month whose last day lies in
--                      [start_date, coalesce(end_date, ∞)]; spells without a wage are left out
-- Active on d: start_date ≤ d and (end_date is null or end_date ≥ d).
--
-- Scales with the number of spells, never with spells × months: each spell only contributes
-- "enters / leaves" deltas at a year (or month) index; running sums of the deltas over the
-- short year and month series give, for every year/month, how many spells (or how much wage)
-- are active. For a spell:
--   active on 31/12/Y   ⇔  year(start_date) ≤ Y < year(end_date + 1)
--   overlaps year Y     ⇔  year(start_date) ≤ Y < year(end_date) + 1
--   month m counted     ⇔  month_index(start_date) ≤ m < month_index(end_date + 1)
-- (end_date NULL = never leaves).

with

spells as (

    select
        employer_is_industrial,
        is_trained,
        cast(monthly_wage_vnd as decimal(38, 2)) as monthly_wage_vnd,
        end_date is not null as has_ended,
        cast(year(start_date) as integer) as start_year,
        cast(year(end_date) + 1 as integer) as overlap_exit_year,
        cast(year(end_date + 1) as integer) as year_end_exit_year,
        year(start_date) * 12 + month(start_date) - 1 as start_month_index,
        year(end_date + 1) * 12 + month(end_date + 1) - 1 as exit_month_index,
        greatest(start_date, coalesce(end_date, start_date)) as latest_date
    from {{ ref('int_labour_spells__current') }}

),

bounds as (

    select
        min(start_year) as first_year,
        cast(year(max(latest_date)) as integer) as last_year
    from spells

),

years as (

    select cast(unnest(range(first_year, last_year + 1)) as integer) as year
    from bounds

),

months as (

    select unnest(range(first_year * 12, (last_year + 1) * 12)) as month_index
    from bounds

),

year_deltas as (

    select
        year,
        sum(overlapping) as overlapping_delta,
        sum(industrial) as industrial_delta,
        sum(industrial_trained) as industrial_trained_delta
    from (
        select
            start_year as year,
            1 as overlapping,
            case when employer_is_industrial then 1 else 0 end as industrial,
            case when employer_is_industrial and is_trained then 1 else 0 end
                as industrial_trained
        from spells

        union all

        select overlap_exit_year, -1, 0, 0
        from spells
        where has_ended

        union all

        select
            year_end_exit_year,
            0,
            -1,
            case when is_trained then -1 else 0 end
        from spells
        where has_ended and employer_is_industrial
    )
    group by year

),

month_deltas as (

    select
        month_index,
        sum(wage) as wage_delta,
        sum(workers) as workers_delta
    from (
        select start_month_index as month_index, monthly_wage_vnd as wage, 1 as workers
        from spells
        where monthly_wage_vnd is not null

        union all

        select exit_month_index, -monthly_wage_vnd, -1
        from spells
        where monthly_wage_vnd is not null and has_ended
    )
    group by month_index

),

yearly_stocks as (

    select
        years.year,
        sum(coalesce(year_deltas.overlapping_delta, 0)) over running as spells_overlapping,
        sum(coalesce(year_deltas.industrial_delta, 0)) over running as industrial_headcount,
        sum(coalesce(year_deltas.industrial_trained_delta, 0)) over running
            as industrial_trained
    from years
    left join year_deltas
        on years.year = year_deltas.year
    window running as (order by years.year rows between unbounded preceding and current row)

),

monthly_stocks as (

    select
        months.month_index,
        sum(coalesce(month_deltas.wage_delta, 0)) over running as wage_in_month,
        sum(coalesce(month_deltas.workers_delta, 0)) over running as workers_in_month
    from months
    left join month_deltas
        on months.month_index = month_deltas.month_index
    window running as (
        order by months.month_index rows between unbounded preceding and current row
    )

),

yearly_wages as (

    select
        cast(month_index // 12 as integer) as year,
        sum(wage_in_month) as wage_sum_vnd,
        sum(workers_in_month) as worker_months
    from monthly_stocks
    group by 1

),

yearly as (

    -- years the source has records for
    select yearly_stocks.*, yearly_wages.wage_sum_vnd, yearly_wages.worker_months
    from yearly_stocks
    left join yearly_wages
        on yearly_stocks.year = yearly_wages.year
    where yearly_stocks.spells_overlapping > 0

),

measured as (

    select
        yearly.year,
        yearly.industrial_trained * 100.0 / nullif(yearly.industrial_headcount, 0)
            as lab_trained_ratio,
        yearly.industrial_headcount - previous.industrial_headcount as lab_new_jobs,
        cast(yearly.wage_sum_vnd as double) / nullif(yearly.worker_months, 0) * 12 / 1e6
            as lab_avg_income

    from yearly
    left join yearly as previous
        on previous.year = yearly.year - 1

)

{{ unpivot_kpis('measured', {
    'LAB_TRAINED_RATIO': 'lab_trained_ratio',
    'LAB_NEW_JOBS': 'lab_new_jobs',
    'LAB_AVG_INCOME': 'lab_avg_income',
}) }}
