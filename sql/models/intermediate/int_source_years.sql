-- The years each data source has records for in each area, one row per (area_code, source, year):
-- "no data" for a year means the source has no row here for the area. A province has data for a
-- year when one of its areas has (join int_area_scopes). A figure summed over a source that has
-- records for the year but matches nothing is 0, not NULL.
--   enterprise_reports  the year of a (current) report's period
--   khuyen_cong         the year of a scheme's decision date or disbursement date
--   ocop_ratings        the year a rating was recognised in
--   budget_revenue      the year of a monthly figure's period
--   economic_accounts   the year of a value-added figure (yearly or quarterly)
--   plan_tasks          the year a task is due (in its latest report)
-- (The labour source's years are decided in int_kpi__labour: spells span years.)

{%- set year_columns = [
    ('enterprise_reports', 'int_enterprise_reports__current', 'year'),
    ('khuyen_cong', 'int_khuyen_cong__current', 'decision_year'),
    ('khuyen_cong', 'int_khuyen_cong__current', 'disbursement_year'),
    ('ocop_ratings', 'int_ocop_ratings__current', 'recognised_year'),
    ('budget_revenue', 'int_budget_revenue__current', 'year'),
    ('economic_accounts', 'int_economic_accounts__current', 'year'),
    ('plan_tasks', 'int_plan_tasks__current', 'due_year'),
] %}

{% for source, model, column in year_columns %}
    select
        area_code,
        '{{ source }}' as source,
        cast({{ column }} as integer) as year
    from {{ ref(model) }}
    where {{ column }} is not null
    {% if not loop.last %}union{% endif %}
{%- endfor %}
