-- Current version of every value-added figure: key (area_code, year, quarter, sector) (quarter NULL
-- = the whole-year row), the latest file wins. Million VND, current prices.
{{ latest_version(ref('stg_raw__economic_accounts'), ['year', 'quarter', 'sector']) }}
