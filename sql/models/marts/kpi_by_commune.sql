-- Per year and commune (the commune version in force at the data's date: codes were reused
-- from 2025-07-01): enterprise-report and khuyến công figures.
--   gross output: industrial units only (as IND_GO_*); own capital: all units (as CAPITAL_OWN);
--   employees_year_end: Σ over units of the employees in each unit's last report of the year
--   (December, or its latest month so far), placed in the commune of that report;
--   khuyến công: money disbursed in the year, commune of the scheme (as of its decision date).
-- A figure is 0 when its source has records for the year but none for this commune, and NULL
-- when the source has no records for the year.

with

reports as (

    select * from {{ ref('int_enterprise_reports__current') }}

),

schemes as (

    select * from {{ ref('int_khuyen_cong__current') }}

),

communes as (

    select * from {{ ref('int_communes__current') }}

),

enterprise_years as (

    select distinct year from reports

),

kc_years as (

    select decision_year as year from schemes where decision_year is not null
    union
    select disbursement_year from schemes where disbursement_year is not null

),

enterprise as (

    select
        year,
        commune_code,
        commune_valid_from,
        count(distinct tax_code) as reporting_units,
        count(distinct tax_code) filter (where is_industrial) as industrial_reporting_units,
        sum(gross_output_current_mvnd) filter (where is_industrial) as gross_output_current_mvnd,
        sum(gross_output_const2010_mvnd) filter (where is_industrial)
            as gross_output_const2010_mvnd,
        sum(own_capital_invested_mvnd) as own_capital_mvnd,
        sum(employees) filter (where is_last_period_of_year) as employees_year_end
    from reports
    group by year, commune_code, commune_valid_from

),

khuyen_cong as (

    select
        disbursement_year as year,
        commune_code,
        commune_valid_from,
        sum(disbursed_amount_vnd) as kc_disbursed_vnd,
        count(distinct beneficiary_tax_code) filter (where disbursed_amount_vnd > 0)
            as kc_supported_units
    from schemes
    where disbursement_year is not null
    group by disbursement_year, commune_code, commune_valid_from

),

keys as (

    select year, commune_code, commune_valid_from from enterprise
    union
    select year, commune_code, commune_valid_from from khuyen_cong

),

joined as (

    select
        keys.year,
        keys.commune_code,
        keys.commune_valid_from,
        communes.commune_name,
        communes.commune_type,
        case
            when communes.valid_to is not null and communes.successor_code is not null
                then communes.successor_code
            else keys.commune_code
        end as rollup_commune_code,
        enterprise_years.year is not null as has_enterprise_data,
        kc_years.year is not null as has_kc_data,
        enterprise.reporting_units,
        enterprise.industrial_reporting_units,
        enterprise.gross_output_current_mvnd,
        enterprise.gross_output_const2010_mvnd,
        enterprise.own_capital_mvnd,
        enterprise.employees_year_end,
        khuyen_cong.kc_disbursed_vnd,
        khuyen_cong.kc_supported_units

    from keys
    left join enterprise
        on keys.year = enterprise.year
        and keys.commune_code is not distinct from enterprise.commune_code
        and keys.commune_valid_from is not distinct from enterprise.commune_valid_from
    left join khuyen_cong
        on keys.year = khuyen_cong.year
        and keys.commune_code is not distinct from khuyen_cong.commune_code
        and keys.commune_valid_from is not distinct from khuyen_cong.commune_valid_from
    left join enterprise_years
        on keys.year = enterprise_years.year
    left join kc_years
        on keys.year = kc_years.year
    left join communes
        on keys.commune_code = communes.commune_code
        and keys.commune_valid_from = communes.valid_from

)

select
    year,
    commune_code,
    commune_valid_from,
    commune_name,
    commune_type,
    rollup_commune_code,
    case when has_enterprise_data then coalesce(reporting_units, 0) end as reporting_units,
    case when has_enterprise_data then coalesce(industrial_reporting_units, 0) end
        as industrial_reporting_units,
    case when has_enterprise_data then coalesce(gross_output_current_mvnd, 0) / 1000 end
        as gross_output_current_bn_vnd,
    case when has_enterprise_data then coalesce(gross_output_const2010_mvnd, 0) / 1000 end
        as gross_output_const2010_bn_vnd,
    case when has_enterprise_data then coalesce(own_capital_mvnd, 0) / 1000 end
        as own_capital_bn_vnd,
    case when has_enterprise_data then cast(coalesce(employees_year_end, 0) as bigint) end
        as employees_year_end,
    case when has_kc_data then coalesce(kc_disbursed_vnd, 0) / 1e9 end as kc_disbursed_bn_vnd,
    case when has_kc_data then coalesce(kc_supported_units, 0) end as kc_supported_units
from joined
