with

source as (

    select * from {{ source('raw', 'khuyen_cong') }}
    where {{ not_held() }}

),

renamed as (

    select
        -- ids
        cast(decision_no as varchar) as decision_no,
        cast(beneficiary_tax_code as varchar) as beneficiary_tax_code,

        -- scheme
        cast(decision_date as date) as decision_date,
        cast(scheme_name as varchar) as scheme_name,
        cast(beneficiary_name as varchar) as beneficiary_name,
        cast(commune as varchar) as commune_as_written,
        cast(commune_code as varchar) as commune_code,
        cast(fund_source as varchar) as fund_source,
        cast(support_type as varchar) as support_type,

        -- amounts (VND)
        cast(scheme_cost as decimal(38, 6)) as scheme_cost_vnd,
        cast(approved_amount as decimal(38, 6)) as approved_amount_vnd,
        cast(disbursed_amount as decimal(38, 6)) as disbursed_amount_vnd,
        cast(disbursement_date as date) as disbursement_date,

        {{ stage_lineage() }}

    from source

)

select * from renamed
