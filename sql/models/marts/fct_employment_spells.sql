{{ config(
    materialized='incremental',
    unique_key=['area_code', 'citizen_pseudonym', 'employer_tax_code', 'start_date'],
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('int_labour_spells__ranked') }}
-- depends_on: {{ ref('int_units') }}

-- One row per employment spell (current version) of each area's labour lists. Pseudonymised: no
-- citizen ID, no name.
-- Incremental (macros/incremental.sql): the spells that files newer than this table mention,
-- and the spells whose employer's is_industrial (int_units, from the enterprise reports) is not
-- the one stored any more.

with

spells as (

    select * from {{ ref('int_labour_spells__current') }}

)

{% if is_incremental() %}

    , touched as (

        {{ touched_groups(
            ref('int_labour_spells__ranked'),
            ['area_code', 'citizen_pseudonym', 'employer_tax_code', 'start_date']
        ) }}

        union

        select
            stored.area_code,
            stored.citizen_pseudonym,
            stored.employer_tax_code,
            stored.start_date
        from {{ this }} as stored
        left join {{ ref('int_units') }} as units
            on
                stored.area_code = units.area_code
                and stored.employer_tax_code = units.tax_code
        where stored.employer_is_industrial <> coalesce(units.is_industrial, false)

    )

{% endif %}

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
{% if is_incremental() %}
    semi join touched using (area_code, citizen_pseudonym, employer_tax_code, start_date)
{% endif %}
