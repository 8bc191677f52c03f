-- Current version of every commune validity record: key (commune_code, valid_from), latest file wins.
{{ latest_version(ref('stg_raw__communes'), ['commune_code', 'valid_from']) }}
