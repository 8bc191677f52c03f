-- Current version of every lead unit: key lead_unit_code, latest file wins.
{{ latest_version(ref('stg_raw__lead_units'), ['lead_unit_code']) }}
