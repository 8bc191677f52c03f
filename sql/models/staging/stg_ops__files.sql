with

source as (

    select * from {{ source('ops', 'files') }}

),

renamed as (

    select
        cast(file_id as bigint) as file_id,
        cast(file_seq as bigint) as file_seq,
        cast(source as varchar) as source,
        cast(file_name as varchar) as file_name,
        cast(sha256 as varchar) as sha256,
        cast(size_bytes as bigint) as size_bytes,
        cast(mtime as timestamp) as file_mtime,
        cast(first_run_id as varchar) as first_run_id,
        cast(status as varchar) as file_status,
        cast(sheet as varchar) as sheet,
        cast(rows_loaded as bigint) as rows_loaded,
        cast(rows_rejected as bigint) as rows_rejected,
        cast(reason as varchar) as reason,
        cast(rows_seen as bigint) as rows_seen,
        cast(rows_set_aside as bigint) as rows_set_aside,
        cast(area_code as varchar) as area_code

    from source

)

select * from renamed
