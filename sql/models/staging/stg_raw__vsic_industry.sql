with

source as (

    select * from {{ source('raw', 'vsic_industry') }}

),

renamed as (

    select
        cast(division as varchar) as division,
        cast(section as varchar) as section,
        cast(name_vi as varchar) as division_name_vi,

        -- lineage
        cast(_file_id as bigint) as file_id,
        cast(_file_seq as bigint) as file_seq,
        cast(_source_row as integer) as source_row,
        cast(_sheet as varchar) as source_sheet,
        cast(_run_id as varchar) as run_id

    from source

)

select * from renamed
