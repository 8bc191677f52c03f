-- One row per khuyến công scheme and beneficiary (current version). Amounts in VND.

with

schemes as (

    select * from {{ ref('int_khuyen_cong__current') }}

)

select
    decision_no,
    beneficiary_tax_code,
    decision_date,
    decision_year,
    scheme_name,
    beneficiary_name,
    commune_as_written,
    commune_code,
    commune_valid_from,
    fund_source,
    support_type,
    scheme_cost_vnd,
    approved_amount_vnd,
    disbursed_amount_vnd,
    disbursement_date,
    disbursement_year,
    is_machinery_support,
    machinery_cap_vnd,
    over_machinery_cap,
    version_count,
    {{ lineage_columns() }}
from schemes
