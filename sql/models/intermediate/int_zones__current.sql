-- Current zones: the rows of the latest zones file loaded (a newer file replaces the older one
-- whole; a key it no longer holds is gone), one per key [zone_code].
{{ reference_file(ref('stg_raw__zones'), ['zone_code']) }}
