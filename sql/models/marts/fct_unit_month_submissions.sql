-- Every submission of every (area_code, tax_code, period), the superseded ones included.

with

submissions as (

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
