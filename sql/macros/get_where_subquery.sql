{#
  Tests of the new rows only. A night's build (flows/transform.py) sets
  VLPIPE_TESTS_SINCE_FILE_SEQ to the highest file_seq of the last build that passed; row-level
  tests (not_null, accepted_values) of a model with a file_seq column then check only the rows
  of files above it: the older rows passed them before, and no loaded file ever changes. A
  full build sets -1 (every row). Whole-table tests (unique keys, relationships, the singular
  tests) always check every row. A test's own `where` config still applies.
  Overrides dbt's get_where_subquery (global_project/macros/materializations/tests).
#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- if config.get('where') -%}
        {%- do conditions.append('(' ~ config.get('where') ~ ')') -%}
    {%- endif -%}
    {%- set since = env_var('VLPIPE_TESTS_SINCE_FILE_SEQ', '-1') | int -%}
    {%- set test_name = (model.test_metadata or {}).get('name') -%}
    {%- set tested = graph.nodes.get(model.attached_node) if model.attached_node else none -%}
    {%- if since >= 0 and test_name in ('not_null', 'accepted_values')
        and tested and 'file_seq' in tested.columns -%}
        {%- do conditions.append('file_seq > ' ~ since) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
