-- Cross-source reconciliation: where two sources disagree beyond a tolerance, one finding
-- each, with a severity ('high' beyond 3× the tolerance, else 'medium'; 'low' for register
-- gaps). Tolerances are dbt vars (dbt_project.yml). Every check is made within a reporting
-- area (area_code): its reports against its own labour lists, budget and registers.
-- unit_in_two_areas: a tax code present in the data of two or more areas (current enterprise
-- reports, khuyến công beneficiaries, OCOP producers), one finding per (area, tax code, other
-- area): each area sees the unit also counted elsewhere.

with

reports as (

    select
        area_code,
        tax_code,
        period,
        employees,
        taxes_paid_mvnd,
        is_industrial
    from {{ ref('int_enterprise_reports__current') }}

),

spells as (

    select
        area_code,
        employer_tax_code,
        start_date,
        end_date
    from {{ ref('int_labour_spells__current') }}

),

units as (

    select
        area_code,
        tax_code,
        unit_name,
        first_period
    from {{ ref('int_units') }}

),

schemes as (

    select
        area_code,
        beneficiary_tax_code,
        beneficiary_name,
        decision_date
    from {{ ref('int_khuyen_cong__current') }}

),

ratings as (

    select
        area_code,
        producer_tax_code,
        producer_name,
        recognised_on
    from {{ ref('int_ocop_ratings__current') }}

),

areas as (

    select
        area_code,
        area_name
    from {{ ref('stg_ops__areas') }}

),

labour_coverage as (

    -- the labour lists say nothing about months after the latest date they mention
    select
        area_code,
        max(greatest(start_date, coalesce(end_date, start_date))) as covered_until
    from spells
    group by area_code

),

employers as (

    select distinct
        area_code,
        employer_tax_code as tax_code
    from spells

),

employer_months as (

    select
        reports.area_code,
        reports.tax_code,
        reports.period,
        reports.employees,
        last_day(reports.period) as month_end
    from reports
    semi join employers
        on
            reports.area_code = employers.area_code
            and reports.tax_code = employers.tax_code
    inner join labour_coverage
        on
            reports.area_code = labour_coverage.area_code
            and last_day(reports.period) <= labour_coverage.covered_until

),

spell_deltas as (

    -- a spell counts at every month end from its start to its end: +1 at the month end of
    -- its start, -1 at the first month end after its end (then a running sum per employer)
    select
        area_code,
        employer_tax_code as tax_code,
        last_day(start_date) as month_end,
        1 as delta
    from spells
    union all
    select
        area_code,
        employer_tax_code as tax_code,
        last_day(cast(end_date + interval 1 day as date)) as month_end,
        -1 as delta
    from spells
    where end_date is not null

),

running_headcount as (

    select
        area_code,
        tax_code,
        month_end,
        sum(sum(delta)) over (partition by area_code, tax_code order by month_end) as headcount
    from spell_deltas
    group by area_code, tax_code, month_end

),

headcount as (

    -- linear in spells + employer-months (an ASOF join), not in their product
    select
        employer_months.area_code,
        employer_months.tax_code,
        employer_months.period,
        employer_months.employees,
        coalesce(running_headcount.headcount, 0) as headcount
    from employer_months
    asof left join running_headcount
        on
            employer_months.area_code = running_headcount.area_code
            and employer_months.tax_code = running_headcount.tax_code
            and employer_months.month_end >= running_headcount.month_end

),

employees_vs_labour as (

    select
        area_code,
        'employees_vs_labour_headcount' as check_name,
        period,
        tax_code as entity,
        cast(employees as double) as value_reported,
        cast(headcount as double) as value_compared,
        greatest(
            {{ var('recon_employees_tolerance_abs') }},
            {{ var('recon_employees_tolerance_pct') }} / 100.0 * employees
        ) as tolerance
    from headcount

),

taxes_vs_tax_office as (

    -- taxes paid as the industrial units report them vs the tax office's industry revenue
    select
        budget.area_code,
        'taxes_vs_tax_office' as check_name,
        budget.period,
        cast(null as varchar) as entity,
        cast(sum(reports.taxes_paid_mvnd) as double) as value_reported,
        cast(any_value(budget.industry_mvnd) as double) as value_compared,
        {{ var('recon_taxes_tolerance_pct') }} / 100.0
        * cast(any_value(budget.industry_mvnd) as double) as tolerance
    from {{ ref('int_budget_revenue__monthly') }} as budget
    inner join reports
        on
            budget.area_code = reports.area_code
            and budget.period = reports.period
            and reports.is_industrial
    where budget.industry_mvnd is not null
    group by budget.area_code, budget.period

),

