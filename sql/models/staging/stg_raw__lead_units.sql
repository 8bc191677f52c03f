with

source as (

    select * from {{ source('raw', 'lead_units') }}

),

renamed as (

    select
        cast(unit_code as varchar) as lead_unit_code,
        cast(unit_name as varchar) as lead_unit_name,

        -- lineage
        cast(_file_id as bigint) as file_id,
        cast(_file_seq as bigint) as file_seq,
        cast(_source_row as integer) as source_row,
        cast(_sheet as varchar) as source_sheet,
        cast(_run_id as varchar) as run_id

    from source

)

select * from renamed
