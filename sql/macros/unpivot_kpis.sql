{#
  Turns one row per year with one column per KPI into the long shape every int_kpi__<family>
  model returns: (year, kpi_code, actual DOUBLE).
  kpi_columns: mapping kpi_code -> column of `relation` holding its value.
#}
{% macro unpivot_kpis(relation, kpi_columns) %}
{%- for kpi_code, column in kpi_columns.items() %}
select
    cast(year as integer) as year,
    cast('{{ kpi_code }}' as varchar) as kpi_code,
    cast({{ column }} as double) as actual
from {{ relation }}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{% endmacro %}
