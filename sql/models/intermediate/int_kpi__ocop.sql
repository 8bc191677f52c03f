-- KPI measured from OCOP ratings (current version of each rating), for every year the source
-- has ratings recognised in:
--   OCOP_3_4_STAR  distinct product_code with a rating recognised in Y (recognised_on) with
--                  stars in var('ocop_counted_stars') (3 or 4); 0 when Y has ratings but none
--                  with those stars; NULL (no row) when Y has no ratings at all.

with

ratings as (

    select * from {{ ref('int_ocop_ratings__current') }}

),

measured as (

    select
        recognised_year as year,
        count(distinct product_code)
            filter (where stars in ({{ var('ocop_counted_stars') | join(', ') }}))
            as ocop_3_4_star
    from ratings
    where recognised_year is not null
    group by recognised_year

)

{{ unpivot_kpis('measured', {
    'OCOP_3_4_STAR': 'ocop_3_4_star',
}) }}
