-- KPI measured from the plan-tasks source (the latest report of each task), for every year
-- some task is due in:
--   TASKS_ON_TIME  tasks due in Y (due_date) whose latest report has status
--                  var('task_done_status') ('Hoàn thành') with done_date ≤ due_date
--                  ÷ tasks due in Y × 100; NULL (no row) when no task is due in Y.

with

tasks as (

    select * from {{ ref('int_plan_tasks__current') }}

),

measured as (

    select
        due_year as year,
        count(*) filter (where is_done_on_time) * 100.0 / count(*) as tasks_on_time
    from tasks
    where due_year is not null
    group by due_year

)

{{ unpivot_kpis('measured', {
    'TASKS_ON_TIME': 'tasks_on_time',
}) }}
