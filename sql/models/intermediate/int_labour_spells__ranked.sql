{{ config(materialized='table') }}

-- Every version of every employment spell (citizen_pseudonym, employer_tax_code, start_date):
-- a later file may repeat a spell with its end date filled in; the latest file wins
-- (then the later row). Earlier versions are kept as history.

{{ ranked_versions(
    ref('stg_raw__labour_spells'),
    ['citizen_pseudonym', 'employer_tax_code', 'start_date']
) }}
