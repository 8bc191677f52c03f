-- One row per reporting unit (area_code, tax_code): int_units (a table, read by the labour KPIs and
-- the zone breakdown) published as is; its columns are listed, in order, in int_units.sql.

select * from {{ ref('int_units') }}
