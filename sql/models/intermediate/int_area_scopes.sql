-- Which scopes each area's rows count in: the area itself and its province. A row of area A
-- counts once for A and once for A's province; rows of the province's own files (raw/ itself,
-- when no area has it) count for the province only. KPI models join their current rows to
-- this and group by scope_code: sums then add up the areas, ratios are ratios of the summed
-- numerators and denominators, and count(distinct …) counts a unit registered in two areas
-- once for the province.

with

areas as (

    select * from {{ ref('stg_ops__areas') }}

)

select
    area_code,
    area_code as scope_code,
    area_name as scope_name,
    'area' as scope_level
from areas
where area_level = 'area'

union all

select
    area_code,
    province_code as scope_code,
    province_name as scope_name,
    'province' as scope_level
from areas
where area_level = 'area'

union all

select
    area_code,
    area_code as scope_code,
    area_name as scope_name,
    'province' as scope_level
from areas
where area_level = 'province'
