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

with

ranked as (

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
