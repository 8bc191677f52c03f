{{ config(materialized='table') }}

-- Every version of every khuyến công scheme row (decision_no, beneficiary_tax_code):
-- the latest file wins (then the later row). Earlier versions are kept as history.

with

schemes as (

    select * from {{ ref('stg_raw__khuyen_cong') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by decision_no, beneficiary_tax_code
            order by file_seq desc, source_row desc, source_sheet desc nulls last
        ) as version_rank,
        count(*) over (partition by decision_no, beneficiary_tax_code) as version_count
    from schemes

)

select
    *,
    version_rank = 1 as is_current
from ranked
