{#
  The dashboards' contract (docs/dashboards.md): every money column of every mart is million
  VND (`_mvnd`) as DECIMAL(18, 6) — exact to the đồng, rounded half away from zero once, at
  the mart's last step (sums are taken at full precision before). Counts are BIGINT.
#}
{% macro money(expr) -%}
cast(round({{ expr }}, 6) as decimal(18, 6))
{%- endmacro %}

{% macro count_of(expr) -%}
cast({{ expr }} as bigint)
{%- endmacro %}
