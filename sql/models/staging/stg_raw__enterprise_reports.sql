with

source as (

    select * from {{ source('raw', 'enterprise_reports') }}
    where {{ not_held() }}

),

renamed as (

    select
        -- ids
        cast(tax_code as varchar) as tax_code,
        cast(period as date) as period,

        -- unit
        cast(unit_name as varchar) as unit_name,
        cast(ownership as varchar) as ownership,
        cast(commune as varchar) as commune_as_written,
        cast(commune_code as varchar) as commune_code,
        cast(industrial_zone as varchar) as zone_as_written,
        cast(zone_code as varchar) as zone_code,
        cast(vsic_code as varchar) as vsic_code,

        -- report
        cast(report_date as date) as report_date,

        -- measures (million VND unless stated)
        cast(gross_output_current as decimal(38, 6)) as gross_output_current_mvnd,
        cast(gross_output_const2010 as decimal(38, 6)) as gross_output_const2010_mvnd,
        cast(revenue as decimal(38, 6)) as revenue_mvnd,
        cast(taxes_paid as decimal(38, 6)) as taxes_paid_mvnd,
        cast(own_capital_invested as decimal(38, 6)) as own_capital_invested_mvnd,
        cast(employees as bigint) as employees,
        cast(trained_employees as bigint) as trained_employees,
        cast(avg_monthly_income as decimal(38, 6)) as avg_monthly_income_mvnd,

        -- flags
        cast(advanced_machinery as boolean) as advanced_machinery,
        cast(supporting_industry as boolean) as supporting_industry,

        cast(note as varchar) as note,

        {{ stage_lineage() }}

    from source

)

select * from renamed
