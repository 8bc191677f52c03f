{{ config(
    materialized='incremental',
    unique_key=['area_code', 'tax_code', 'year'],
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}

-- Every submission of every (area_code, tax_code, period), ranked: submission_rank 1 = the one that
-- counts (latest report_date, then later file, then later row of the file, then sheet name);
-- is_last_period_of_year = the period is the unit's last reported period of its year.
--
-- Incremental: loaded files are never changed or removed, so a night recomputes only the
-- (area_code, tax_code, year) groups that files newer than this table touch (their rank and their
-- last period can change), and replaces those groups: work in proportion to the new
-- files, not to the history. Reference data is joined later (int_enterprise_reports__ranked),
-- so a new reference file never leaves stale rows here.

-- `not materialized`: this CTE is read twice (the touched groups, then their rows), and DuckDB
-- would otherwise copy the whole relation first; inlined, the file_seq filter reaches the scan
-- and a night without new rows of this source reads almost nothing (macros/incremental.sql).

with

reports as not materialized (

    select
        *,
        cast(year(period) as integer) as year
    from {{ ref('stg_raw__enterprise_reports') }}

),

{% if is_incremental() %}

touched as (

    select distinct
        area_code,
        tax_code,
        year
    from reports
    where file_seq > (select coalesce(max(file_seq), -1) from {{ this }})

),

scope as (

    select reports.*
    from reports
    semi join touched using (area_code, tax_code, year)

),

{% else %}

    scope as (

        select * from reports

    ),

{% endif %}

ranked as (

    {{ ranked_versions(
        'scope',
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
    period = max(period) over (partition by area_code, tax_code, year) as is_last_period_of_year
from ranked
