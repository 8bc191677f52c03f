-- Per year and industrial zone/cluster (zone_code NULL = outside any zone): enterprise-report
-- and khuyến công figures.
--   gross output: industrial units only (as IND_GO_*); own capital: all units (as CAPITAL_OWN);
--   employees_year_end: Σ over units of the employees in each unit's last report of the year
--   (December, or its latest month so far), placed in the zone of that report;
--   khuyến công: money disbursed in the year, placed in the beneficiary's zone as of its latest
--   report (dim_units); beneficiaries that are not reporting units fall in the NULL row.
-- A figure is 0 when its source has records for the year but none for this zone, and NULL
-- when the source has no records for the year.

with

reports as (

    select * from {{ ref('int_enterprise_reports__current') }}

),

schemes as (

    select * from {{ ref('int_khuyen_cong__current') }}

),

units as (

    select tax_code, zone_code from {{ ref('int_units') }}

),

zones as (

    select * from {{ ref('int_zones__current') }}

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
        zone_code,
        count(distinct tax_code) as reporting_units,
        count(distinct tax_code) filter (where is_industrial) as industrial_reporting_units,
        sum(gross_output_current_mvnd) filter (where is_industrial) as gross_output_current_mvnd,
        sum(gross_output_const2010_mvnd) filter (where is_industrial)
            as gross_output_const2010_mvnd,
        sum(own_capital_invested_mvnd) as own_capital_mvnd,
        sum(employees) filter (where is_last_period_of_year) as employees_year_end
    from reports
    group by year, zone_code

),

khuyen_cong as (

    select
        schemes.disbursement_year as year,
        units.zone_code,
        sum(schemes.disbursed_amount_vnd) as kc_disbursed_vnd,
        count(distinct schemes.beneficiary_tax_code)
            filter (where schemes.disbursed_amount_vnd > 0) as kc_supported_units
    from schemes
    left join units
        on schemes.beneficiary_tax_code = units.tax_code
    where schemes.disbursement_year is not null
    group by schemes.disbursement_year, units.zone_code

),

keys as (

    select year, zone_code from enterprise
    union
    select year, zone_code from khuyen_cong

),

joined as (

    select
        keys.year,
        keys.zone_code,
        zones.zone_name,
        zones.zone_type,
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
        and keys.zone_code is not distinct from enterprise.zone_code
    left join khuyen_cong
        on keys.year = khuyen_cong.year
        and keys.zone_code is not distinct from khuyen_cong.zone_code
    left join enterprise_years
        on keys.year = enterprise_years.year
    left join kc_years
        on keys.year = kc_years.year
    left join zones
        on keys.zone_code = zones.zone_code

)

select
    year,
    zone_code,
    zone_name,
    zone_type,
    zone_code is not null as in_zone,
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
