{{ config(materialized='table') }}

-- Every submission of every (tax_code, period), ranked: submission_rank 1 = the one that
-- counts (latest report_date, then later file, then later row of the file, then sheet name).
-- Earlier submissions are kept as history. Also resolved here, once, for every submission:
--   * division / is_industrial: the report's VSIC division is in raw.vsic_industry;
--   * commune_valid_from: the commune version its commune_code referred to at the period
--     (codes were reused from 2025-07-01, so a code alone does not identify a commune);
--   * is_last_period_of_year: the period is the unit's last reported period of its year.
-- Materialised as a table: every enterprise model reads it (a filter on is_current gives the
-- current reports), so the sorts run once per build.

with

reports as (

    select * from {{ ref('stg_raw__enterprise_reports') }}

),

industry as (

    select division from {{ ref('int_vsic_industry__current') }}

),

communes as (

    select commune_code, valid_from, valid_to
    from {{ ref('int_communes__current') }}

),

resolved as (

    select
        reports.*,
        left(reports.vsic_code, 2) as division,
        industry.division is not null as is_industrial,
        cast(year(reports.period) as integer) as year,
        communes.valid_from as commune_valid_from

    from reports
    left join industry
        on left(reports.vsic_code, 2) = industry.division
    left join communes
        on reports.commune_code = communes.commune_code
        and reports.period >= communes.valid_from
        and (communes.valid_to is null or reports.period <= communes.valid_to)

),

ranked as (

    {{ ranked_versions(
        'resolved',
        ['tax_code', 'period'],
        order_by='report_date desc, ' ~ version_order(),
        rank_column='submission_rank',
        count_column='submission_count'
    ) }}

)

select
    *,
    -- every period has exactly one current submission, so the latest period among all
    -- submissions of the year is the latest among the current ones
    period = max(period) over (partition by tax_code, year) as is_last_period_of_year
from ranked
