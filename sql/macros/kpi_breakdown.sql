{#
  The enterprise-report and khuyến công measures behind the KPIs, broken down by area_code
  and `keys` (columns present in both `reports` and `schemes`), for kpi_by_commune /
  kpi_by_zone: every place is a place of one reporting area.
  Emits CTEs (to be placed in a `with` list, followed by a comma or the final select):
    breakdown  one row per (year, area_code, keys...) with any data, the keys then the measure columns:
      reporting_units, industrial_reporting_units     (distinct tax codes)
      gross_output_current_mvnd, gross_output_const2010_mvnd   industrial units only
      own_capital_mvnd                                all units
      employees_year_end    Σ employees in each unit's last report of the year, in its place
      kc_disbursed_mvnd, kc_supported_units           money disbursed in the year
    (money: million VND, DECIMAL(18, 6), macro money() of contract.sql)
  A measure is 0 when its source has records for the year but none for this key, NULL when
  the source has no records for the year in the area (int_source_years). Keys are joined NULL-safe
  (NULL = blank / outside any zone).
    reports   relation of current enterprise reports (int_enterprise_reports__current)
    schemes   relation of current khuyến công schemes (int_khuyen_cong__current), with the keys
#}
{% macro kpi_breakdown(keys, reports='reports', schemes='schemes') %}
{%- set keys = ['area_code'] + keys %}
{%- set key_list = keys | join(', ') %}

source_years as (

    select area_code, source, year from {{ ref('int_source_years') }}

),

enterprise as (

    select
        year,
        {{ key_list }},
        count(distinct tax_code) as reporting_units,
        count(distinct tax_code) filter (where is_industrial) as industrial_reporting_units,
        sum(gross_output_current_mvnd) filter (where is_industrial) as gross_output_current_mvnd,
        sum(gross_output_const2010_mvnd) filter (where is_industrial)
            as gross_output_const2010_mvnd,
        sum(own_capital_invested_mvnd) as own_capital_mvnd,
        sum(employees) filter (where is_last_period_of_year) as employees_year_end
    from {{ reports }}
    group by year, {{ key_list }}

),

khuyen_cong as (

    select
        disbursement_year as year,
        {{ key_list }},
        sum(disbursed_amount_vnd) as kc_disbursed_vnd,
        count(distinct beneficiary_tax_code) filter (where disbursed_amount_vnd > 0)
            as kc_supported_units
    from {{ schemes }}
    where disbursement_year is not null
    group by disbursement_year, {{ key_list }}

),

breakdown_keys as (

    select year, {{ key_list }} from enterprise
    union
    select year, {{ key_list }} from khuyen_cong

),

breakdown as (

    select
        breakdown_keys.year,
        {%- for key in keys %}
        breakdown_keys.{{ key }},
        {%- endfor %}
        case when enterprise_years.year is not null
            then coalesce(enterprise.reporting_units, 0) end as reporting_units,
        case when enterprise_years.year is not null
            then coalesce(enterprise.industrial_reporting_units, 0) end
            as industrial_reporting_units,
        case when enterprise_years.year is not null
            then {{ money('coalesce(enterprise.gross_output_current_mvnd, 0)') }} end
            as gross_output_current_mvnd,
        case when enterprise_years.year is not null
            then {{ money('coalesce(enterprise.gross_output_const2010_mvnd, 0)') }} end
            as gross_output_const2010_mvnd,
        case when enterprise_years.year is not null
            then {{ money('coalesce(enterprise.own_capital_mvnd, 0)') }} end as own_capital_mvnd,
        case when enterprise_years.year is not null
            then cast(coalesce(enterprise.employees_year_end, 0) as bigint) end
            as employees_year_end,
        case when kc_years.year is not null
            then {{ money('coalesce(khuyen_cong.kc_disbursed_vnd, 0) / 1000000') }} end
            as kc_disbursed_mvnd,
        case when kc_years.year is not null
            then coalesce(khuyen_cong.kc_supported_units, 0) end as kc_supported_units

    from breakdown_keys
    left join enterprise
        on breakdown_keys.year = enterprise.year
        {%- for key in keys %}
        and breakdown_keys.{{ key }} is not distinct from enterprise.{{ key }}
        {%- endfor %}
    left join khuyen_cong
        on breakdown_keys.year = khuyen_cong.year
        {%- for key in keys %}
        and breakdown_keys.{{ key }} is not distinct from khuyen_cong.{{ key }}
        {%- endfor %}
    left join source_years as enterprise_years
        on breakdown_keys.year = enterprise_years.year
        and breakdown_keys.area_code = enterprise_years.area_code
        and enterprise_years.source = 'enterprise_reports'
    left join source_years as kc_years
        on breakdown_keys.year = kc_years.year
        and breakdown_keys.area_code = kc_years.area_code
        and kc_years.source = 'khuyen_cong'

)
{% endmacro %}
