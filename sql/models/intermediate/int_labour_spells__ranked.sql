{{ config(
    materialized='incremental',
    unique_key=['area_code', 'citizen_pseudonym', 'employer_tax_code', 'start_date'],
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}

-- Every version of every employment spell (citizen_pseudonym, employer_tax_code, start_date):
-- a later file may repeat a spell with its end date filled in; the latest file wins
-- (then the later row). Earlier versions are kept as history.
--
-- Incremental: only the spells that files newer than this table mention are re-ranked and
-- replaced (loaded files never change), so a night costs in proportion to its new files.

-- `not materialized`: this CTE is read twice (the touched groups, then their rows), and DuckDB
-- would otherwise copy the whole relation first; inlined, the file_seq filter reaches the scan
-- and a night without new rows of this source reads almost nothing (macros/incremental.sql).

with

spells as not materialized (

    select * from {{ ref('stg_raw__labour_spells') }}

),

{% if is_incremental() %}

touched as (

    select distinct area_code, citizen_pseudonym, employer_tax_code, start_date
    from spells
    where file_seq > (select coalesce(max(file_seq), -1) from {{ this }})

),

scope as (

    select spells.*
    from spells
    semi join touched using (area_code, citizen_pseudonym, employer_tax_code, start_date)

)

{% else %}

    scope as (

        select * from spells

    )

{% endif %}

{{ ranked_versions(
    'scope',
    ['citizen_pseudonym', 'employer_tax_code', 'start_date']
) }}
