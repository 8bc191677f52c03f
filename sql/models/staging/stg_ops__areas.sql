with

source as (

    select * from {{ source('ops', 'areas') }}

),

renamed as (

    select
        cast(area_code as varchar) as area_code,
        cast(area_name as varchar) as area_name,
        cast(level as varchar) as area_level,
        cast(province_code as varchar) as province_code,
        cast(province_name as varchar) as province_name,
        cast(folder as varchar) as folder

    from source

)

select * from renamed
