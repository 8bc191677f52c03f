-- Monthly enterprise reports that were expected and not received: whom to call.

with

expected as (

    select * from {{ ref('int_expected_reports') }}

),

units as (

    select
        tax_code,
        unit_name,
        last_period
    from {{ ref('int_units') }}

)

select
    expected.period,
    expected.tax_code,
    units.unit_name,
    expected.commune_code,
    expected.zone_code,
    expected.due_date,
    units.last_period as last_reported_period
from expected
inner join units
    on expected.tax_code = units.tax_code
where not expected.is_received
