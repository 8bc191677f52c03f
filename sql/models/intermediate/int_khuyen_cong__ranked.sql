{{ config(materialized='table') }}

-- Every version of every khuyến công scheme row (decision_no, beneficiary_tax_code):
-- the latest file wins (then the later row). Earlier versions are kept as history.

{{ ranked_versions(ref('stg_raw__khuyen_cong'), ['decision_no', 'beneficiary_tax_code']) }}
