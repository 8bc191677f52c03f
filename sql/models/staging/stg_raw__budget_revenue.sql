with

source as (

    select * from {{ source('raw', 'budget_revenue') }}
    where {{ not_held() }}

),

renamed as (

    select
        cast(period as date) as period,
        cast(item as varchar) as item,
        cast(amount as decimal(38, 6)) as amount_mvnd,

        {{ stage_lineage() }}

    from source

)

select * from renamed
