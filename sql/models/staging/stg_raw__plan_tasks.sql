with

source as (

    select * from {{ source('raw', 'plan_tasks') }}
    where {{ not_held() }}

),

renamed as (

    select
        -- ids
        cast(task_code as varchar) as task_code,
        cast(report_date as date) as report_date,

        -- task
        cast(task_name as varchar) as task_name,
        cast(lead_unit as varchar) as lead_unit,
        cast(lead_unit_code as varchar) as lead_unit_code,
        cast(partner_units as varchar) as partner_units,
        cast(due_date as date) as due_date,

        -- progress as of report_date
        cast(status as varchar) as status,
        cast(percent_done as double) as percent_done,
        cast(done_date as date) as done_date,

        {{ stage_lineage() }}

    from source

)

select * from renamed
