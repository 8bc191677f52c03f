-- One row per (area_code, tax_code, period): the submission that counts. Money in million VND.

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
