-- KPI measured from OCOP ratings (current version of each rating), per plan year Y and as-of
-- month end M of Y, for every (Y, M) with a rating recognised within [1 January Y, M]:
--   OCOP_3_4_STAR  distinct product_code with a rating recognised in Y, on or before M, with
--                  stars in var('ocop_counted_stars') (3 or 4); 0 when there are ratings but
--                  none with those stars; no row (no data) when there are none at all.
-- A product counts from the first month of Y it got such a rating in (running sums).

with

ratings as (

    select
        scopes.scope_code,
        current_ratings.recognised_year as year,
        cast(month(current_ratings.recognised_on) as integer) as month,
        current_ratings.product_code,
        current_ratings.stars in ({{ var('ocop_counted_stars') | join(', ') }}) as is_counted
    from {{ ref('int_ocop_ratings__current') }} as current_ratings
    inner join {{ ref('int_area_scopes') }} as scopes
        on current_ratings.area_code = scopes.area_code
    where current_ratings.recognised_on is not null

),

dated as (

    select
        scope_code,
        year,
        month,
        count(*) as ratings
    from ratings
    group by all

),

newly_counted as (

    select
        scope_code,
        year,
        month,
        count(*) as products
    from (
        select
            scope_code,
            year,
            product_code,
            min(month) as month
        from ratings
        where is_counted and product_code is not null
        group by all
    ) as first_counted
    group by all

),

years as (

    select distinct
        scope_code,
        year
    from dated

),

grid as (

    {{ year_months('years') }}

),

year_to_date as (

    select
        grid.scope_code,
        grid.year,
        grid.month,
        sum(coalesce(dated.ratings, 0)) over ytd as ratings,
        sum(coalesce(newly_counted.products, 0)) over ytd as counted_products
    from grid
    left join dated
        on
            grid.scope_code = dated.scope_code
            and grid.year = dated.year
            and grid.month = dated.month
    left join newly_counted
        on
            grid.scope_code = newly_counted.scope_code
            and grid.year = newly_counted.year
            and grid.month = newly_counted.month
    window ytd as ({{ ytd_window('grid') }})

),

measured as (

    select
        scope_code,
        year,
        month,
        counted_products as ocop_3_4_star
    from year_to_date
    where ratings > 0

)

{{ unpivot_kpis('measured', {
    'OCOP_3_4_STAR': 'ocop_3_4_star',
}) }}
