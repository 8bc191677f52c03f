{{ config(materialized='table') }}

-- One row per reporting unit (area_code, tax_code): a unit registered in two areas reports to each
-- and is a unit of each (reconciliation_findings lists it: unit_in_two_areas). Its attributes as of
-- its latest current report (arg_max over the period: one hash aggregation, no sort), and the span
-- of periods it reported. Materialised as a table: labour, zone breakdowns and dim_units read it.

with

reports as (

    select * from {{ ref('int_enterprise_reports__current') }}

),

units as (

    select
        area_code,
        tax_code,
        arg_max(
            struct_pack(
                unit_name,
                ownership,
                vsic_code,
                division,
                is_industrial,
                commune_code,
                commune_valid_from,
                zone_code,
                supporting_industry,
                report_date
            ),
            period
        ) as latest,
        min(period) as first_period,
        max(period) as last_period,
        count(*) as periods_reported
    from reports
    group by area_code, tax_code

)

select
    area_code,
    tax_code,
    latest.unit_name,
    latest.ownership,
    latest.vsic_code,
    latest.division,
    latest.is_industrial,
    latest.commune_code,
    latest.commune_valid_from,
    latest.zone_code,
    latest.supporting_industry,
    first_period,
    last_period,
    periods_reported,
    latest.report_date as last_report_date
from units
