-- Cross-source reconciliation: where two sources disagree beyond a tolerance, one finding
-- each, with a severity ('high' beyond 3× the tolerance, else 'medium'; 'low' for register
-- gaps). Tolerances are dbt vars (dbt_project.yml).

with

reports as (

    select
        tax_code,
        period,
        employees,
        taxes_paid_mvnd,
        is_industrial
    from {{ ref('int_enterprise_reports__current') }}

),

spells as (

    select
        employer_tax_code,
        start_date,
        end_date
    from {{ ref('int_labour_spells__current') }}

),

units as (

    select
        tax_code,
        unit_name
    from {{ ref('int_units') }}

),

labour_coverage as (

    -- the labour lists say nothing about months after the latest date they mention
    select max(greatest(start_date, coalesce(end_date, start_date))) as covered_until
    from spells

),

employer_months as (

    select
        reports.tax_code,
        reports.period,
        reports.employees,
        last_day(reports.period) as month_end
    from reports
    cross join labour_coverage
    where
        reports.tax_code in (select employer_tax_code from spells)
        and last_day(reports.period) <= labour_coverage.covered_until

),

spell_deltas as (

    -- a spell counts at every month end from its start to its end: +1 at the month end of
    -- its start, -1 at the first month end after its end (then a running sum per employer)
    select
        employer_tax_code as tax_code,
        last_day(start_date) as month_end,
        1 as delta
    from spells
    union all
    select
        employer_tax_code as tax_code,
        last_day(cast(end_date + interval 1 day as date)) as month_end,
        -1 as delta
    from spells
    where end_date is not null

),

running_headcount as (

    select
        tax_code,
        month_end,
        sum(sum(delta)) over (partition by tax_code order by month_end) as headcount
    from spell_deltas
    group by tax_code, month_end

),

headcount as (

    -- linear in spells + employer-months (an ASOF join), not in their product
    select
        employer_months.tax_code,
        employer_months.period,
        employer_months.employees,
        coalesce(running_headcount.headcount, 0) as headcount
    from employer_months
    asof left join running_headcount
        on
            employer_months.tax_code = running_headcount.tax_code
            and employer_months.month_end >= running_headcount.month_end

),

employees_vs_labour as (

    select
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
            budget.period = reports.period
            and reports.is_industrial
    where budget.industry_mvnd is not null
    group by budget.period

),

register_gaps as (

    select
        'khuyen_cong_beneficiary_not_in_register' as check_name,
        cast(date_trunc('month', decision_date) as date) as period,
        beneficiary_tax_code as entity,
        min(beneficiary_name) as entity_name
    from {{ ref('int_khuyen_cong__current') }}
    where beneficiary_tax_code not in (select tax_code from units)
    group by all

    union all

    select
        'ocop_producer_not_in_register' as check_name,
        cast(date_trunc('month', recognised_on) as date) as period,
        producer_tax_code as entity,
        min(producer_name) as entity_name
    from {{ ref('int_ocop_ratings__current') }}
    where
        producer_tax_code is not null
        and producer_tax_code not in (select tax_code from units)
    group by all

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

)

-- entity_name: a registered unit's name in its latest report (an enterprise, never a person);
-- outside the register, the name its own source (khuyến công decision, OCOP decision) gives it
select
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
    measured.tolerance
from measured
left join units
    on measured.entity = units.tax_code

union all

select
    check_name,
    'low' as severity,
    period,
    entity,
    entity_name,
    cast(null as double) as value_reported,
    cast(null as double) as value_compared,
    cast(null as double) as difference,
    cast(null as double) as tolerance
from register_gaps
