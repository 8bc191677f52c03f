-- Monthly enterprise reports that were expected and not received: whom to call, per area
-- (a unit registered in two areas is expected by each).

with

expected as (

    select * from {{ ref('int_expected_reports') }}

),

units as (

    select
        area_code,
        tax_code,
        unit_name,
        last_period
    from {{ ref('int_units') }}

)

select
    expected.area_code,
    expected.period,
    expected.tax_code,
    units.unit_name,
    expected.commune_code,
    expected.zone_code,
    expected.due_date,
    units.last_period as last_reported_period
from expected
inner join units
    on
        expected.area_code = units.area_code
        and expected.tax_code = units.tax_code
where not expected.is_received
