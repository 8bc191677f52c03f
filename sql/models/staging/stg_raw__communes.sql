with

source as (

    select * from {{ source('raw', 'communes') }}
    where {{ not_held() }}

),

renamed as (

    select
        cast(commune_code as varchar) as commune_code,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to,
        cast(commune_name as varchar) as commune_name,
        cast(commune_type as varchar) as commune_type,
        cast(successor_code as varchar) as successor_code,

        {{ stage_lineage() }}

    from source

)

select * from renamed
