-- One row per OCOP rating (area_code, product_code, decision_no), current version (the latest file
-- wins): the product, its producer, its stars, score and level of recognition. A product
-- re-rated by a later decision has one row per rating; is_latest_rating_of_product marks the
-- one in force. counts_for_ocop_3_4_star: the rating's stars are those OCOP_3_4_STAR counts
-- (var ocop_counted_stars) — the KPI is the number of distinct products with such a rating
-- recognised in the year.

with

ratings as (

    select * from {{ ref('int_ocop_ratings__current') }}

)

select
    area_code,
    product_code,
    decision_no,
    product_name,
    product_group,
    producer_name,
    producer_tax_code,
    commune_as_written,
    commune_code,
    commune_valid_from,
    score,
    stars,
    level,
    recognised_on,
    recognised_year,
    is_latest_rating_of_product,
    stars in ({{ var('ocop_counted_stars') | join(', ') }}) as counts_for_ocop_3_4_star,
    {{ lineage_columns() }}
from ratings
