with

source as (

    select * from {{ source('raw', 'economic_accounts') }}
    where {{ not_held() }}

),

renamed as (

    select
        cast(year as integer) as year,
        cast(quarter as integer) as quarter,
        cast(sector as varchar) as sector,
        cast(value_added_current as decimal(38, 6)) as value_added_current_mvnd,

        {{ stage_lineage() }}

    from source

)

select * from renamed
