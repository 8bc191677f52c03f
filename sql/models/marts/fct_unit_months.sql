{{ config(
    materialized='incremental',
    unique_key=['area_code', 'tax_code', 'year'],
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_enterprise_reports__ranked') }}

-- One row per (area_code, tax_code, period): the submission that counts. Money in million VND.
-- Incremental by (area_code, tax_code, year) (macros/incremental.sql); the touched groups are
-- found among all submissions, as a superseded new one still changes submission_count.

with

reports as (

    select * from {{ ref('int_enterprise_reports__current') }}

)

select
    area_code,
    tax_code,
    period,
    year,
    {{ enterprise_report_columns('unit') }},
    report_date,
    {{ enterprise_report_columns('measures') }},
    note,
    is_last_period_of_year,
    submission_count,
    {{ lineage_columns() }}
from reports
{% if is_incremental() %}
    semi join (
        {{ touched_groups(ref('int_enterprise_reports__ranked'), ['area_code', 'tax_code', 'year']) }}
    ) as touched using (area_code, tax_code, year)
{% endif %}
