-- Two versions of the same commune code (in one area's list) must not be valid on the same day: reports resolve
-- their commune version by (code, date), and an overlap would count a report twice.

with

communes as (

    select area_code, commune_code, valid_from, coalesce(valid_to, date '9999-12-31') as valid_to
    from {{ ref('int_communes__current') }}

)

select a.area_code, a.commune_code, a.valid_from, a.valid_to, b.valid_from as other_valid_from
from communes as a
inner join communes as b
    on a.area_code = b.area_code
    and a.commune_code = b.commune_code
    and a.valid_from < b.valid_from
    and b.valid_from <= a.valid_to
