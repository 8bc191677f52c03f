with

source as (

    select * from {{ source('raw', 'labour_spells') }}
    where {{ not_held() }}

),

renamed as (

    select
        -- ids (the pseudonym is an HMAC of the citizen ID; the clear ID never reaches the
        -- warehouse)
        cast(citizen_pseudonym as varchar) as citizen_pseudonym,
        cast(employer_tax_code as varchar) as employer_tax_code,
        cast(start_date as date) as start_date,

        -- spell
        cast(end_date as date) as end_date,
        cast(birth_year as integer) as birth_year,
        cast(sex as varchar) as sex,
        cast(training_level as varchar) as training_level,
        cast(monthly_wage as decimal(38, 6)) as monthly_wage_vnd,
        cast(residence_commune as varchar) as residence_commune,

        {{ stage_lineage() }}

    from source

)

select * from renamed
