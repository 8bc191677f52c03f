-- Current version of every zone: key zone_code, latest file wins.
{{ latest_version(ref('stg_raw__zones'), ['zone_code']) }}
