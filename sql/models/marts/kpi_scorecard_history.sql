-- The plan scorecard as of every month end of the plan year up to the effective as-of date
-- (int_as_of): one row per (plan_id, kpi_code, as_of_date), at most 12 per plan and KPI, so a
-- dashboard can draw each KPI's path to its target. The December row (is_year_complete) is
-- the year's final result. A plan belongs to the area (or province) whose folder its
-- targets file came from (area_code); its actuals are that area's or province's (int_kpi_actuals).
--   actual     the value with data dated on or before as_of_date (int_kpi_actuals): year to
--              date for flow KPIs, latest value for stock KPIs and ratios
--   projected  flow KPIs during the year: actual × (full year Y-1) ÷ (same months of Y-1), the
--              previous year's seasonal pattern, when that pattern is a base to project
--              from: the same months of Y-1 hold at least var('projection_min_base_share')
--              of Y-1's total; else NULL with projection_note (no Y-1 data, a zero total, or
--              too small a base: ×18 from half a year holding 4 % of the year is no
--              forecast). A total (var('projection_totals'), KC_FUNDS_TOTAL = district +
--              provincial + national funds) is the sum of its parts' projections, NULL when
--              any part cannot be projected, so it always agrees with its parts.
--              = actual for stock KPIs and for a complete year.
--   previous_year_actual  the KPI at the same month end of Y-1 (year to date for a flow KPI,
--              latest value for a stock KPI), for "same point last year"; NULL = no Y-1 data.
--   status     complete year: met / not_met from actual; during the year: on_track / at_risk
--              from projected, or, for a flow KPI that cannot be projected (no Y-1 pattern),
--              from its year to date (on_track only when that already meets the target: a
--              sum over the year only grows); no_data when actual is NULL. The value judged,
--              coalesce(projected, actual), is rounded to 2 decimals (the precision KPIs are
--              shown with) and compared with the target: gt > target_low, gte ≥ target_low,
--              between ≥ target_low (above target_high still met / on track, and exceeded).

with

as_of as (

    select as_of_date from {{ ref('int_as_of') }}

),

targets as (

    select * from {{ ref('int_plan_targets__current') }}

),

catalog as (

    select * from {{ ref('kpi_catalog') }}

),

actuals as (

    select * from {{ ref('int_kpi_actuals') }}

),

completeness as (

    select * from {{ ref('int_kpi_input_completeness') }}

),

flow_projections as (

    -- every flow KPI's own projection at every month end of every year with data
    select
        current_year.area_code,
        current_year.kpi_code,
        current_year.year,
        current_year.month,
        case
            when
                previous_full_year.actual > 0
                and previous_same_months.actual
                >= {{ var('projection_min_base_share') }} * previous_full_year.actual
                then
                    current_year.actual * previous_full_year.actual
                    / previous_same_months.actual
        end as projected
    from actuals as current_year
    inner join catalog
        on
            current_year.kpi_code = catalog.kpi_code
            and catalog.kind = 'flow'
    left join actuals as previous_full_year
        on
            current_year.area_code = previous_full_year.area_code
            and current_year.kpi_code = previous_full_year.kpi_code
            and current_year.year - 1 = previous_full_year.year
            and previous_full_year.month = 12
    left join actuals as previous_same_months
        on
            current_year.area_code = previous_same_months.area_code
            and current_year.kpi_code = previous_same_months.kpi_code
            and current_year.year - 1 = previous_same_months.year
            and current_year.month = previous_same_months.month

),

total_parts as (

    {%- set totals = var('projection_totals') %}
    {%- if totals %}
        select * from (
            values
            {%- for total, parts in totals.items() %}
                {%- set outer = loop %}
                {%- for part in parts %}
                    ('{{ total }}', '{{ part }}'){% if not (outer.last and loop.last) %},{% endif %}
                {%- endfor %}
            {%- endfor %}
        ) as t (total_code, part_code)  -- noqa: AL05
    {%- else %}
    select cast(null as varchar) as total_code, cast(null as varchar) as part_code
    where false
    {%- endif %}

),

