-- One row per (tax_code, period): the submission that counts. Money in million VND.

with

reports as (

    select * from {{ ref('int_enterprise_reports__current') }}

)

select
    tax_code,
    period,
    year,
    unit_name,
    ownership,
    commune_as_written,
    commune_code,
    commune_valid_from,
    zone_as_written,
    zone_code,
    vsic_code,
    division,
    is_industrial,
    report_date,
    gross_output_current_mvnd,
    gross_output_const2010_mvnd,
    revenue_mvnd,
    taxes_paid_mvnd,
    own_capital_invested_mvnd,
    employees,
    trained_employees,
    avg_monthly_income_mvnd,
    advanced_machinery,
    supporting_industry,
    note,
    is_last_period_of_year,
    submission_count,
    file_id,
    file_seq,
    source_row,
    source_sheet,
    run_id
from reports
