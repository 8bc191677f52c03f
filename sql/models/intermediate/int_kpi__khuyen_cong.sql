-- KPIs measured from khuyến công schemes (current version), per plan year Y and as-of month
-- end M of Y, for every (Y, M) the source has records for: a scheme with a decision date or a
-- disbursement date within [1 January Y, M]. A fund source that paid nothing is 0, not
-- "no data". VND → billion VND (÷ 10^9). At M = 31 December they are the year's values:
--   KC_SUPPORTED_UNITS   distinct beneficiary tax codes with a disbursement > 0 dated in Y, ≤ M
--   KC_FUNDS_TOTAL       Σ disbursed with a disbursement date in Y, ≤ M, all fund sources (flow)
--   KC_FUNDS_NATIONAL / _PROVINCIAL / _DISTRICT   same, fund source Quốc gia / Tỉnh / Huyện
-- Monthly sums, then running sums over the months of the year; a beneficiary counts from the
-- first month of Y it was paid in. Per scope (each area and its province, int_area_scopes):
-- sums add up the areas; a beneficiary paid in two areas counts once for the province.

with

schemes as (

    select
        scopes.scope_code,
        current_schemes.*
    from {{ ref('int_khuyen_cong__current') }} as current_schemes
    inner join {{ ref('int_area_scopes') }} as scopes
        on current_schemes.area_code = scopes.area_code

),

dated as (

    -- what the source says about each month: decisions and disbursements
    select
        scope_code,
        year,
        month,
        count(*) as records
    from (
        select
            scope_code,
            decision_year as year,
            cast(month(decision_date) as integer) as month
        from schemes
        where decision_date is not null
        union all
        select
            scope_code,
            disbursement_year as year,
            cast(month(disbursement_date) as integer) as month
        from schemes
        where disbursement_date is not null
    ) as dated_records
    group by all

),

paid as (

    select
        scope_code,
        disbursement_year as year,
        cast(month(disbursement_date) as integer) as month,
        sum(disbursed_amount_vnd) as total_vnd,
        sum(disbursed_amount_vnd) filter (where fund_source = 'Quốc gia') as national_vnd,
        sum(disbursed_amount_vnd) filter (where fund_source = 'Tỉnh') as provincial_vnd,
        sum(disbursed_amount_vnd) filter (where fund_source = 'Huyện') as district_vnd
    from schemes
    where disbursement_date is not null
    group by all

),

newly_supported as (

    select
        scope_code,
        year,
        month,
        count(*) as units
    from (
        select
            scope_code,
            disbursement_year as year,
            beneficiary_tax_code,
            cast(min(month(disbursement_date)) as integer) as month
        from schemes
        where
            disbursement_date is not null
            and disbursed_amount_vnd > 0
            and beneficiary_tax_code is not null
        group by all
    ) as first_supported
    group by all

),

years as (

    select distinct
        scope_code,
        year
    from dated

),

grid as (

    {{ year_months('years') }}

),

year_to_date as (

    select
        grid.scope_code,
        grid.year,
        grid.month,
        sum(coalesce(dated.records, 0)) over ytd as records,
        sum(coalesce(newly_supported.units, 0)) over ytd as supported_units,
        sum(coalesce(paid.total_vnd, 0)) over ytd as total_vnd,
        sum(coalesce(paid.national_vnd, 0)) over ytd as national_vnd,
        sum(coalesce(paid.provincial_vnd, 0)) over ytd as provincial_vnd,
        sum(coalesce(paid.district_vnd, 0)) over ytd as district_vnd

    from grid
    left join dated
        on
            grid.scope_code = dated.scope_code
            and grid.year = dated.year
            and grid.month = dated.month
    left join paid
        on
            grid.scope_code = paid.scope_code
            and grid.year = paid.year
            and grid.month = paid.month
    left join newly_supported
        on
            grid.scope_code = newly_supported.scope_code
            and grid.year = newly_supported.year
            and grid.month = newly_supported.month
    window ytd as ({{ ytd_window('grid') }})

),

measured as (

    select
        scope_code,
        year,
        month,
        supported_units as kc_supported_units,
        total_vnd / 1e9 as kc_funds_total,
        national_vnd / 1e9 as kc_funds_national,
        provincial_vnd / 1e9 as kc_funds_provincial,
        district_vnd / 1e9 as kc_funds_district
    from year_to_date
    where records > 0

)

{{ unpivot_kpis('measured', {
    'KC_SUPPORTED_UNITS': 'kc_supported_units',
    'KC_FUNDS_TOTAL': 'kc_funds_total',
    'KC_FUNDS_NATIONAL': 'kc_funds_national',
    'KC_FUNDS_PROVINCIAL': 'kc_funds_provincial',
    'KC_FUNDS_DISTRICT': 'kc_funds_district',
}) }}
