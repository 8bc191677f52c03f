-- Every submission of every (area_code, tax_code, period) with its rank
-- (int_enterprise_reports__versions) and what the reference data says of it, resolved here for
-- every submission:
--   * division / is_industrial: the report's VSIC division is in raw.vsic_industry (a
--     national list: joined on the division alone);
--   * commune_valid_from: the commune version its commune_code referred to at the period
--     (codes were reused from 2025-07-01, so a code alone does not identify a commune), in
--     the commune list of the report's own area.
-- A view: the joins are with small reference tables, and stay current when they change.

with

versions as (

    select * from {{ ref('int_enterprise_reports__versions') }}

),

industry as (

    select division from {{ ref('int_vsic_industry__current') }}

),

communes as (

    select
        area_code,
        commune_code,
        valid_from,
        valid_to
    from {{ ref('int_communes__current') }}

)

select
    versions.*,
    left(versions.vsic_code, 2) as division,
    industry.division is not null as is_industrial,
    communes.valid_from as commune_valid_from

from versions
left join industry
    on left(versions.vsic_code, 2) = industry.division
left join communes
    on
        versions.area_code = communes.area_code
        and versions.commune_code = communes.commune_code
        and versions.period >= communes.valid_from
        and (communes.valid_to is null or versions.period <= communes.valid_to)
