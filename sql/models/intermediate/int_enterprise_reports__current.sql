{{ config(
    materialized='incremental',
    unique_key=['area_code', 'tax_code', 'year'],
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}

-- The submission that counts for each (area_code, tax_code, period): the current rows of
-- int_enterprise_reports__ranked (with their division, commune version and
-- is_last_period_of_year), without the ranking columns.
-- Incremental by (area_code, tax_code, year), the groups int_enterprise_reports__versions ranks
-- (macros/incremental.sql).

-- `not materialized`: this CTE is read twice (the touched groups, then their rows), and DuckDB
-- would otherwise copy the whole relation first; inlined, the file_seq filter reaches the scan
-- and a night without new rows of this source reads almost nothing (macros/incremental.sql).

with

ranked as not materialized (

    select * from {{ ref('int_enterprise_reports__ranked') }}

)

select ranked.* exclude (is_current, submission_rank)
from ranked
{% if is_incremental() %}
    semi join (
        {{ touched_groups('ranked', ['area_code', 'tax_code', 'year']) }}
    ) as touched using (area_code, tax_code, year)
{% endif %}
where ranked.is_current
