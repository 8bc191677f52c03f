{#
  Column groups of an enterprise report, as the intermediate models name them, for the select
  lists of the enterprise facts (fct_unit_months, fct_unit_month_submissions), which keep their
  own column order around them.
    'unit'      who and where: name, ownership, commune and zone (as written and resolved),
                VSIC code, division and whether it counts as industry
    'measures'  the reported figures and flags (money in million VND, DECIMAL(18, 6))
#}
{% macro enterprise_report_columns(group) -%}
    {%- set groups = {
        'unit': [
            'unit_name', 'ownership',
            'commune_as_written', 'commune_code', 'commune_valid_from',
            'zone_as_written', 'zone_code',
            'vsic_code', 'division', 'is_industrial',
        ],
        'measures': [
            'gross_output_current_mvnd', 'gross_output_const2010_mvnd', 'revenue_mvnd',
            'taxes_paid_mvnd', 'own_capital_invested_mvnd',
            'employees', 'trained_employees', 'avg_monthly_income_mvnd',
            'advanced_machinery', 'supporting_industry',
        ],
    } -%}
    {%- set selected = [] -%}
    {%- for column in groups[group] -%}
        {#- money to the dashboards' type (contract.sql); the rest as the models name them -#}
        {%- do selected.append(money(column) ~ ' as ' ~ column if column.endswith('_mvnd')
            else column) -%}
    {%- endfor -%}
    {{ selected | join(',\n    ') }}
{%- endmacro %}
