-- What happened to every file seen in every run (loaded, skipped as already loaded, rejected). One
-- row per (run, area, source, file): its first outcome (area_code NULL: a file in no area).
-- Warehouses written before recording was made idempotent may hold a retried task's second event
-- for the same file; it is dropped here, else the uniqueness test would fail every night from then
-- on.

with

events as (

    select * from {{ ref('stg_ops__file_events') }}

)

select
    area_code,
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
    -- the ledger writes UTC (flows.config.connect); a dashboard gets the instant with its zone
    timezone('UTC', recorded_at) as recorded_at
from events
qualify row_number() over (
    partition by run_id, area_code, source, file_name order by recorded_at, status, sha256
) = 1
