-- Budget revenue per month (current figures, million VND), one row per area and month with any
-- figure: the total non-state-sector revenue (item var('budget_total_item')) and the part collected
-- from industry (var('budget_industry_item')); NULL when that item was not received.

with

revenue as (

    select * from {{ ref('int_budget_revenue__current') }}

)

select
    area_code,
    period,
    year,
    sum(amount_mvnd) filter (where item = '{{ var("budget_total_item") }}') as total_mvnd,
    sum(amount_mvnd) filter (where item = '{{ var("budget_industry_item") }}') as industry_mvnd
from revenue
group by area_code, period, year
