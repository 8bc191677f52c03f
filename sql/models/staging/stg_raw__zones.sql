with

source as (

    select * from {{ source('raw', 'zones') }}
    where {{ not_held() }}

),

renamed as (

    select
        cast(zone_code as varchar) as zone_code,
        cast(zone_name as varchar) as zone_name,
        cast(zone_type as varchar) as zone_type,
        cast(full_name as varchar) as zone_full_name,

        {{ stage_lineage() }}

    from source

)

select * from renamed
