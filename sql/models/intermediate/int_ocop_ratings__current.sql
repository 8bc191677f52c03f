-- Current version of every OCOP rating: key (product_code, decision_no), the latest file wins;
-- with the year it was recognised in, the commune version its commune_code referred to at
-- recognised_on (in its area's list), and whether it is the product's latest rating in its
-- area (latest recognised_on, then decision_no).

with

ratings as (

    {{ latest_version(ref('stg_raw__ocop_ratings'), ['product_code', 'decision_no']) }}

),

communes as (

    select
        area_code,
        commune_code,
        valid_from,
        valid_to
    from {{ ref('int_communes__current') }}

)

select
    ratings.*,
    cast(year(ratings.recognised_on) as integer) as recognised_year,
    communes.valid_from as commune_valid_from,
    row_number() over (
        partition by ratings.area_code, ratings.product_code
        order by ratings.recognised_on desc, ratings.decision_no desc
    ) = 1 as is_latest_rating_of_product

from ratings
left join communes
    on
        ratings.area_code = communes.area_code
        and ratings.commune_code = communes.commune_code
        and ratings.recognised_on >= communes.valid_from
        and (communes.valid_to is null or ratings.recognised_on <= communes.valid_to)
