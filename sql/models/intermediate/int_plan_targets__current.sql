-- Current plan targets: the rows of the latest plan_targets file loaded (a newer file replaces the
-- older one whole; a key it no longer holds is gone), one per key [plan_id, kpi_code].
{{ reference_file(ref('stg_raw__plan_targets'), ['plan_id', 'kpi_code']) }}
