with

source as (

    select * from {{ source('raw', 'plan_targets') }}

),

renamed as (

    select
        cast(plan_id as varchar) as plan_id,
        cast(kpi_code as varchar) as kpi_code,
        cast(year as integer) as year,
        cast(kpi_name_vi as varchar) as kpi_name_vi,
        cast(unit as varchar) as unit,
        cast(comparator as varchar) as comparator,
        cast(target_low as double) as target_low,
        cast(target_high as double) as target_high,
        cast(lead_unit as varchar) as lead_unit,

        {{ stage_lineage() }}

    from source

)

select * from renamed
