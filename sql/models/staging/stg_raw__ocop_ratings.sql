with

source as (

    select * from {{ source('raw', 'ocop_ratings') }}
    where {{ not_held() }}

),

renamed as (

    select
        -- ids
        cast(product_code as varchar) as product_code,
        cast(decision_no as varchar) as decision_no,

        -- product and producer
        cast(product_name as varchar) as product_name,
        cast(producer_name as varchar) as producer_name,
        cast(producer_tax_code as varchar) as producer_tax_code,
        cast(commune as varchar) as commune_as_written,
        cast(commune_code as varchar) as commune_code,
        cast(product_group as varchar) as product_group,

        -- rating
        cast(score as integer) as score,
        cast(stars as integer) as stars,
        cast(level as varchar) as level,
        cast(recognised_on as date) as recognised_on,

        {{ stage_lineage() }}

    from source

)

select * from renamed
