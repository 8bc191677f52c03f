-- One row per (area_code, commune_code, valid_from): each area's current commune list.

with

communes as (

    select * from {{ ref('int_communes__current') }}

),

successors as (

    select
        area_code,
        commune_code,
        valid_from,
        valid_to,
        commune_name
    from communes

)

select
    communes.area_code,
    communes.commune_code,
    communes.valid_from,
    communes.valid_to,
    communes.commune_name,
    communes.commune_type,
    communes.valid_to is null as is_current,
    communes.successor_code,
    successors.commune_name as successor_name,
    successors.valid_from as successor_valid_from,
    case
        when communes.valid_to is not null and communes.successor_code is not null
            then communes.successor_code
        else communes.commune_code
    end as rollup_commune_code

from communes
left join successors
    on
        communes.area_code = successors.area_code
        and communes.successor_code = successors.commune_code
        -- the successor's version in force the day after this one ended
        and communes.valid_to + 1 >= successors.valid_from
        and (successors.valid_to is null or communes.valid_to + 1 <= successors.valid_to)
