with

periods as (

    select * from {{ ref('int_periods') }}

)

select
    period,
    period_end,
    year,
    quarter,
    month,
    year_month,
    period_label_vi,
    is_year_end_month,
    is_plan_year
from periods
