{#
  Supersession of the rows of a staged source.

  version_order(): "the later file wins", then the later row of that file, then the sheet name,
  so that the choice is always deterministic. Sources with a report date put it first.

  Every natural key is a key within its reporting area (area_code): a unit registered in two
  areas reports to each, and one area's file never supersedes another's.

  latest_version(relation, key_columns, order_by): the current version of every natural key,
  without history.

  reference_file(relation, key_columns, per_area): the current rows of a reference source:
  those of each area's latest loaded file, one per area and key (per_area=false: of the
  latest file of any area, for a national list such as VSIC). A newer file replaces the older one whole: a key it no
  longer holds (a typo corrected) is gone, not left behind (flows/ingest/references.py reads
  reference data the same way).

  ranked_versions(relation, key_columns, order_by, rank_column, count_column): every version
  of every key, with its rank (1 = the one that counts), the number of versions of the key and
  is_current (rank = 1). Earlier versions are kept as history.
#}
{% macro version_order() -%}
file_seq desc, source_row desc, source_sheet desc nulls last
{%- endmacro %}

{% macro latest_version(relation, key_columns, order_by=none) %}
select *
from {{ relation }}
qualify row_number() over (
    partition by area_code, {{ key_columns | join(', ') }}
    order by {{ order_by or version_order() }}
) = 1
{% endmacro %}

{% macro reference_file(relation, key_columns, per_area=true) %}
{%- set area = 'area_code, ' if per_area else '' -%}
select *
from (
    select *
    from {{ relation }}
    qualify file_seq = max(file_seq) over ({{ 'partition by area_code' if per_area }})
)
qualify row_number() over (
    partition by {{ area }}{{ key_columns | join(', ') }}
    order by {{ version_order() }}
) = 1
{% endmacro %}

{% macro ranked_versions(
    relation,
    key_columns,
    order_by=none,
    rank_column='version_rank',
    count_column='version_count'
) %}
select
    *,
    {{ rank_column }} = 1 as is_current
from (
    select
        *,
        row_number() over (
            partition by area_code, {{ key_columns | join(', ') }}
            order by {{ order_by or version_order() }}
        ) as {{ rank_column }},
        count(*) over (partition by area_code, {{ key_columns | join(', ') }})
            as {{ count_column }}
    from {{ relation }}
)
{% endmacro %}
