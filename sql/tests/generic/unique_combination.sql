{#
  Compound uniqueness: no two rows share the same values of `columns`
  (NULLs compare equal, as in GROUP BY). Fails with the duplicated combinations.
  Usage:
    data_tests:
      - unique_combination:
          arguments:
            columns: [plan_id, kpi_code]
#}
{% test unique_combination(model, columns) %}
select
    {{ columns | join(', ') }},
    count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
