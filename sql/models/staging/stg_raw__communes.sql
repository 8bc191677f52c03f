with

source as (

    select * from {{ source('raw', 'communes') }}

),

renamed as (

    select
        cast(commune_code as varchar) as commune_code,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to,
        cast(commune_name as varchar) as commune_name,
        cast(commune_type as varchar) as commune_type,
        cast(successor_code as varchar) as successor_code,

        -- lineage
        cast(_file_id as bigint) as file_id,
        cast(_file_seq as bigint) as file_seq,
        cast(_source_row as integer) as source_row,
        cast(_sheet as varchar) as source_sheet,
        cast(_run_id as varchar) as run_id

    from source

)

select * from renamed
