-- Current lead units: the rows of the latest lead_units file loaded (a newer file replaces the
-- older one whole; a key it no longer holds is gone), one per key [lead_unit_code].
{{ reference_file(ref('stg_raw__lead_units'), ['lead_unit_code']) }}
