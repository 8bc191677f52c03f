{{ config(materialized='table') }}

-- The submission that counts for each (area_code, tax_code, period): the current rows of
-- int_enterprise_reports__ranked (with their division, commune version and
-- is_last_period_of_year), without the ranking columns.

select * exclude (is_current, submission_rank)
from {{ ref('int_enterprise_reports__ranked') }}
where is_current
