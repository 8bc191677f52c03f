-- One row per employment spell (current version) of each area's labour lists. Pseudonymised: no
-- citizen ID, no name.

with

spells as (

    select * from {{ ref('int_labour_spells__current') }}

)

select
    area_code,
    citizen_pseudonym,
    employer_tax_code,
    start_date,
    end_date,
    end_date is null as is_open,
    birth_year,
    sex,
    training_level,
    is_trained,
    {{ money('monthly_wage_vnd / 1000000') }} as monthly_wage_mvnd,
    residence_commune,
    employer_is_industrial,
    version_count,
    {{ lineage_columns() }}
from spells
