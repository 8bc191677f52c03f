{#
  Lineage columns every raw.* table carries (ops.files id, arrival order, row as the sender
  sees it, sheet, run, reporting area), as staging names them: the leading underscore dropped.
    stage_lineage()        the casts, for the select list of a stg_raw__* model
    lineage_columns(rel)   the staged names, for a select list downstream (rel = optional
                           relation / CTE name to qualify them with)
#}
{% macro stage_lineage() -%}
        -- lineage
        cast(_file_id as bigint) as file_id,
        cast(_file_seq as bigint) as file_seq,
        cast(_source_row as integer) as source_row,
        cast(_sheet as varchar) as source_sheet,
        cast(_run_id as varchar) as run_id,
        cast(_area_code as varchar) as area_code
{%- endmacro %}

{#
  not_held(): the rows of a raw.* table minus those of the files held back tonight (an
  area whose new files failed the build, ops.held_files; flows/nightly.py).
#}
{% macro not_held() -%}
_file_id not in (select held.file_id from {{ source('ops', 'held_files') }} as held)
{%- endmacro %}

{% macro lineage_columns(relation=none) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    {%- for column in ['file_id', 'file_seq', 'source_row', 'source_sheet', 'run_id'] -%}
    {{ prefix ~ column }}{{ ',\n    ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
