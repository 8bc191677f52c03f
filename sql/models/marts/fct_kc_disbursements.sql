-- One row per area, khuyến công scheme and beneficiary (current version). Amounts in million VND,
-- DECIMAL(18, 6) (docs/dashboards.md).

with

schemes as (

    select * from {{ ref('int_khuyen_cong__current') }}

)

select
    area_code,
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
    {{ money('scheme_cost_vnd / 1000000') }} as scheme_cost_mvnd,
    {{ money('approved_amount_vnd / 1000000') }} as approved_amount_mvnd,
    {{ money('disbursed_amount_vnd / 1000000') }} as disbursed_amount_mvnd,
    disbursement_date,
    disbursement_year,
    is_machinery_support,
    {{ money('machinery_cap_vnd / 1000000') }} as machinery_cap_mvnd,
    over_machinery_cap,
    version_count,
    {{ lineage_columns() }}
from schemes
