-- The breakdown marts must add up to the district KPIs they explain (their December values),
-- for every year measured:
-- December year-to-date of kpi_by_month (when December is not after the as-of date) and budget_by_month, industry's share in
-- economy_by_year, and the sums over kpi_by_commune and kpi_by_zone.
-- The marts' money is million VND, the KPIs' billion VND.
-- Returns the (mart, year, kpi_code) combinations that disagree.
-- Compared for every area and province (int_kpi_actuals, one row per scope): the rows of
-- kpi_by_month, budget_by_month and economy_by_year of the same area_code, and the sums of
-- kpi_by_commune and kpi_by_zone over the area's places, or over all its areas' places for a
-- province.

{%- set december_ytd = [
    ('kpi_by_month', 'IND_GO_CURRENT', 'gross_output_current_ytd_mvnd'),
    ('kpi_by_month', 'IND_GO_CONST2010', 'gross_output_const2010_ytd_mvnd'),
    ('kpi_by_month', 'KC_FUNDS_TOTAL', 'kc_disbursed_ytd_mvnd'),
    ('budget_by_month', 'IND_BUDGET_CONTRIB', 'industry_revenue_ytd_mvnd'),
    ('budget_by_month', 'IND_BUDGET_SHARE', 'industry_share_ytd_pct'),
] %}
{%- set summed_over_places = {
    'IND_GO_CURRENT': 'gross_output_current_mvnd',
    'IND_GO_CONST2010': 'gross_output_const2010_mvnd',
    'CAPITAL_OWN': 'own_capital_mvnd',
    'KC_FUNDS_TOTAL': 'kc_disbursed_mvnd',
} %}

with

actuals as (

    -- the year's value: as of December
    select area_code, year, kpi_code, actual
    from {{ ref('int_kpi_actuals') }}
    where month = 12

),

breakdowns as (

    {%- for mart, kpi_code, column in december_ytd %}
    select '{{ mart }}' as mart, area_code, year, '{{ kpi_code }}' as kpi_code,
        {{ column }}{% if column.endswith('_mvnd') %} / 1000{% endif %} as value
    from {{ ref(mart) }} where month = 12
    {%- if mart == 'kpi_by_month' %} and not is_after_as_of{% endif %}
    union all
    {%- endfor %}

    {%- for mart in ['kpi_by_commune', 'kpi_by_zone'] %}
    {%- for kpi_code, column in summed_over_places.items() %}
    select '{{ mart }}', scopes.scope_code, places.year, '{{ kpi_code }}',
        sum(places.{{ column }}) / 1000
    from {{ ref(mart) }} as places
    inner join {{ ref('int_area_scopes') }} as scopes
        on places.area_code = scopes.area_code
    group by scopes.scope_code, places.year
    union all
    {%- endfor %}
    {%- endfor %}

    -- a year with figures but none for industry has no industry row: its KPI is 0
    select
        'economy_by_year', years.area_code, years.year, 'IND_SHARE_ECONOMY',
        coalesce(economy.share_of_gross_product_pct, 0)
    from (
        select distinct area_code, year from {{ ref('economy_by_year') }}
    ) as years
    left join {{ ref('economy_by_year') }} as economy
        on years.area_code = economy.area_code
        and years.year = economy.year
        and economy.sector = '{{ var("economy_industry_sector") }}'

),

compared as (

    select
        breakdowns.mart, breakdowns.area_code, breakdowns.year, breakdowns.kpi_code,
        breakdowns.value, actuals.actual
    from breakdowns
    inner join actuals
        on breakdowns.area_code = actuals.area_code
        and breakdowns.year = actuals.year
        and breakdowns.kpi_code = actuals.kpi_code

)

select *
from compared
where coalesce(abs(value - actual) > 1e-9 * greatest(1, abs(actual)), true)
    and not (value is null and actual is null)
