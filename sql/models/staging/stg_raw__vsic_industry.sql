with

source as (

    select * from {{ source('raw', 'vsic_industry') }}
    where {{ not_held() }}

),

renamed as (

    select
        cast(division as varchar) as division,
        cast(section as varchar) as section,
        cast(name_vi as varchar) as division_name_vi,

        {{ stage_lineage() }}

    from source

)

select * from renamed
