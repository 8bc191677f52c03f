-- What happened to every file seen in every run (loaded, skipped as already loaded, rejected).

with

events as (

    select * from {{ ref('stg_ops__file_events') }}

)

select
    run_id,
    source,
    file_name,
    sha256,
    status,
    rows_loaded,
    rows_rejected,
    reason,
    rows_seen,
    rows_set_aside,
    recorded_at
from events
