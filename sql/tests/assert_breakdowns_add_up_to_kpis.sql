-- The breakdown marts must add up to the district KPIs they explain, for every year measured:
-- December year-to-date of kpi_by_month, and the sums over kpi_by_commune and kpi_by_zone.
-- Returns the (year, kpi_code, mart) combinations that disagree.

with

actuals as (

    select year, kpi_code, actual
    from {{ ref('int_kpi_actuals') }}
    where kpi_code in ('IND_GO_CURRENT', 'IND_GO_CONST2010', 'CAPITAL_OWN', 'KC_FUNDS_TOTAL')

),

by_month as (

    select year, 'IND_GO_CURRENT' as kpi_code, gross_output_current_ytd_bn_vnd as value
    from {{ ref('kpi_by_month') }} where month = 12
    union all
    select year, 'IND_GO_CONST2010', gross_output_const2010_ytd_bn_vnd
    from {{ ref('kpi_by_month') }} where month = 12
    union all
    select year, 'KC_FUNDS_TOTAL', kc_disbursed_ytd_bn_vnd
    from {{ ref('kpi_by_month') }} where month = 12

),

{% for mart in ['kpi_by_commune', 'kpi_by_zone'] %}
by_{{ mart }} as (

    select year, 'IND_GO_CURRENT' as kpi_code, sum(gross_output_current_bn_vnd) as value
    from {{ ref(mart) }} group by year
    union all
    select year, 'IND_GO_CONST2010', sum(gross_output_const2010_bn_vnd)
    from {{ ref(mart) }} group by year
    union all
    select year, 'CAPITAL_OWN', sum(own_capital_bn_vnd)
    from {{ ref(mart) }} group by year
    union all
    select year, 'KC_FUNDS_TOTAL', sum(kc_disbursed_bn_vnd)
    from {{ ref(mart) }} group by year

),
{% endfor %}

compared as (

    select 'kpi_by_month' as mart, by_month.year, by_month.kpi_code, by_month.value, actuals.actual
    from by_month
    inner join actuals on by_month.year = actuals.year and by_month.kpi_code = actuals.kpi_code
    {% for mart in ['kpi_by_commune', 'kpi_by_zone'] %}
    union all
    select '{{ mart }}', b.year, b.kpi_code, b.value, actuals.actual
    from by_{{ mart }} as b
    inner join actuals on b.year = actuals.year and b.kpi_code = actuals.kpi_code
    {% endfor %}

)

select *
from compared
where coalesce(abs(value - actual) > 1e-9 * greatest(1, abs(actual)), true)
    and not (value is null and actual is null)
