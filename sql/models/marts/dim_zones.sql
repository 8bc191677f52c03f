with

zones as (

    select * from {{ ref('int_zones__current') }}

)

select
    area_code,
    zone_code,
    zone_name,
    zone_type,
    zone_full_name
from zones
