{#
  The current version of every natural key of a staged source: "the latest file wins"
  (higher file_seq), then the later row of that file, then the sheet name so that the
  choice is always deterministic.
#}
{% macro latest_version(relation, key_columns, order_by='file_seq desc, source_row desc, source_sheet desc nulls last') %}
select *
from {{ relation }}
qualify row_number() over (
    partition by {{ key_columns | join(', ') }}
    order by {{ order_by }}
) = 1
{% endmacro %}
