with

source as (

    select * from {{ source('ops', 'file_events') }}

),

renamed as (

    select
        cast(run_id as varchar) as run_id,
        cast(source as varchar) as source,
        cast(file_name as varchar) as file_name,
        cast(sha256 as varchar) as sha256,
        cast(status as varchar) as status,
        cast(rows_loaded as bigint) as rows_loaded,
        cast(rows_rejected as bigint) as rows_rejected,
        cast(reason as varchar) as reason,
        cast(recorded_at as timestamp) as recorded_at,
        cast(rows_seen as bigint) as rows_seen,
        cast(rows_set_aside as bigint) as rows_set_aside,
        cast(area_code as varchar) as area_code

    from source

)

select * from renamed
