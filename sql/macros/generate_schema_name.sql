{#
  Models land in schemas named exactly as configured (+schema: staging | intermediate | marts),
  not "<target schema>_<custom schema>" as dbt does by default. Without a custom schema a node
  goes to the target schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
