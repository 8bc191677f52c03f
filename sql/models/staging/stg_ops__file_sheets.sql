with

source as (

    select * from {{ source('ops', 'file_sheets') }}

),

renamed as (

    select
        cast(file_id as bigint) as file_id,
        cast(sheet_no as integer) as sheet_no,
        cast(sheet as varchar) as sheet,
        cast(rows_seen as bigint) as rows_seen,
        cast(rows_loaded as bigint) as rows_loaded,
        cast(rows_rejected as bigint) as rows_rejected,
        cast(rows_blank as bigint) as rows_blank,
        cast(rows_total as bigint) as rows_total,
        cast(rows_subtotal as bigint) as rows_subtotal,
        cast(rows_repeated_header as bigint) as rows_repeated_header

    from source

)

select * from renamed
