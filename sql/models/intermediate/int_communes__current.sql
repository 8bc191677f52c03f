-- Current commune validity records: the rows of the latest communes file loaded (a newer file
-- replaces the older one whole; a key it no longer holds is gone), one per key [commune_code,
-- valid_from].
{{ reference_file(ref('stg_raw__communes'), ['commune_code', 'valid_from']) }}
