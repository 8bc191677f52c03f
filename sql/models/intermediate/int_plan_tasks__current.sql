-- The report that counts for each plan task (its latest), with what it says about timeliness as of
-- the source's as-of date: the latest report_date in the source for the task's area (no task is
-- known to be late beyond what the reports have told).
--   is_done            status is var('task_done_status') ('Hoàn thành')
--   is_done_on_time    done, with done_date on or before due_date (what TASKS_ON_TIME counts)
--   is_overdue         not done and due_date < as_of_date, or done after due_date
--   days_late          done late: done_date − due_date; open and overdue: as_of_date − due_date;
--                      else 0

with

tasks as (

    select * exclude (is_current, report_rank)
    from {{ ref('int_plan_tasks__ranked') }}
    where is_current

),

flagged as (

    select
        *,
        cast(year(due_date) as integer) as due_year,
        max(report_date) over (partition by area_code) as as_of_date,
        coalesce(status = '{{ var("task_done_status") }}', false) as is_done
    from tasks

)

select
    *,
    is_done and coalesce(done_date <= due_date, false) as is_done_on_time,
    case
        when is_done then coalesce(done_date > due_date, false)
        else coalesce(due_date < as_of_date, false)
    end as is_overdue,
    case
        when is_done and done_date > due_date then datediff('day', due_date, done_date)
        when not is_done and due_date < as_of_date then datediff('day', due_date, as_of_date)
        else 0
    end as days_late
from flagged
