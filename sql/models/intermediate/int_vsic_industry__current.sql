-- Current VSIC divisions counted as industry: the rows of the latest vsic_industry file loaded (a
-- newer file replaces the older one whole; a key it no longer holds is gone), one per key
-- [division].
{{ reference_file(ref('stg_raw__vsic_industry'), ['division'], per_area=false) }}
