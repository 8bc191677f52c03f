-- Current version of every plan target: key (plan_id, kpi_code), the latest file wins.
{{ latest_version(ref('stg_raw__plan_targets'), ['plan_id', 'kpi_code']) }}
