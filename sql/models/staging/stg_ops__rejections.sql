with

source as (

    select * from {{ source('ops', 'rejections') }}

),

renamed as (

    select
        cast(run_id as varchar) as run_id,
        cast(file_id as bigint) as file_id,
        cast(source as varchar) as source,
        cast(file_name as varchar) as file_name,
        cast(sheet as varchar) as sheet,
        cast(row_number as integer) as row_number,
        cast(column_name as varchar) as column_name,
        cast(value as varchar) as value,
        cast(rule as varchar) as rule,
        cast(message_vi as varchar) as message_vi,
        cast(message_en as varchar) as message_en

    from source

)

select * from renamed