register_gaps as (

    select
        schemes.area_code,
        'khuyen_cong_beneficiary_not_in_register' as check_name,
        cast(date_trunc('month', schemes.decision_date) as date) as period,
        schemes.beneficiary_tax_code as entity,
        min(schemes.beneficiary_name) as entity_name,
        cast(null as varchar) as detail
    from schemes
    anti join units
        on
            schemes.area_code = units.area_code
            and schemes.beneficiary_tax_code = units.tax_code
    group by all

    union all

    select
        ratings.area_code,
        'ocop_producer_not_in_register' as check_name,
        cast(date_trunc('month', ratings.recognised_on) as date) as period,
        ratings.producer_tax_code as entity,
        min(ratings.producer_name) as entity_name,
        cast(null as varchar) as detail
    from ratings
    anti join units
        on
            ratings.area_code = units.area_code
            and ratings.producer_tax_code = units.tax_code
    where ratings.producer_tax_code is not null
    group by all

),

presence as (

    -- where each tax code appears: the first month it does in each area, and its name there
    select
        area_code,
        tax_code,
        min(first_month) as first_month,
        min(entity_name) as entity_name
    from (
        select
            area_code,
            tax_code,
            first_period as first_month,
            unit_name as entity_name
        from units
        union all
        select
            area_code,
            beneficiary_tax_code as tax_code,
            cast(date_trunc('month', decision_date) as date) as first_month,
            beneficiary_name as entity_name
        from schemes
        union all
        select
            area_code,
            producer_tax_code as tax_code,
            cast(date_trunc('month', recognised_on) as date) as first_month,
            producer_name as entity_name
        from ratings
        where producer_tax_code is not null
    ) as appearances
    group by area_code, tax_code

),

in_two_areas as (

    -- period: the month from which the unit is in the data of both areas
    select
        here.area_code,
        'unit_in_two_areas' as check_name,
        greatest(here.first_month, other.first_month) as period,
        here.tax_code as entity,
        here.entity_name,
        'Mã số thuế có trong số liệu của cả ' || coalesce(here_area.area_name, here.area_code)
        || ' (' || here.area_code || ') và ' || coalesce(other_area.area_name, other.area_code)
        || ' (' || other.area_code || '); tỉnh chỉ đếm một lần / tax code in the data of both '
        || coalesce(here_area.area_name, here.area_code) || ' (' || here.area_code || ') and '
        || coalesce(other_area.area_name, other.area_code) || ' (' || other.area_code
        || '); the province counts it once' as detail
    from presence as here
    inner join presence as other
        on
            here.tax_code = other.tax_code
            and here.area_code <> other.area_code
    left join areas as here_area
        on here.area_code = here_area.area_code
    left join areas as other_area
        on other.area_code = other_area.area_code

),

compared as (

    select * from employees_vs_labour
    union all
    select * from taxes_vs_tax_office

),

measured as (

    select
        *,
        abs(value_reported - value_compared) as difference
    from compared
    where abs(value_reported - value_compared) > tolerance

),

low_findings as (

    select * from register_gaps
    union all
    select * from in_two_areas

)

-- entity_name: a registered unit's name in its latest report (an enterprise, never a person);
-- outside the register, the name its own source (khuyến công decision, OCOP decision) gives it
select
    measured.area_code,
    measured.check_name,
    case
        when measured.difference > 3 * measured.tolerance then 'high' else 'medium'
    end as severity,
    measured.period,
    measured.entity,
    units.unit_name as entity_name,
    measured.value_reported,
    measured.value_compared,
    measured.difference,
    measured.tolerance,
    cast(null as varchar) as detail
from measured
left join units
    on
        measured.area_code = units.area_code
        and measured.entity = units.tax_code

union all

select
    area_code,
    check_name,
    'low' as severity,
    period,
    entity,
    entity_name,
    cast(null as double) as value_reported,
    cast(null as double) as value_compared,
    cast(null as double) as difference,
    cast(null as double) as tolerance,
    detail
from low_findings
