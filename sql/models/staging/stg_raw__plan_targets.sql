{#-
  raw.plan_targets gained a nullable `note` column (docs/sources.md, reference data). Ingestion creates
  the table with `create table if not exists`, so a private warehouse created before that
  still lacks it: the column is then staged as NULL.
-#}
{%- set has_note = false -%}
{%- if execute -%}
    {%- set raw_columns = adapter.get_columns_in_relation(source('raw', 'plan_targets'))
        | map(attribute='name') | map('lower') | list -%}
    {%- set has_note = 'note' in raw_columns -%}
{%- endif %}

with

source as (

    select * from {{ source('raw', 'plan_targets') }}
    where {{ not_held() }}

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
        {% if has_note -%}
        cast(note as varchar) as note,
        {%- else -%}
            cast(null as varchar) as note,
        {%- endif %}

        {{ stage_lineage() }}

    from source

)

select * from renamed
