-- Current version of every monthly budget figure: key (area_code, period, item), the latest file
-- wins. Million VND.

with

revenue as (

    {{ latest_version(ref('stg_raw__budget_revenue'), ['period', 'item']) }}

)

select
    *,
    cast(year(period) as integer) as year
from revenue
