-- One row per area and lead unit with plan tasks in the area: how many tasks it leads, how many are
-- done, done on time, and overdue (as of the latest report_date in the area's source), as
-- plan_task_status flags them.

with

tasks as (

    select * from {{ ref('int_plan_tasks__current') }}

),

lead_units as (

    select
        area_code,
        lead_unit_code,
        lead_unit_name
    from {{ ref('int_lead_units__current') }}

),

by_unit as (

    select
        area_code,
        lead_unit_code,
        count(*) as tasks,
        count(*) filter (where is_done) as tasks_done,
        count(*) filter (where is_done_on_time) as tasks_done_on_time,
        count(*) filter (where is_overdue) as tasks_overdue,
        max(as_of_date) as as_of_date
    from tasks
    group by area_code, lead_unit_code

)

select
    by_unit.area_code,
    by_unit.lead_unit_code,
    lead_units.lead_unit_name,
    by_unit.tasks,
    by_unit.tasks_done,
    by_unit.tasks_done_on_time,
    by_unit.tasks_overdue,
    by_unit.as_of_date

from by_unit
left join lead_units
    on
        by_unit.area_code = lead_units.area_code
        and by_unit.lead_unit_code = lead_units.lead_unit_code
