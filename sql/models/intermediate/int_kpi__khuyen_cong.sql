-- KPIs measured from khuyến công schemes (current version), for every year the source has
-- records for (a scheme with decision_date or disbursement_date in the year). A fund source
-- that paid nothing in such a year is 0, not "no data". VND → billion VND (÷ 10^9).
--   KC_SUPPORTED_UNITS   distinct beneficiary tax codes with a disbursement > 0 dated in Y
--   KC_FUNDS_TOTAL       Σ disbursed with a disbursement date in Y, all fund sources
--   KC_FUNDS_NATIONAL / _PROVINCIAL / _DISTRICT   same, fund source Quốc gia / Tỉnh / Huyện

with

schemes as (

    select * from {{ ref('int_khuyen_cong__current') }}

),

years as (

    select year from {{ ref('int_source_years') }} where source = 'khuyen_cong'

),

paid as (

    select
        disbursement_year as year,
        count(distinct beneficiary_tax_code) filter (where disbursed_amount_vnd > 0)
            as supported_units,
        sum(disbursed_amount_vnd) as total_vnd,
        sum(disbursed_amount_vnd) filter (where fund_source = 'Quốc gia') as national_vnd,
        sum(disbursed_amount_vnd) filter (where fund_source = 'Tỉnh') as provincial_vnd,
        sum(disbursed_amount_vnd) filter (where fund_source = 'Huyện') as district_vnd
    from schemes
    where disbursement_year is not null
    group by disbursement_year

),

measured as (

    select
        years.year,
        coalesce(paid.supported_units, 0) as kc_supported_units,
        coalesce(paid.total_vnd, 0) / 1e9 as kc_funds_total,
        coalesce(paid.national_vnd, 0) / 1e9 as kc_funds_national,
        coalesce(paid.provincial_vnd, 0) / 1e9 as kc_funds_provincial,
        coalesce(paid.district_vnd, 0) / 1e9 as kc_funds_district

    from years
    left join paid
        on years.year = paid.year

)

{{ unpivot_kpis('measured', {
    'KC_SUPPORTED_UNITS': 'kc_supported_units',
    'KC_FUNDS_TOTAL': 'kc_funds_total',
    'KC_FUNDS_NATIONAL': 'kc_funds_national',
    'KC_FUNDS_PROVINCIAL': 'kc_funds_provincial',
    'KC_FUNDS_DISTRICT': 'kc_funds_district',
}) }}
