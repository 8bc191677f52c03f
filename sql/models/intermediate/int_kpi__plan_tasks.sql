-- KPI measured from the plan-tasks source, per plan year Y and as-of month end M of Y, for
-- every (Y, M) with at least one task due in Y on or before M:
--   TASKS_ON_TIME  tasks due in Y on or before M whose latest report has status
--                  var('task_done_status') ('Hoàn thành') with done_date ≤ due_date
--                  ÷ those tasks × 100. At M = 31 December: the tasks due in Y.
-- The latest report of a task: among its reports dated on or before the effective as-of date
-- (int_as_of; a progress report is dated by its report_date), the one ranked first (latest
-- report_date, then later file, then later row; int_plan_tasks__ranked); its due date is the
-- one that counts. A task none of whose reports is dated by then is not known yet. Reports
-- made after the plan year count when they are not after the as-of date: the January round
-- is how a task due in December is known to be done.
-- Each task counts from the month it falls due (running sums over the months of its year).

with

as_of as (

    select as_of_date from {{ ref('int_as_of') }}

),

latest as (

    select
        reports.area_code,
        reports.task_code,
        reports.due_date,
        coalesce(reports.status = '{{ var("task_done_status") }}', false)
        and coalesce(reports.done_date <= reports.due_date, false) as is_done_on_time
    from {{ ref('int_plan_tasks__ranked') }} as reports
    cross join as_of
    where reports.report_date <= as_of.as_of_date
    qualify row_number() over (
        partition by reports.area_code, reports.task_code order by reports.report_rank
    ) = 1

),

falling_due as (

    select
        scopes.scope_code,
        cast(year(latest.due_date) as integer) as year,
        cast(month(latest.due_date) as integer) as month,
        count(*) as tasks_due,
        count(*) filter (where latest.is_done_on_time) as tasks_done_on_time
    from latest
    inner join {{ ref('int_area_scopes') }} as scopes
        on latest.area_code = scopes.area_code
    where latest.due_date is not null
    group by all

),

years as (

    select distinct
        scope_code,
        year
    from falling_due

),

grid as (

    {{ year_months('years') }}

),

year_to_date as (

    select
        grid.scope_code,
        grid.year,
        grid.month,
        sum(coalesce(falling_due.tasks_due, 0)) over ytd as tasks_due,
        sum(coalesce(falling_due.tasks_done_on_time, 0)) over ytd as tasks_done_on_time
    from grid
    left join falling_due
        on
            grid.scope_code = falling_due.scope_code
            and grid.year = falling_due.year
            and grid.month = falling_due.month
    window ytd as ({{ ytd_window('grid') }})

),

measured as (

    select
        scope_code,
        year,
        month,
        tasks_done_on_time * 100.0 / tasks_due as tasks_on_time
    from year_to_date
    where tasks_due > 0

)

{{ unpivot_kpis('measured', {
    'TASKS_ON_TIME': 'tasks_on_time',
}) }}
