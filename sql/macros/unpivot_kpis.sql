{#
  Turns one row per (year, month) with one column per KPI into the long shape every
  int_kpi__<family> model returns: (year, month, kpi_code, actual DOUBLE), the value of the
  KPI for plan year `year` as of the end of month `month` of that year.
  kpi_columns: mapping kpi_code -> column of `relation` holding its value.
#}
{% macro unpivot_kpis(relation, kpi_columns) %}
{%- for kpi_code, column in kpi_columns.items() %}
select
    cast(year as integer) as year,
    cast(month as integer) as month,
    cast('{{ kpi_code }}' as varchar) as kpi_code,
    cast({{ column }} as double) as actual
from {{ relation }}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{% endmacro %}

{#
  The twelve months of every year of `years_relation` (a relation or CTE with a `year`
  column, one row per year): (year, month), the grid the monthly KPI series are computed on.
#}
{% macro year_months(years_relation) %}
select
    cast(years.year as integer) as year,
    cast(months.month as integer) as month
from {{ years_relation }} as years
cross join (select unnest(range(1, 13)) as month) as months
{% endmacro %}

{#
  Window clause of a year-to-date running sum over the (year, month) grid; `relation` = the
  grid's name when the columns need qualifying.
#}
{% macro ytd_window(relation=none) -%}
{%- set prefix = relation ~ '.' if relation else '' -%}
partition by {{ prefix }}year order by {{ prefix }}month
rows between unbounded preceding and current row
{%- endmacro %}
