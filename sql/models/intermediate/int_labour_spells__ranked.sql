{{ config(materialized='table') }}

-- Every version of every employment spell (citizen_pseudonym, employer_tax_code, start_date):
-- a later file may repeat a spell with its end date filled in; the latest file wins
-- (then the later row). Earlier versions are kept as history.

with

spells as (

    select * from {{ ref('stg_raw__labour_spells') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by citizen_pseudonym, employer_tax_code, start_date
            order by file_seq desc, source_row desc, source_sheet desc nulls last
        ) as version_rank,
        count(*) over (
            partition by citizen_pseudonym, employer_tax_code, start_date
        ) as version_count
    from spells

)

select
    *,
    version_rank = 1 as is_current
from ranked
