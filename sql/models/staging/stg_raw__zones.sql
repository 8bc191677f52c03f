with

source as (

    select * from {{ source('raw', 'zones') }}

),

renamed as (

    select
        cast(zone_code as varchar) as zone_code,
        cast(zone_name as varchar) as zone_name,
        cast(zone_type as varchar) as zone_type,
        cast(full_name as varchar) as zone_full_name,

        -- lineage
        cast(_file_id as bigint) as file_id,
        cast(_file_seq as bigint) as file_seq,
        cast(_source_row as integer) as source_row,
        cast(_sheet as varchar) as source_sheet,
        cast(_run_id as varchar) as run_id

    from source

)

select * from renamed
