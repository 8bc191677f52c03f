with

units as (

    select * from {{ ref('int_units') }}

)

select
    tax_code,
    unit_name,
    ownership,
    vsic_code,
    division,
    is_industrial,
    commune_code,
    commune_valid_from,
    zone_code,
    supporting_industry,
    first_period,
    last_period,
    periods_reported,
    last_report_date
from units
