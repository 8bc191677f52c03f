{#
  Turns one row per (scope_code, year, month) with one column per KPI into the long shape
  every int_kpi__<family> model returns: (area_code, year, month, kpi_code, actual DOUBLE),
  the value of the KPI for the area or province `area_code` (the scope, int_area_scopes) and
  plan year `year` as of the end of month `month` of that year.
  kpi_columns: mapping kpi_code -> column of `relation` holding its value.
#}
{% macro unpivot_kpis(relation, kpi_columns) %}
{%- for kpi_code, column in kpi_columns.items() %}
select
    cast(scope_code as varchar) as area_code,
    cast(year as integer) as year,
    cast(month as integer) as month,
    cast('{{ kpi_code }}' as varchar) as kpi_code,
    cast({{ column }} as double) as actual
from {{ relation }}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{% endmacro %}

{#
  The twelve months of every (scope, year) of `years_relation` (a relation or CTE with columns
  `scope_code` and `year`, one row per scope and year): (scope_code, year, month), the grid
  the monthly KPI series are computed on.
#}
{% macro year_months(years_relation) %}
select
    years.scope_code,
    cast(years.year as integer) as year,
    cast(months.month as integer) as month
from {{ years_relation }} as years
cross join (select unnest(range(1, 13)) as month) as months
{% endmacro %}

{#
  Window clause of a year-to-date running sum over the (scope_code, year, month) grid;
  `relation` = the grid's name when the columns need qualifying.
#}
{% macro ytd_window(relation=none) -%}
{%- set prefix = relation ~ '.' if relation else '' -%}
partition by {{ prefix }}scope_code, {{ prefix }}year order by {{ prefix }}month
rows between unbounded preceding and current row
{%- endmacro %}