total_projections as (

    -- a total is the sum of its parts' projections, or nothing when a part has none
    select
        months.area_code,
        total_parts.total_code as kpi_code,
        months.year,
        months.month,
        case
            when count(flow_projections.projected) = count(*)
                then sum(flow_projections.projected)
        end as projected
    from total_parts
    inner join (
        select distinct
            area_code,
            kpi_code,
            year,
            month
        from flow_projections
    ) as months
        on total_parts.total_code = months.kpi_code
    left join flow_projections  -- noqa: AL04
        on
            months.area_code = flow_projections.area_code
            and total_parts.part_code = flow_projections.kpi_code
            and months.year = flow_projections.year
            and months.month = flow_projections.month
    group by all

),

projections as (

    select
        flow_projections.area_code,
        flow_projections.kpi_code,
        flow_projections.year,
        flow_projections.month,
        coalesce(total_projections.projected, case
            when total_projections.kpi_code is null
                then flow_projections.projected
        end) as projected,
        total_projections.kpi_code is not null as is_total
    from flow_projections
    left join total_projections
        on
            flow_projections.area_code = total_projections.area_code
            and flow_projections.kpi_code = total_projections.kpi_code
            and flow_projections.year = total_projections.year
            and flow_projections.month = total_projections.month

),

target_months as (

    select
        targets.*,
        months.month,
        cast(last_day(make_date(targets.year, months.month, 1)) as date) as as_of_date
    from targets
    cross join (select cast(unnest(range(1, 13)) as integer) as month) as months
    cross join as_of
    where last_day(make_date(targets.year, months.month, 1)) <= as_of.as_of_date

),

joined as (

    select
        target_months.plan_id,
        target_months.area_code,
        target_months.year,
        target_months.kpi_code,
        target_months.as_of_date,
        target_months.month = 12 as is_year_complete,
        target_months.kpi_name_vi,
        target_months.unit,
        target_months.comparator,
        target_months.target_low,
        target_months.target_high,
        catalog.kind,
        current_year.actual,
        case
            when target_months.month = 12 or coalesce(catalog.kind, 'stock') <> 'flow'
                then current_year.actual
            else projections.projected
        end as projected,
        case
            when
                target_months.month < 12 and catalog.kind = 'flow'
                and current_year.actual is not null and projections.projected is null
                then case
                    when projections.is_total
                        then
                            'chưa đủ số liệu năm trước để dự báo một nguồn thành phần / '
                            || 'not enough history to project one of its parts'
                    else 'chưa đủ số liệu năm trước để dự báo / not enough history to project'
                end
        end as projection_note,
        previous_same_months.actual as previous_year_actual,
        completeness.input_completeness,
        target_months.lead_unit,
        catalog.source

    from target_months
    left join catalog
        on target_months.kpi_code = catalog.kpi_code
    left join actuals as current_year
        on
            target_months.area_code = current_year.area_code
            and target_months.kpi_code = current_year.kpi_code
            and target_months.year = current_year.year
            and target_months.month = current_year.month
    left join projections
        on
            target_months.area_code = projections.area_code
            and target_months.kpi_code = projections.kpi_code
            and target_months.year = projections.year
            and target_months.month = projections.month
    left join actuals as previous_same_months
        on
            target_months.area_code = previous_same_months.area_code
            and target_months.kpi_code = previous_same_months.kpi_code
            and target_months.year - 1 = previous_same_months.year
            and target_months.month = previous_same_months.month
    left join completeness
        on
            target_months.area_code = completeness.area_code
            and catalog.completeness_basis = completeness.completeness_basis
            and target_months.year = completeness.year
            and target_months.month = completeness.month

),

judged as (

    select
        *,
        -- the value judged against the target: projected (= actual for a stock KPI or a
        -- complete year); a flow KPI that cannot be projected is judged on its year to date
        round(coalesce(projected, actual), 2) as judged_rounded
    from joined

)

select
    plan_id,
    area_code,
    year,
    kpi_code,
    as_of_date,
    is_year_complete,
    kpi_name_vi,
    unit,
    comparator,
    target_low,
    target_high,
    actual,
    projected,
    projection_note,
    previous_year_actual,
    case
        when judged_rounded is null then 'no_data'
        when
            (comparator = 'gt' and judged_rounded > target_low)
            or (comparator = 'gte' and judged_rounded >= target_low)
            or (comparator = 'between' and judged_rounded >= target_low)
            then case when is_year_complete then 'met' else 'on_track' end
        when is_year_complete then 'not_met'
        else 'at_risk'
    end as status,
    coalesce(comparator = 'between' and judged_rounded > target_high, false) as exceeded,
    input_completeness,
    kind,
    lead_unit,
    source
from judged
