{{ config(
    materialized='incremental',
    unique_key=['area_code', 'tax_code', 'year'],
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}

-- Every submission of every (area_code, tax_code, period), the superseded ones included.
-- Incremental by (area_code, tax_code, year) (macros/incremental.sql).

-- `not materialized`: this CTE is read twice (the touched groups, then their rows), and DuckDB
-- would otherwise copy the whole relation first; inlined, the file_seq filter reaches the scan
-- and a night without new rows of this source reads almost nothing (macros/incremental.sql).

with

submissions as not materialized (

    select * from {{ ref('int_enterprise_reports__ranked') }}

)

select
    area_code,
    tax_code,
    period,
    submission_rank,
    is_current,
    submission_count,
    year,
    report_date,
    {{ enterprise_report_columns('unit') }},
    {{ enterprise_report_columns('measures') }},
    is_last_period_of_year,
    note,
    {{ lineage_columns() }}
from submissions
{% if is_incremental() %}
    semi join (
        {{ touched_groups('submissions', ['area_code', 'tax_code', 'year']) }}
    ) as touched using (area_code, tax_code, year)
{% endif %}
