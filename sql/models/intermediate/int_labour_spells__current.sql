-- Current version of every employment spell, with whether the employer is an industrial reporting
-- unit (its tax code is a unit of int_units of the spell's area with is_industrial) and whether the
-- worker is trained (a known training level other than "not trained").

with

spells as (

    select * from {{ ref('int_labour_spells__ranked') }}
    where is_current

),

units as (

    select
        area_code,
        tax_code,
        is_industrial
    from {{ ref('int_units') }}

)

select
    spells.* exclude (is_current, version_rank),
    coalesce(units.is_industrial, false) as employer_is_industrial,
    spells.training_level is not null
    and spells.training_level <> '{{ var("untrained_level") }}' as is_trained

from spells
left join units
    on
        spells.area_code = units.area_code
        and spells.employer_tax_code = units.tax_code
