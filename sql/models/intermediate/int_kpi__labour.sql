-- KPIs measured from the labour source (current version of each spell), per plan year Y and
-- as-of month end M of Y, for every (Y, M) the source has records for: at least one spell
-- starts or ends within [1 January Y, M] (so open spells are not carried into months no file
-- has spoken about yet). At M = 31 December they are the year's values:
--   LAB_TRAINED_RATIO  among spells at industrial employers active on M, % trained
--   LAB_NEW_JOBS       headcount at industrial employers on M − same on 31/12/Y-1
--                      (NULL when Y-1 has no records)
--   LAB_AVG_INCOME     Σ monthly wage over worker-months of Y up to M ÷ worker-months × 12
--                      ÷ 10^6, spells at industrial employers (the plan speaks of labour in
--                      industry); a worker-month = a month whose last day lies in
--                      [start_date, coalesce(end_date, ∞)]; spells without a wage are left out
-- Active on d: start_date ≤ d and (end_date is null or end_date ≥ d). A spell that ends after M
-- is active on M: only what happened up to M counts.
--
-- Scales with the number of spells, never with spells × months: each spell only contributes
-- "enters / leaves" deltas at a month index; running sums of the deltas over the short month
-- series give, for every month end, how many spells (or how much wage) are active. For a spell
-- (month index = year × 12 + month − 1, end_date NULL = never leaves):
--   active on the last day of month m  ⇔  month_index(start_date) ≤ m < month_index(end_date + 1)
-- Per scope (each area and its province, int_area_scopes): the province's headcounts, trained
-- workers, wages and worker-months are the sums of its areas' (ratios of sums, never averages).

with

spells as (

    select
        scopes.scope_code,
        current_spells.employer_is_industrial,
        current_spells.is_trained,
        -- LAB_AVG_INCOME counts only spells at industrial employers
        case when employer_is_industrial then cast(monthly_wage_vnd as decimal(38, 2)) end
            as industrial_wage,
        end_date is not null as has_ended,
        year(start_date) * 12 + month(start_date) - 1 as start_month_index,
        year(end_date) * 12 + month(end_date) - 1 as end_month_index,
        year(end_date + 1) * 12 + month(end_date + 1) - 1 as exit_month_index,
        cast(year(start_date) as integer) as start_year,
        greatest(start_date, coalesce(end_date, start_date)) as latest_date
    from {{ ref('int_labour_spells__current') }} as current_spells
    inner join {{ ref('int_area_scopes') }} as scopes
        on current_spells.area_code = scopes.area_code

),

bounds as (

    select
        scope_code,
        min(start_year) as first_year,
        cast(year(max(latest_date)) as integer) as last_year
    from spells
    group by scope_code

),

months as (

    select
        scope_code,
        unnest(range(first_year * 12, (last_year + 1) * 12)) as month_index
    from bounds

),

month_deltas as (

    select
        scope_code,
        month_index,
        sum(wage) as wage_delta,
        sum(workers) as workers_delta,
        sum(industrial) as industrial_delta,
        sum(industrial_trained) as industrial_trained_delta,
        sum(dated_events) as dated_events
    from (
        -- a spell enters at its start month ...
        select
            scope_code,
            start_month_index as month_index,
            industrial_wage as wage,
            case when industrial_wage is not null then 1 else 0 end as workers,
            case when employer_is_industrial then 1 else 0 end as industrial,
            case when employer_is_industrial and is_trained then 1 else 0 end
                as industrial_trained,
            1 as dated_events
        from spells

        union all

        -- ... leaves after the month of its end date ...
        select
            scope_code,
            exit_month_index as month_index,
            -industrial_wage as wage,
            case when industrial_wage is not null then -1 else 0 end as workers,
            case when employer_is_industrial then -1 else 0 end as industrial,
            case when employer_is_industrial and is_trained then -1 else 0 end
                as industrial_trained,
            0 as dated_events
        from spells
        where has_ended

        union all

        -- ... and its end date is something the source said about that month
        select
            scope_code,
            end_month_index as month_index,
            null as wage,
            0 as workers,
            0 as industrial,
            0 as industrial_trained,
            1 as dated_events
        from spells
        where has_ended
    ) as spell_events
    group by scope_code, month_index

),

monthly_stocks as (

    select
        months.scope_code,
        cast(months.month_index // 12 as integer) as year,
        cast(months.month_index % 12 + 1 as integer) as month,
        sum(coalesce(month_deltas.wage_delta, 0)) over running as wage_in_month,
        sum(coalesce(month_deltas.workers_delta, 0)) over running as workers_in_month,
        sum(coalesce(month_deltas.industrial_delta, 0)) over running as industrial_headcount,
        sum(coalesce(month_deltas.industrial_trained_delta, 0)) over running
            as industrial_trained,
        coalesce(month_deltas.dated_events, 0) as dated_events
    from months
    left join month_deltas
        on
            months.scope_code = month_deltas.scope_code
            and months.month_index = month_deltas.month_index
    window running as (
        partition by months.scope_code
        order by months.month_index rows between unbounded preceding and current row
    )

),

year_to_date as (

    select
        scope_code,
        year,
        month,
        industrial_headcount,
        industrial_trained,
        sum(wage_in_month) over ytd as wage_sum_vnd,
        sum(workers_in_month) over ytd as worker_months,
        sum(dated_events) over ytd as dated_events
    from monthly_stocks
    window ytd as ({{ ytd_window() }})

),

measured as (

    select
        current_year.scope_code,
        current_year.year,
        current_year.month,
        current_year.industrial_trained * 100.0 / nullif(current_year.industrial_headcount, 0)
            as lab_trained_ratio,
        current_year.industrial_headcount - previous_year_end.industrial_headcount
            as lab_new_jobs,
        cast(current_year.wage_sum_vnd as double) / nullif(current_year.worker_months, 0)
        * 12 / 1e6 as lab_avg_income

    from year_to_date as current_year
    left join year_to_date as previous_year_end
        on
            current_year.scope_code = previous_year_end.scope_code
            and previous_year_end.year = current_year.year - 1
            and previous_year_end.month = 12
            and previous_year_end.dated_events > 0
    where current_year.dated_events > 0

)

{{ unpivot_kpis('measured', {
    'LAB_TRAINED_RATIO': 'lab_trained_ratio',
    'LAB_NEW_JOBS': 'lab_new_jobs',
    'LAB_AVG_INCOME': 'lab_avg_income',
}) }}
