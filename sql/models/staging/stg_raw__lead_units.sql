with

source as (

    select * from {{ source('raw', 'lead_units') }}
    where {{ not_held() }}

),

renamed as (

    select
        cast(unit_code as varchar) as lead_unit_code,
        cast(unit_name as varchar) as lead_unit_name,

        {{ stage_lineage() }}

    from source

)

select * from renamed
