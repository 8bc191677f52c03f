-- Row accounting: every row a sender sees is loaded, rejected or set aside, once; and a
-- file's outcome holds the sum of its sheets.

with sheets as (

    select
        area_code,
        sha256,
        source,
        sum(rows_seen) as rows_seen,
        sum(rows_set_aside) as rows_set_aside,
        bool_and(rows_seen = rows_loaded + rows_rejected + rows_set_aside) as balanced
    from {{ ref('file_sheets') }}
    group by area_code, sha256, source

)

select outcomes.*
from {{ ref('file_outcomes') }} as outcomes
inner join sheets
    on outcomes.area_code is not distinct from sheets.area_code
    and outcomes.sha256 = sheets.sha256 and outcomes.source = sheets.source
where
    outcomes.status = 'loaded'
    and (
        not sheets.balanced
        or outcomes.rows_seen != sheets.rows_seen
        or outcomes.rows_set_aside != sheets.rows_set_aside
        or outcomes.rows_seen
        != outcomes.rows_loaded + outcomes.rows_rejected + outcomes.rows_set_aside
    )
