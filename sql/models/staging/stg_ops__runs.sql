with

source as (

    select * from {{ source('ops', 'runs') }}

),

renamed as (

    select
        cast(run_id as varchar) as run_id,
        cast(started_at as timestamp) as started_at,
        cast(finished_at as timestamp) as finished_at,
        cast(status as varchar) as run_status,
        cast(plan_id as varchar) as plan_id

    from source

)

select * from renamed
