-- Current version of every VSIC division counted as industry: key division, latest file wins.
{{ latest_version(ref('stg_raw__vsic_industry'), ['division']) }}
