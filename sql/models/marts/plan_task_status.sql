-- One row per plan task (area_code, task_code): its latest progress report (earlier reports are
-- history in int_plan_tasks__ranked), whether it is done, done on time, overdue, and by how many
-- days, as of the latest report_date in the source for the area (as_of_date).

with

tasks as (

    select * from {{ ref('int_plan_tasks__current') }}

)

select
    area_code,
    task_code,
    task_name,
    lead_unit,
    lead_unit_code,
    partner_units,
    due_date,
    due_year,
    report_date,
    status,
    percent_done,
    done_date,
    is_done,
    is_done_on_time,
    is_overdue,
    days_late,
    as_of_date,
    report_count,
    {{ lineage_columns() }}
from tasks
